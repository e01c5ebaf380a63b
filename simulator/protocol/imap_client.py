"""An IMAP mail client's session (RFC 3501), as Thunderbird or a phone's mail app plays it.

LOGIN, LIST, SELECT INBOX, then synchronise: the flags of every message (``UID FETCH 1:*
(FLAGS)``), the bodies of the messages it has not cached yet (``BODY.PEEK[]``, which does
not set \\Seen), mark what the user reads as \\Seen, delete what the user deletes
(\\Deleted then EXPUNGE), LOGOUT. The mail stays on the server; a second client of the same
user sees the flags the first one set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .imap import ImapServer
from .imap_syntax import astring

_FETCH = re.compile(r"\* (\d+) FETCH \((.*)")
_UID = re.compile(r"UID (\d+)")
_FLAGS = re.compile(r"FLAGS \(([^)]*)\)")
_LITERAL = re.compile(r"\{(\d+)\}$")
_UIDVALIDITY = re.compile(r"\[UIDVALIDITY (\d+)\]")
_MESSAGE_ID = re.compile(rb"(?im)^message-id:\s*(<[^>]*>)")


@dataclass(frozen=True, slots=True)
class ImapPolicy:
    """What the user does in this session."""

    read: bool = True  # open every unread message (it becomes \Seen on the server)
    delete: frozenset[str] = frozenset()  # Message-IDs the user deletes


@dataclass(slots=True)
class ImapClientResult:
    transcript: list[tuple[str, str]] = field(default_factory=list)
    round_trips: int = 0
    uidvalidity: int | None = None
    flags: dict[int, set[str]] = field(default_factory=dict)  # the server's, as last seen
    downloaded: dict[int, bytes] = field(default_factory=dict)
    expunged: list[int] = field(default_factory=list)
    select_at: int = 0  # the round trip in which the mailbox was opened
    ok: bool = True
    error: str | None = None


class _Dialogue:
    def __init__(self, server: ImapServer, result: ImapClientResult) -> None:
        self.server, self.result, self.n = server, result, 0

    def send(self, command: str) -> list[str] | None:
        """Send a tagged command; its response lines, or None (and the error) if not OK."""
        self.n += 1
        tag = f"a{self.n:03d}"
        line = f"{tag} {command}"
        reply = self.server.handle(line)
        self.result.transcript.append(("C", line))
        self.result.transcript.extend(("S", r) for r in reply)
        self.result.round_trips += 1
        final = next((r for r in reversed(reply) if r.startswith(tag + " ")), None)
        if final is None or not final.startswith(f"{tag} OK"):
            self.result.ok, self.result.error = False, (final or "connection closed")
            return None
        return reply


def run_imap_session(server: ImapServer, user: str, password: str, policy: ImapPolicy,
                     cached_uidvalidity: int | None = None,
                     cached: frozenset[int] = frozenset()) -> ImapClientResult:
    """One synchronisation; ``cached`` are the UIDs whose bodies the client already has."""
    result = ImapClientResult(transcript=[("S", server.greeting())], round_trips=1)
    talk = _Dialogue(server, result)
    if talk.send(f"LOGIN {astring(user)} {astring(password)}") is not None:
        _synchronise(talk, policy, cached_uidvalidity, cached)
    if server.state != "LOGOUT":
        ok, error = result.ok, result.error
        talk.send("LOGOUT")
        result.ok, result.error = ok, error  # keep the first error
    return result


def _synchronise(talk: _Dialogue, policy: ImapPolicy, cached_uidvalidity: int | None,
                 cached: frozenset[int]) -> None:
    result = talk.result
    if talk.send('LIST "" "*"') is None:
        return
    selected = talk.send("SELECT INBOX")
    result.select_at = result.round_trips
    if selected is None:
        return
    match = next((_UIDVALIDITY.search(x) for x in selected if _UIDVALIDITY.search(x)), None)
    result.uidvalidity = int(match.group(1)) if match else None
    if result.uidvalidity != cached_uidvalidity:
        cached = frozenset()  # UIDVALIDITY changed: the cache no longer means anything
    if any(x.startswith("* 0 EXISTS") for x in selected):
        return
    flags = talk.send("UID FETCH 1:* (FLAGS)")
    if flags is None:
        return
    _absorb(result, flags)
    new = sorted(set(result.flags) - cached)
    if new and _download(talk, new) is None:
        return
    _act(talk, policy)


def _download(talk: _Dialogue, uids: list[int]) -> list[str] | None:
    reply = talk.send(f"UID FETCH {uid_set(uids)} (UID RFC822.SIZE BODY.PEEK[])")
    if reply is not None:
        _absorb(talk.result, reply)
    return reply


def _act(talk: _Dialogue, policy: ImapPolicy) -> None:
    result = talk.result
    unread = sorted(u for u, f in result.flags.items() if "\\Seen" not in f)
    if policy.read and unread:
        reply = talk.send(f"UID STORE {uid_set(unread)} +FLAGS (\\Seen)")
        if reply is None:
            return
        _absorb(result, reply)
    doomed = sorted(u for u, data in result.downloaded.items()
                    if _message_id(data) in policy.delete)
    if doomed:
        reply = talk.send(f"UID STORE {uid_set(doomed)} +FLAGS (\\Deleted)")
        if reply is None or talk.send("EXPUNGE") is None:
            return
        _absorb(result, reply)
        result.expunged = doomed
        for uid in doomed:
            result.flags.pop(uid, None)


def _absorb(result: ImapClientResult, lines: list[str]) -> None:
    """Read untagged FETCH responses: UID, FLAGS and any body literal."""
    i = 0
    while i < len(lines):
        match = _FETCH.match(lines[i])
        i += 1
        if match is None:
            continue
        head = match.group(2)
        uid = _UID.search(head)
        if uid is None:
            continue
        flags = _FLAGS.search(head)
        if flags is not None:
            result.flags[int(uid.group(1))] = set(flags.group(1).split()) - {"\\Recent"}
        literal = _LITERAL.search(head)
        if literal is not None:
            data, i = _read_literal(lines, i, int(literal.group(1)))
            result.downloaded[int(uid.group(1))] = data


def _read_literal(lines: list[str], i: int, size: int) -> tuple[bytes, int]:
    got = b""
    while i < len(lines) and len(got) < size:
        got += lines[i].encode("utf-8", "surrogateescape") + b"\r\n"
        i += 1
    return got[:size], i


def _message_id(data: bytes) -> str:
    match = _MESSAGE_ID.search(data.split(b"\r\n\r\n", 1)[0])
    return match.group(1).decode("ascii", "replace") if match else ""


def uid_set(uids: list[int]) -> str:
    """``1:3,5``: consecutive numbers as ranges (RFC 3501 sequence-set)."""
    out: list[str] = []
    start = prev = uids[0]
    for uid in uids[1:] + [None]:  # type: ignore[list-item]
        if uid is not None and uid == prev + 1:
            prev = uid
            continue
        out.append(str(start) if start == prev else f"{start}:{prev}")
        if uid is not None:
            start = prev = uid
    return ",".join(out)
