"""Mailbox formats in a host's virtual filesystem: mbox and Maildir, as local(8) writes them.

mbox (local/mailbox.c + global/mail_copy.c): one file per user, each message preceded by
``From sender  asctime`` (two spaces; MAILER-DAEMON for the null sender), then
Return-Path:, X-Original-To:, Delivered-To:, the message with body lines that begin with
"From " quoted as ">From ", and one blank line.

Maildir (local/maildir.c): the copy is written to ``tmp/time.Ppid.host`` and linked into
``new/time.VdevIinoMusec.host``; no lock is needed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...model import rawmsg
from ...model.fs import VirtualFS

_FROM_LINE = re.compile(rb"^From ", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class DeliveryHeaders:
    sender: str  # envelope sender, "" for bounces
    orig_rcpt: str  # X-Original-To ("": none)
    delivered_to: str | None  # Delivered-To (None: prepend_delivered_header says none)


def prepended_headers(h: DeliveryHeaders) -> bytes:
    """Return-Path, X-Original-To and Delivered-To, in mail_copy.c's order."""
    lines = [f"Return-Path: <{h.sender}>"]
    if h.orig_rcpt:
        lines.append(f"X-Original-To: {h.orig_rcpt}")
    if h.delivered_to is not None:
        lines.append(f"Delivered-To: {h.delivered_to}")
    return ("\n".join(lines) + "\n").encode()


def quote_from(content: bytes) -> bytes:
    """mboxo quoting: a line that begins with "From " gets a ">" (mail_copy.c)."""
    return _FROM_LINE.sub(b">From ", content)


def mbox_entry(h: DeliveryHeaders, content: bytes, asctime: str) -> bytes:
    sender = h.sender or "MAILER-DAEMON"
    body = content if content.endswith(b"\n") else content + b"\n"
    return (f"From {sender}  {asctime}\n".encode() + prepended_headers(h)
            + quote_from(body) + b"\n")


def split_mbox(data: bytes) -> list[bytes]:
    """The messages of an mbox file, each without its ``From `` separator line."""
    messages: list[bytes] = []
    current: list[bytes] = []
    previous_blank = True
    for line in data.splitlines(keepends=True):
        if line.startswith(b"From ") and previous_blank:
            if current:
                messages.append(_strip_trailing_blank(b"".join(current)))
            current = []
        else:
            current.append(line)
        previous_blank = line in (b"\n", b"\r\n")
    if current:
        messages.append(_strip_trailing_blank(b"".join(current)))
    return messages


def _strip_trailing_blank(message: bytes) -> bytes:
    return message[:-1] if message.endswith(b"\n\n") else message


def mbox_separators(data: bytes) -> list[bytes]:
    return [line for line in data.splitlines() if line.startswith(b"From ")]


@dataclass(frozen=True, slots=True)
class MaildirNames:
    tmp: str
    new: str


def maildir_names(maildir: str, seconds: int, pid: int, device: int, inode: int, usec: int,
                  hostname: str) -> MaildirNames:
    """tmp/ and new/ names as local/maildir.c makes them."""
    base = maildir.rstrip("/")
    return MaildirNames(f"{base}/tmp/{seconds}.P{pid}.{hostname}",
                        f"{base}/new/{seconds}.V{device:x}I{inode:x}M{usec}.{hostname}")


def maildir_message(h: DeliveryHeaders, content: bytes) -> bytes:
    """A Maildir file: the delivery headers and the message, no From line, no quoting."""
    return prepended_headers(h) + content


def maildir_files(fs: VirtualFS, maildir: str) -> list[str]:
    """Messages in new/ and cur/, oldest name first (tmp/ is work in progress)."""
    base = maildir.rstrip("/")
    return fs.under(base + "/new") + fs.under(base + "/cur")


def mbox_chunks(data: bytes | bytearray) -> list[bytes]:
    """Each entry of an mbox exactly as stored: its ``From `` line to the next one."""
    chunks: list[list[bytes]] = []
    previous_blank = True
    for line in bytes(data).splitlines(keepends=True):
        if line.startswith(b"From ") and previous_blank:
            chunks.append([])
        if chunks:
            chunks[-1].append(line)
        previous_blank = line in (b"\n", b"\r\n")
    return [b"".join(c) for c in chunks]


# Headers that mail readers keep in an mbox for their own book-keeping; Dovecot hides them
# from IMAP/POP3 clients (lib-storage/index/mbox/istream-raw-mbox.c, mbox-sync-parse.c).
MBOX_STATUS_HEADERS = (b"status", b"x-status", b"x-imap", b"x-imapbase", b"x-uid",
                       b"x-keywords", b"content-length")


def header_end(message: bytes) -> int:
    """Offset of the blank line that ends the header block (len() when there is none)."""
    at = message.find(b"\n\n")
    if message.startswith(b"\n"):
        return 0
    return len(message) if at < 0 else at + 1


def without_status_headers(message: bytes) -> bytes:
    """The message as an MRA serves it: the mbox book-keeping headers removed."""
    end = header_end(message)
    kept = [line for line in header_lines(message[:end])
            if line.split(b":", 1)[0].strip().lower() not in MBOX_STATUS_HEADERS]
    return b"".join(kept) + message[end:]


def with_status_headers(entry: bytes, status: str, xstatus: str) -> bytes:
    """An mbox entry with its Status:/X-Status: lines set as mail readers write them:
    replaced where they are, otherwise added at the end of the headers; empty means none
    (mailx send.c statusput()/xstatusput(); Dovecot mbox-sync-update.c)."""
    first, _, message = entry.partition(b"\n")
    end = header_end(message)
    wanted = {b"status": status, b"x-status": xstatus}
    out: list[bytes] = []
    for line in header_lines(message[:end]):
        name = line.split(b":", 1)[0].strip().lower()
        if name in wanted:
            value = wanted.pop(name)
            if value:
                out.append(line.split(b":", 1)[0] + b": " + value.encode() + b"\n")
            continue
        out.append(line)
    for name, value in wanted.items():
        if value:
            out.append((b"Status" if name == b"status" else b"X-Status")
                       + b": " + value.encode() + b"\n")
    return first + b"\n" + b"".join(out) + message[end:]


header_lines = rawmsg.fields  # header fields with their continuation lines joined to them


def status_flags(message: bytes) -> tuple[str, str]:
    """The Status: and X-Status: values of a message ('' when absent)."""
    found = {b"status": "", b"x-status": ""}
    for line in header_lines(message[:header_end(message)]):
        name, _, value = line.partition(b":")
        key = name.strip().lower()
        if key in found and not found[key]:
            found[key] = value.decode("ascii", "replace").strip()
    return found[b"status"], found[b"x-status"]
