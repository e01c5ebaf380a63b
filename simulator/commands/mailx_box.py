"""Heirloom mailx reading the system mailbox: the header summary, printing, and quit.

Follows mailx 12.5 (the version RHEL/CentOS 7 ship; its source is the R12_5 tag of
github.com/sdaoden/s-mailx): lex.c newfileinfo() for the ``"/var/spool/mail/yuki": 2
messages 2 new`` line, cmd1.c printhead()/hprf() for the header lines and type1() for
``Message  1:``, fio.c setptr() for what an entry counts (lines and bytes from its From_
line to its blank line, Status: R = read, O = not new), quit.c for what happens on quit:
with ``hold`` set (as /etc/mail.rc does) every message stays in the mailbox and the
mailbox is written back with Status: headers ("Held 2 messages in ..."); without it the
messages read go to ~/mbox ("Saved 1 message in mbox").
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from email.header import decode_header, make_header

from ..agents.mda.mailbox import (
    header_end,
    header_lines,
    mbox_chunks,
    status_flags,
    with_status_headers,
)

SCREEN_WIDTH = 80  # scrnwidth when the terminal size is 80 columns


@dataclass(slots=True)
class Entry:
    """One message of the folder (cf. struct message)."""

    chunk: bytes  # the mbox entry: From_ line to the blank line after it
    flags: set[str] = field(default_factory=set)  # new read touch deleted preserve mbox
    xstatus: str = ""  # X-Status: letters (A answered, F flagged, T draft), kept as read

    @property
    def message(self) -> bytes:
        return self.chunk.partition(b"\n")[2]

    def header(self, name: str) -> str | None:
        for line in header_lines(self.message[:header_end(self.message)]):
            key, _, value = line.decode("utf-8", "replace").partition(":")
            if key.strip().lower() == name:
                return " ".join(value.split())
        return None


def load(data: bytes) -> list[Entry]:
    entries = []
    for chunk in mbox_chunks(data):
        status, xstatus = status_flags(chunk.partition(b"\n")[2])
        flags = {"new"} if "O" not in status else set()
        if "R" in status:
            flags.add("read")
        entries.append(Entry(chunk, flags, xstatus))
    return entries


def summary_line(path: str, entries: list[Entry]) -> str:
    """lex.c newfileinfo(): the folder line after the banner."""
    n = sum("new" in e.flags for e in entries)
    u = sum("read" not in e.flags for e in entries)
    d = sum("deleted" in e.flags for e in entries)
    out = f'"{path}": ' + ("1 message" if len(entries) == 1 else f"{len(entries)} messages")
    out += f" {n} new" if n else ""
    out += f" {u} unread" if u - n > 0 else ""  # mailx prints the total unread here
    out += f" {d} deleted" if d else ""
    return out


def dot_of(entries: list[Entry]) -> int:
    """lex.c getmdot(): the first new message, else the first unread, else the first."""
    live = [i for i, e in enumerate(entries) if "deleted" not in e.flags]
    for wanted in ("new", None):
        for i in live:
            if (wanted == "new" and "new" in entries[i].flags) or (
                    wanted is None and "read" not in entries[i].flags):
                return i
    return 0


def header_line(entries: list[Entry], i: int, dot: int, rc: dict[str, str]) -> str:
    """cmd1.c printhead() with its default headline, BSD style under ``bsdcompat``."""
    bsd = "bsdcompat" in rc or "bsdheadline" in rc
    bsdflags = "bsdcompat" in rc or "bsdflags" in rc
    attrs = rc.get("attrlist") or ("NU  *HMFATK+-J" if bsdflags else "NUROSPMFATK+-J")
    e = entries[i]
    date = e.chunk.partition(b"\n")[0].decode("ascii", "replace").split(None, 2)[-1][:16]
    raw = e.header("subject") if e.header("subject") is not None else e.header("subj")
    subject = None if raw is None else _decoded(raw)
    fields = {"marker": ">" if i == dot else " ", "attr": _attr(e, attrs),
              "num": f"{i + 1:3d}", "date": f"{date:>16.16}",
              "lines": e.chunk.count(b"\n"), "size": len(e.chunk)}
    name = _display_name(e.header("from") or "", rc)
    if bsd:  # "%>%a%m %20f  %16d %3l/%-5o %i%S"
        head = (f"{fields['marker']}{fields['attr']}{fields['num']} {align(name, 20)}  "
                f"{fields['date']} {fields['lines']:3d}/{fields['size']:<5d} ")
        # hprf(): the subject gets what is left of the line, less 2, less 2 for the quotes
        room = SCREEN_WIDTH - width(head) - 4
        return head + (f'"{align(subject, room, fill=False)}"' if subject is not None else "")
    # "%>%a%m %18f %16d %4l/%-5o %i%s"
    head = (f"{fields['marker']}{fields['attr']}{fields['num']} {align(name, 18)} "
            f"{fields['date']} {fields['lines']:4d}/{fields['size']:<5d} ")
    room = SCREEN_WIDTH - width(head) - 2
    return head + (align(subject, room, fill=False) if subject is not None else "")


def _attr(e: Entry, a: str) -> str:
    """cmd1.c dispc(): the status letter of a message."""
    read, new = "read" in e.flags, "new" in e.flags
    c = a[3] if read and not new else a[2] if read and new else a[0] if new else a[1]
    if "preserve" in e.flags:
        c = a[5]
    if "mbox" in e.flags:
        c = a[6]
    return c


def _display_name(value: str, rc: dict[str, str]) -> str:
    """name1() then, with ``showname``, realname(): the phrase, else the bare address."""
    from email.utils import parseaddr

    name, addr = parseaddr(value)
    if "showname" in rc and name:
        return _decoded(name)
    return addr or value


def _decoded(text: str) -> str:
    try:
        return str(make_header(decode_header(text)))
    except (ValueError, LookupError):
        return text


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def align(text: str, col: int, fill: bool = True) -> str:
    """aux.c colalign(): cut to ``col`` display columns, pad with blanks if ``fill``."""
    out, used = [], 0
    for c in text:
        w = 2 if unicodedata.east_asian_width(c) in "WF" else 1
        if used + w > col:
            break
        out.append(" " if c.isspace() else c)
        used += w
    return "".join(out) + (" " * (col - used) if fill else "")


def typed(entries: list[Entry], i: int, ignore: set[str]) -> str:
    """cmd1.c type1(): ``Message  N:``, the From_ line, the headers not ignored with the
    Status: line mailx computes, then the body as stored."""
    e = entries[i]
    first, _, message = e.chunk.partition(b"\n")
    end = header_end(message)
    status = ("R" if "read" in e.flags else "") + ("" if "new" in e.flags else "O")
    computed = {"status": status, "x-status": e.xstatus}
    out = [f"Message {i + 1:2d}:", first.decode("utf-8", "replace")]
    for line in header_lines(message[:end]):
        name = line.split(b":", 1)[0].strip().lower().decode("ascii", "replace")
        if name in computed:  # send.c: the real Status: is computed, where the old one was
            value = computed.pop(name)
            out += [f"{'Status' if name == 'status' else 'X-Status'}: {value}"] if value else []
            continue
        if name in ignore:
            continue
        text = line.decode("utf-8", "replace").rstrip("\n")
        key, _, value = text.partition(":")
        out.append(f"{key}:{_decoded(value) if '=?' in value else value}")
    for name, value in computed.items():  # none stored: added at the end of the headers
        out += [f"{'Status' if name == 'status' else 'X-Status'}: {value}"] if value else []
    body = message[end:].decode("utf-8", "replace")
    return "\n".join(out) + "\n" + body


def written_back(entries: list[Entry]) -> bytes:
    """send.c with SEND_MBOX: each entry with its Status: line (R read, O old)."""
    out = []
    for e in entries:
        status = ("R" if "read" in e.flags else "") + ("" if "new" in e.flags else "O")
        out.append(with_status_headers(e.chunk, status, e.xstatus))
    return b"".join(out)
