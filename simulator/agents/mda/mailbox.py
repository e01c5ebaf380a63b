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
