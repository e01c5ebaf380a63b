"""bsd-mailx reading the system mailbox: Debian's ``mail`` (OpenBSD mail 8.1.2).

What differs from Heirloom mailx (mailx_read.py), from OpenBSD's usr.bin/mail:
- the banner ``Mail version 8.1.2 01/15/2001.  Type ? for help.`` (main.c, unless
  ``quiet``), the folder line as lex.c newfileinfo() writes it, then the header summary
  unless ``noheader`` is set (announce());
- the mailbox is /var/mail/USER (_PATH_MAILDIR); none, or an empty one: ``No mail for
  USER`` and exit status 1 (fio.c setfile());
- each header line is ``%c%c%3d %-17.17s  %16.16s %4d/%-5d %s`` cut to the screen width
  (cmd1.c printhead()): ``>`` at dot, the status letter (N new, U unread, blank read,
  P preserved, M to mbox, * saved), the number, the sender's bare address (skin()), the date
  of the From_ line, lines/bytes, and the subject without quotes;
- printing a message starts ``Message N:`` (type1());
- Debian's /etc/mail.rc sets no ``hold``: on quit, the messages read go to ~/mbox.

The prompt is ``& ``; the commands are those of mailx_read.Session (the BSD names resolve
the same way for next, print, headers, delete, undelete, preserve, mbox, quit, xit).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import CommandResult, Invocation
from .mailx_box import Entry, dot_of, load, summary_line, typed
from .mailx_read import Session, _write, quit_mailbox

VERSION = "8.1.2 01/15/2001"  # version.c
MAILDIR = "/var/mail"
SCREEN_WIDTH = 80
# Debian's bsd-mailx /etc/mail.rc
DEFAULT_MAIL_RC = """\
set append dot save asksub
ignore Received Message-Id Resent-Message-Id Status Mail-From Return-Path Via Delivered-To
"""


@dataclass(slots=True)
class BsdSession(Session):
    """A reading session with OpenBSD mail's header lines and message print-out."""

    def cmd_headers(self, args: str) -> str:
        # SIMPLIFICATION: every message, not one screenful of them
        return "".join(header_line(self.entries, i, self.dot) + "\n"
                       for i, e in enumerate(self.entries) if "deleted" not in e.flags)

    def _type(self, picked: list[int], ignore: bool = True) -> str:
        out = []
        skip = set(self.rc["ignore-list"].split()) if ignore else set()
        for i in picked:
            self.entries[i].flags |= {"read", "touch"}
            self.dot = i
            head, _, body = typed(self.entries, i, skip).partition("\n\n")
            lines = head.split("\n")[1:]
            if "status" in skip:  # send.c: the computed Status: line obeys ignore too
                lines = [x for x in lines if not x.startswith(("Status: ", "X-Status: "))]
            out.append("\n".join([f"Message {i + 1}:", *lines]) + "\n\n" + body)
        return "".join(out)


def header_line(entries: list[Entry], i: int, dot: int) -> str:
    """cmd1.c printhead()."""
    from email.utils import parseaddr

    e = entries[i]
    date = e.chunk.partition(b"\n")[0].decode("ascii", "replace").split(None, 2)[-1][:16]
    subject = e.header("subject") or e.header("subj") or ""
    name = parseaddr(e.header("from") or "")[1] or (e.header("from") or "")
    lines = e.chunk.count(b"\n")
    line = (f"{'>' if i == dot else ' '}{_dispc(e)}{i + 1:3d} {name[:17]:<17}  "
            f"{date:>16.16} {lines:4d}/{len(e.chunk):<5d} {subject}")
    return line[:SCREEN_WIDTH]


def _dispc(e: Entry) -> str:
    c = " "
    if "preserve" in e.flags:
        c = "P"
    if "new" in e.flags and "read" not in e.flags:
        c = "N"
    if not e.flags & {"new", "read"}:
        c = "U"
    if "mbox" in e.flags:
        c = "M"
    return c


def read_bsd(inv: Invocation, opts: dict[str, str], rc: dict[str, str]) -> CommandResult:
    user = inv.user
    path = f"{MAILDIR}/{user.name}"
    entries = load(inv.host.fs.read(path) or b"")
    if "e" in opts:
        return CommandResult("", 0 if entries else 1)
    if not entries:
        return CommandResult(f"No mail for {user.name}\n", 1)
    session = BsdSession(entries, rc, dot_of(entries), path)
    if "H" in opts:
        return CommandResult(session.cmd_headers(""), 0)
    out = "" if "quiet" in rc else f"Mail version {VERSION}.  Type ? for help.\n"
    out += summary_line(path, entries) + "\n"
    out += "" if "noheader" in rc or "N" in opts else session.cmd_headers("")
    prompt = rc.get("prompt") or "& "
    for line in inv.stdin.splitlines():
        out += prompt + line + "\n" + session.execute(line)
        if session.done:
            break
    if not session.done:  # end of input (^D) at the prompt: quit
        out += prompt + quit_mailbox(session)
    _write(inv, path, session)
    return CommandResult(out, 0)
