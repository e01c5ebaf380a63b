"""Heirloom mailx's reading session: the commands typed at the ``& `` prompt, and quit.

Commands are found by prefix in mailx's own table order (lex.c lex(), cmdtab.c), so ``p``
is print, ``h`` headers, ``d`` delete, ``q`` quit, ``x`` xit, and a blank line or a bare
number is ``next``. The ones modelled: next, print/type, headers, delete, undelete,
preserve/hold, mbox, quit, xit/exit. Known mailx commands that are not modelled say so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import CommandResult, Invocation
from .mailx_box import Entry, dot_of, header_line, load, summary_line, typed, written_back
from .mailx_send import VERSION

MAILSPOOL = "/var/spool/mail"  # RHEL's build of mailx; /var/mail is the same directory
# cmdtab.c, in order (the first name a typed word is a prefix of wins)
TABLE = ["next", "alias", "print", "type", "Type", "Print", "visual", "top", "touch", "preserve", "delete", "dp", "dt", "undelete", "unset", "mail", "Mail", "mbox", "more", "page", "More", "Page", "unread", "Unread", "new", "New", "!", "copy", "Copy", "chdir", "cd", "save", "Save", "source", "set", "shell", "version", "group", "ungroup", "unalias", "write", "from", "file", "followup", "followupall", "followupsender", "folder", "folders", "?", "z", "Z", "headers", "help", "=", "Reply", "Respond", "Followup", "reply", "replyall", "replysender", "respond", "respondall", "respondsender", "Resend", "Redirect", "resend", "redirect", "Forward", "Fwd", "forward", "fwd", "edit", "echo", "quit", "list", "xit", "exit", "pipe", "|", "Pipe", "size", "hold", "if", "else", "endif", "alternates", "ignore", "discard", "retain"]
_WORD = re.compile(r"[^ \t0-9$^.:/\-+*'\",;(`]*")


@dataclass(slots=True)
class Session:
    entries: list[Entry]
    rc: dict[str, str]
    dot: int
    path: str
    seen_command: bool = False
    done: bool = False
    new_spool: bytes | None = None  # what quit writes back into the system mailbox
    to_mbox: list[Entry] = field(default_factory=list)

    def execute(self, line: str) -> str:
        stripped = line.lstrip(" \t")
        word = _WORD.match(stripped).group()  # type: ignore[union-attr]
        args = stripped[len(word):]
        name = next((c for c in TABLE if c.startswith(word)), None) if word else "next"
        if name is None:
            return f'Unknown command: "{word}"\n'
        handler = getattr(self, "cmd_" + name.lower(), None)
        out = handler(args) if handler else (
            f'mailsim: the mailx command "{name}" is not modelled\n')
        self.seen_command = True
        return out

    # --- message lists (list.c getmsglist(), simplified to numbers, n-m, *, $, ., ^) ----------
    def _list(self, args: str) -> list[int] | str:
        picked: list[int] = []
        for token in args.split():
            if token == "*":
                picked += [i for i, e in enumerate(self.entries) if "deleted" not in e.flags]
                continue
            bounds = [self._number(x) for x in token.split("-", 1)]
            if any(isinstance(b, str) for b in bounds):
                return next(b for b in bounds if isinstance(b, str))
            low, high = bounds[0], bounds[-1]
            picked += list(range(int(low), int(high) + 1))
        for i in picked:
            if "deleted" in self.entries[i].flags:
                return f"{i + 1}: Inappropriate message\n"
        return picked

    def _number(self, token: str) -> int | str:
        if token in ("$", "."):
            return len(self.entries) - 1 if token == "$" else self.dot
        if token == "^":
            return 0
        if not token.isdigit():
            return f'Unknown command: "{token}"\n'
        n = int(token)
        if not 1 <= n <= len(self.entries):
            return f"{n}: Invalid message number\n"
        return n - 1

    def _targets(self, args: str) -> list[int] | str:
        if args.strip():
            return self._list(args)
        if "deleted" in self.entries[self.dot].flags:
            return "No applicable messages\n"
        return [self.dot]

    # --- commands -------------------------------------------------------------------------
    def cmd_next(self, args: str) -> str:
        if args.strip():
            picked = self._list(args)
            if isinstance(picked, str):
                return picked
            return self._type([picked[0]])
        if not self.seen_command:
            return self._type([self.dot])
        later = [i for i in range(self.dot + 1, len(self.entries))
                 if "deleted" not in self.entries[i].flags]
        return self._type([later[0]]) if later else "At EOF\n"

    def cmd_print(self, args: str) -> str:
        picked = self._targets(args)
        return picked if isinstance(picked, str) else self._type(picked)

    cmd_type = cmd_print

    def _type(self, picked: list[int], ignore: bool = True) -> str:
        out = []
        skip = set(self.rc["ignore-list"].split()) if ignore else set()
        for i in picked:
            self.entries[i].flags |= {"read", "touch"}  # touch(): read, and touched
            self.dot = i
            out.append(typed(self.entries, i, skip))
        return "".join(out)

    def cmd_headers(self, args: str) -> str:
        # SIMPLIFICATION: every message, not one screenful of them
        return "".join(header_line(self.entries, i, self.dot, self.rc) + "\n"
                       for i, e in enumerate(self.entries) if "deleted" not in e.flags)

    def cmd_delete(self, args: str) -> str:
        picked = self._targets(args)
        if isinstance(picked, str):
            return picked
        for i in picked:
            self.entries[i].flags |= {"read", "touch", "deleted"}
            self.entries[i].flags -= {"preserve", "mbox"}
        live = [i for i in range(picked[-1], len(self.entries))
                if "deleted" not in self.entries[i].flags]
        self.dot = live[0] if live else 0  # cmd2.c delm()
        return ""

    def cmd_undelete(self, args: str) -> str:
        picked = self._list(args) if args.strip() else [self.dot]
        if isinstance(picked, str):
            return picked
        for i in picked:
            self.entries[i].flags.discard("deleted")
            self.dot = i
        return ""

    def cmd_preserve(self, args: str) -> str:
        return self._mark(args, "preserve", "mbox")

    cmd_hold = cmd_preserve

    def cmd_mbox(self, args: str) -> str:
        return self._mark(args, "mbox", "preserve")

    def _mark(self, args: str, flag: str, other: str) -> str:
        picked = self._targets(args)
        if isinstance(picked, str):
            return picked
        for i in picked:
            self.entries[i].flags.add(flag)
            self.entries[i].flags.discard(other)
        return ""

    def cmd_quit(self, args: str) -> str:
        self.done = True
        return quit_mailbox(self)

    def cmd_xit(self, args: str) -> str:
        self.done = True  # leave the mailbox as it was
        return ""

    cmd_exit = cmd_xit


def quit_mailbox(s: Session) -> str:
    """quit.c quit(): hold or move to ~/mbox, write the mailbox back, say what was done."""
    hold = "hold" in s.rc
    anystat = False
    for e in s.entries:  # quit.c holdbits()
        if "new" in e.flags:
            e.flags.discard("new")
            anystat = True
        if "touch" not in e.flags:
            e.flags.add("preserve")
        if not e.flags & {"mbox", "deleted", "preserve"}:
            e.flags.add("preserve" if hold else "mbox")
    kept = [e for e in s.entries if "preserve" in e.flags or "touch" not in e.flags]
    saved = [e for e in s.entries if "mbox" in e.flags]
    held = _held(len(kept), s.path)
    if len(kept) == len(s.entries) and not anystat:
        return held  # nothing changed: the file is left alone
    s.to_mbox = saved
    s.new_spool = written_back(kept)
    text = ("Saved 1 message in mbox\n" if len(saved) == 1 else
            f"Saved {len(saved)} messages in mbox\n") if saved else ""
    return text + (held if kept else "")


def _held(n: int, path: str) -> str:
    return "" if n == 0 else (f"Held 1 message in {path}\n" if n == 1 else
                              f"Held {n} messages in {path}\n")


def read_mail(inv: Invocation, opts: dict[str, str], rc: dict[str, str]) -> CommandResult:
    host, user = inv.host, inv.user
    path = f"{MAILSPOOL}/{user.name}"
    stored = _spool_file(inv)
    entries = load(host.fs.read(stored) or b"") if stored else []
    if "e" in opts:  # -e: only tell by the exit status whether there is mail
        return CommandResult("", 0 if entries else 1)
    if not entries:
        return CommandResult(f"No mail for {user.name}\n", 1)
    if "H" in opts:  # headers only: dot is still message 1 (fio.c makemessage())
        return CommandResult(Session(entries, rc, 0, path).cmd_headers(""), 0)
    session = Session(entries, rc, dot_of(entries), path)
    out = ""
    if "N" not in opts:
        if "quiet" not in rc:
            kind = "Mail" if "bsdcompat" in rc else "mailx"
            out += f"Heirloom {kind} version {VERSION}.  Type ? for help.\n"
        out += summary_line(path, entries) + "\n"
        out += session.cmd_headers("") if "header" in rc else ""
    prompt = rc.get("prompt") or ("& " if "bsdcompat" in rc else "? ")
    for line in inv.stdin.splitlines():
        out += prompt + line + "\n" + session.execute(line)
        if session.done:
            break
    if not session.done:  # end of input (^D) at the prompt: quit
        out += prompt + quit_mailbox(session)
    _write(inv, stored, session)
    return CommandResult(out, 0)


def _spool_file(inv: Invocation) -> str | None:
    """/var/spool/mail/USER, or the same file where main.cf's spool directory is /var/mail."""
    for directory in (MAILSPOOL, "/var/mail"):
        path = f"{directory}/{inv.user.name}"
        if inv.host.fs.exists(path):
            return path
    return None


def _write(inv: Invocation, stored: str | None, s: Session) -> None:
    host, world = inv.host, inv.host.world
    now = world.engine.now
    if s.to_mbox:  # "append" is set in /etc/mail.rc; without it mailx puts them first
        mbox = f"{inv.user.home.rstrip('/')}/mbox"
        data = written_back(s.to_mbox)
        old = host.fs.read(mbox) or b""
        host.fs.write(mbox, old + data if "append" in s.rc else data + old, inv.user.name,
                      0o600, now)
    if s.new_spool is not None and stored is not None:
        stat = host.fs.stat(stored)
        if stat is not None:  # rewritten in place: owner and mode stay ("keep": never removed)
            stat.data, stat.mtime = s.new_spool, now
