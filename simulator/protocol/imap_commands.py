"""The commands of Dovecot's imap process (after LOGIN), one function per command.

Each takes the server, the tag, the command name and its parsed arguments and returns
the response lines; texts are Dovecot 2.3.21.1's src/imap/cmd-*.c (see imap.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .imap_fetch import fetch_lines, parse_items
from .imap_syntax import Arg, expand, parse_seqset, seqset_in_range

if TYPE_CHECKING:
    from .imap import ImapServer

Command = Callable[["ImapServer", str, str, list[Arg]], list[str]]
COMMANDS: dict[str, Command] = {}
SYSTEM_FLAGS = {f.upper(): f for f in ("\\Answered", "\\Flagged", "\\Deleted", "\\Seen",
                                        "\\Draft")}


class Refused(Exception):
    """A command ends early with these reply lines (caught by ImapServer)."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__(lines[-1])
        self.lines = lines
FLAGS_LINE = "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)"
PERMANENT_LINE = ("* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] "
                  "Flags permitted.")
# SIMPLIFICATION: the hierarchy separator of Maildir++ and mbox layouts differ ("." and
# "/"); only INBOX exists here, so "/" is shown.
SEPARATOR = "/"


def command(*names: str) -> Callable[[Command], Command]:
    def register(fn: Command) -> Command:
        for name in names:
            COMMANDS[name] = fn
        return fn
    return register


@command("CAPABILITY")
def cmd_capability(s: ImapServer, tag: str, name: str, args: list[Arg]) -> list[str]:
    from .imap import CAPABILITY

    return [f"* CAPABILITY {CAPABILITY}", s.tagged(tag, "OK Capability completed.")]


@command("NOOP")
def cmd_noop(s: ImapServer, tag: str, name: str, args: list[Arg]) -> list[str]:
    # SIMPLIFICATION: the mailbox is read when it is selected; changes made by other
    # sessions meanwhile are not announced here.
    return [s.tagged(tag, "OK NOOP completed.")]


@command("LOGOUT")
def cmd_logout(s: ImapServer, tag: str, name: str, args: list[Arg]) -> list[str]:
    from .imap import BYE_LOGGING_OUT, LOGOUT

    s._close_mailbox()  # closing does not expunge (RFC 3501 §6.1.3)
    s.state = LOGOUT
    return [BYE_LOGGING_OUT, s.tagged(tag, "OK Logout completed.")]


@command("LIST")
def cmd_list(s: ImapServer, tag: str, name: str, args: list[Arg]) -> list[str]:
    if len(args) != 2 or not all(isinstance(a, str) for a in args):
        return s._command_error(tag, name, "Invalid arguments.")
    reference, pattern = str(args[0]), str(args[1])
    if pattern == "":  # RFC 3501 §6.3.8: ask for the hierarchy delimiter
        return [f'* LIST (\\Noselect) "{SEPARATOR}" ""', s.tagged(tag, "OK List completed.")]
    # "*" matches anything, "%" anything but the separator (§6.3.8); INBOX in any case
    regex = "".join(".*" if c == "*" else f"[^{SEPARATOR}]*" if c == "%" else re.escape(c)
                    for c in (reference + pattern).upper())
    lines = []
    if re.fullmatch(regex, "INBOX"):
        lines.append(f'* LIST (\\HasNoChildren) "{SEPARATOR}" INBOX')
    return lines + [s.tagged(tag, "OK List completed.")]


@command("SELECT", "EXAMINE")
def cmd_select(s: ImapServer, tag: str, name: str, args: list[Arg]) -> list[str]:
    from .imap import SELECTED

    out = []
    if s.mailbox is not None:
        s._close_mailbox()
        out.append("* OK [CLOSED] Previous mailbox closed.")
    if len(args) != 1 or not isinstance(args[0], str):
        return out + s._command_error(tag, name, "Invalid arguments.")
    readonly = name == "EXAMINE"
    box = s._open(s.user or "", str(args[0]), readonly)
    if box is None:
        from .imap import AUTHENTICATED

        s.state = AUTHENTICATED
        return out + [s.tagged(tag, f"NO Mailbox doesn't exist: {args[0]}")]
    s.mailbox, s.readonly, s.state = box, readonly, SELECTED
    return out + _select_lines(box) + [
        s.tagged(tag, f"OK [{'READ-ONLY' if readonly else 'READ-WRITE'}] "
                      f"{'Examine' if readonly else 'Select'} completed")]


def _select_lines(box: Any) -> list[str]:
    msgs = box.messages
    lines = [FLAGS_LINE, PERMANENT_LINE, f"* {len(msgs)} EXISTS",
             f"* {sum(m.recent for m in msgs)} RECENT"]
    unseen = next((i for i, m in enumerate(msgs, 1) if "\\Seen" not in m.flags), None)
    if unseen is not None:
        lines.append(f"* OK [UNSEEN {unseen}] First unseen.")
    lines.append(f"* OK [UIDVALIDITY {box.index.uidvalidity}] UIDs valid")
    lines.append(f"* OK [UIDNEXT {box.index.next_uid}] Predicted next UID")
    return lines


def _selected(s: ImapServer, tag: str) -> list[str] | None:
    """client_verify_open_mailbox()."""
    return None if s.mailbox is not None else [s.tagged(tag, "BAD No mailbox selected.")]


def _targets(s: ImapServer, tag: str, name: str, text: Arg) -> list[Any]:
    """The messages a (UID) sequence set names (imap-search-args.c)."""
    box = s.mailbox
    assert box is not None
    uid = name.startswith("UID ")
    try:
        if not isinstance(text, str):  # a list where a sequence set belongs: a BAD below
            raise ValueError(text)  # noqa: TRY004
        ranges = parse_seqset(text)
    except ValueError:
        raise Refused(s._command_error(tag, name, "Invalid uidset" if uid else
                                       "Invalid messageset")) from None
    msgs = box.messages
    if uid:
        wanted = expand(ranges, msgs[-1].uid) if msgs else set()
        return [m for m in msgs if m.uid in wanted]
    if not seqset_in_range(ranges, len(msgs)):
        raise Refused(s._command_error(tag, name, "Invalid messageset"))
    seqs = expand(ranges, len(msgs))
    return [m for i, m in enumerate(msgs, 1) if i in seqs]


@command("FETCH", "UID FETCH")
def cmd_fetch(s: ImapServer, tag: str, name: str, args: list[Arg]) -> list[str]:
    bad = _selected(s, tag)
    if bad:
        return bad
    if len(args) != 2 or not isinstance(args[0], str):
        return s._command_error(tag, name, "Invalid arguments.")
    targets = _targets(s, tag, name, args[0])
    items = parse_items(s, tag, name, args[1])
    box = s.mailbox
    assert box is not None
    out: list[str] = []
    for message in targets:
        seq = box.messages.index(message) + 1
        out += fetch_lines(s, seq, message, items)
    return out + [s.tagged(tag, "OK Fetch completed.")]


@command("STORE", "UID STORE")
def cmd_store(s: ImapServer, tag: str, name: str, args: list[Arg]) -> list[str]:
    from .imap import flags_of

    bad = _selected(s, tag)
    if bad:
        return bad
    if len(args) < 3 or not isinstance(args[0], str) or not isinstance(args[1], str):
        return s._command_error(tag, name, "Invalid arguments.")
    targets = _targets(s, tag, name, args[0])
    mode, silent = _store_mode(str(args[1]))
    flags = flags_of(args[2:])
    if mode is None or flags is None:
        return s._command_error(tag, name, "Invalid arguments." if flags is not None
                                else "Flags list contains non-atoms.")
    wrong = [f for f in flags if f.startswith("\\") and f.upper() not in SYSTEM_FLAGS]
    if wrong:
        return s._command_error(tag, name, f"Invalid system flag {wrong[0].upper()}")
    if any(not f.startswith("\\") for f in flags):
        # SIMPLIFICATION: keywords ($Junk, $label1 ...) are not modelled
        return [s.tagged(tag, "NO [CANNOT] keywords are not modelled by mailsim")]
    if s.readonly:
        return [s.tagged(tag, "OK Store ignored with read-only mailbox.")]
    return _apply_store(s, tag, name, targets, mode, silent,
                        {SYSTEM_FLAGS[f.upper()] for f in flags})


def _store_mode(item: str) -> tuple[str | None, bool]:
    """cmd-store.c get_modify_type(): [+|-]FLAGS[.SILENT]."""
    mode = item[0] if item[:1] in "+-" else "="
    rest = item.lstrip("+-").upper()
    if rest not in ("FLAGS", "FLAGS.SILENT"):
        return None, False
    return mode, rest.endswith(".SILENT")


def _apply_store(s: ImapServer, tag: str, name: str, targets: list[Any], mode: str,
                 silent: bool, flags: set[str]) -> list[str]:
    from .imap_fetch import flag_text

    box = s.mailbox
    assert box is not None
    out = []
    for message in targets:
        new = (message.flags | flags if mode == "+" else
               message.flags - flags if mode == "-" else set(flags))
        if new == message.flags:
            continue
        box.set_flags(message, new)
        if not silent:
            seq = box.messages.index(message) + 1
            uid = f"UID {message.uid} " if name.startswith("UID ") else ""
            out.append(f"* {seq} FETCH ({uid}FLAGS {flag_text(message)})")
    return out + [s.tagged(tag, "OK Store completed.")]


@command("EXPUNGE", "UID EXPUNGE")
def cmd_expunge(s: ImapServer, tag: str, name: str, args: list[Arg]) -> list[str]:
    bad = _selected(s, tag)
    if bad:
        return bad
    box = s.mailbox
    assert box is not None
    candidates = box.messages
    if name == "UID EXPUNGE":
        if len(args) != 1:
            return s._command_error(tag, name, "Invalid arguments.")
        candidates = _targets(s, tag, name, args[0])
    if s.readonly:
        return [s.tagged(tag, "OK Expunge ignored: Mailbox is read-only.")]
    doomed = {m.uid for m in candidates if "\\Deleted" in m.flags}
    seqs = [i for i, m in enumerate(box.messages, 1) if m.uid in doomed]
    box.expunge(doomed)
    # imap-sync.c sends the EXPUNGEs of a range from its highest sequence number down
    return [f"* {seq} EXPUNGE" for seq in sorted(seqs, reverse=True)] + [
        s.tagged(tag, "OK Expunge completed.")]


@command("CLOSE")
def cmd_close(s: ImapServer, tag: str, name: str, args: list[Arg]) -> list[str]:
    from .imap import AUTHENTICATED

    bad = _selected(s, tag)
    if bad:
        return bad
    box = s.mailbox
    assert box is not None
    if not s.readonly:  # RFC 3501 §6.4.2: expunge silently, unless EXAMINEd
        box.expunge({m.uid for m in box.messages if "\\Deleted" in m.flags})
    s._close_mailbox()
    s.state = AUTHENTICATED
    return [s.tagged(tag, "OK Close completed.")]
