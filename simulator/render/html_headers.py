"""The message headers "at that point" of each hop, for the HTML report (render/html.py).

The queue files are gone when a run ends, so the headers are read where they were seen:
- in the dialogues: after ``354`` in an SMTP session (the DATA the client sent, RFC 5321
  §4.1.1.4), after ``+OK n octets`` answering POP3 RETR (RFC 1939 §5), after an IMAP
  ``* n FETCH (... BODY[] {n}`` literal (RFC 9051 §7.5.2);
- in the mailboxes at the end of the run (the delivered copy, with local(8)'s
  Return-Path:, X-Original-To: and Delivered-To:).

A hop shows the copy of its own session, the delivered copy for a delivery, or else the
latest copy of its message seen at or before its time; mail posted on the host itself
(sendmail, mail, a bounce) was never on the wire before it, so its first hops show the
first copy seen later, saying so.

# SIMPLIFICATION: a step inside a host (cleanup adding Received:, qmgr) shows the headers as
# last seen on the wire or on disk, not the queue file's state at that instant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..model import rawmsg

if TYPE_CHECKING:
    from ..model.trace import Hop, Session
    from ..world import World

POP3_RETR_OK = re.compile(r"^\+OK \d+ octets")
IMAP_LITERAL = re.compile(r"^\* \d+ FETCH \(.*BODY\[\] \{\d+\}$")
MBOX_SEPARATOR = re.compile(rb"(?m)^From [^\n]*\n")


@dataclass(slots=True)
class Copy:
    """One header block seen somewhere: where (an i18n key and its values) and the text."""

    t: float
    key: str | None  # the scenario message key it belongs to
    source: str  # "headers_data" | "headers_mailbox" | "headers_retrieved"
    args: dict[str, Any]
    text: str
    session: int | None = None
    delivered_to: str | None = None


@dataclass(slots=True)
class HeaderBook:
    """Every header block of a run, and which one each hop shows."""

    copies: list[Copy] = field(default_factory=list)
    _delivered_at: dict[Any, int | None] = field(default_factory=dict)

    def prepare(self, world: World, hops: list[Hop]) -> None:
        """Find the delivered copies of a message's deliveries before any hop asks."""
        for hop in hops:
            if hop.action in ("deliver_mbox", "deliver_maildir"):
                self._delivered(world, hop)

    def for_hop(self, world: World, hop: Hop) -> tuple[int | None, bool]:
        """(index of the copy a hop shows, whether it was only seen later); (None, False)
        when the run never showed this message's headers."""
        if hop.msg is None:
            return None, False
        if hop.session is not None:
            own = self._find(lambda c: c.session == hop.session and c.key == hop.msg)
            if own is not None:
                return own, False
        if hop.action in ("deliver_mbox", "deliver_maildir"):
            found = self._delivered(world, hop)
            if found is not None:
                return found, False
        mine = [i for i, c in enumerate(self.copies) if c.key == hop.msg]
        before = [i for i in mine if self.copies[i].t <= hop.t]
        if before:
            return before[-1], False
        # nothing seen yet (mail posted on the host itself): the first copy seen afterwards
        later = sorted(mine, key=lambda i: self.copies[i].t)
        return (later[0], True) if later else (None, False)

    def _find(self, test: Any) -> int | None:
        return next((i for i, c in enumerate(self.copies) if test(c)), None)

    def _delivered(self, world: World, hop: Hop) -> int | None:
        if hop not in self._delivered_at:
            self._delivered_at[hop] = self._find_delivered(world, hop)
        return self._delivered_at[hop]

    def _find_delivered(self, world: World, hop: Hop) -> int | None:
        args = dict(hop.args)
        wanted = (args.get("delivered_to") or "").lower()
        stored = _stored(world, hop, args.get("path", ""), wanted)
        if stored is not None:
            self.copies.append(stored)
            return len(self.copies) - 1
        return self._find(lambda c: c.source == "headers_retrieved" and c.key == hop.msg
                          and c.t >= hop.t and (c.delivered_to or "") == wanted)


def header_book(world: World) -> HeaderBook:
    """The header blocks of every session of the run, in order."""
    book = HeaderBook()
    clock = world.engine.clock
    carried: dict[int, str] = {}  # session -> the message its hop carried
    for hop in world.trace.hops:
        if hop.session is not None and hop.msg is not None:
            carried.setdefault(hop.session, hop.msg)
    for session in world.trace.sessions:
        for t, source, lines in _blocks(session):
            text = "\n".join(lines)
            data = (text + "\n").encode()
            key = world.msg_keys.get((rawmsg.get(data, "Message-ID") or "").strip())
            if key is None and source == "headers_data":  # a client that set no Message-ID
                key = carried.get(session.sid)
            args = {"proto": session.proto, "client": session.client_host,
                    "server": session.server_host, "port": session.port,
                    "clock": clock.short(t)}
            book.copies.append(Copy(t, key, source, args, text, session.sid,
                                    (rawmsg.get(data, "Delivered-To") or "").lower() or None))
    return book


def _blocks(session: Session) -> list[tuple[float, str, list[str]]]:
    """(time, kind, header lines) of each message that crossed the session."""
    out: list[tuple[float, str, list[str]]] = []
    current: list[str] | None = None
    side_of_block = ""
    for t, side, line in session.lines:
        if current is not None:
            if side == side_of_block and line not in ("", "."):
                current.append(line)
                continue
            current = None
        if side == "S" and line.startswith("354"):
            side_of_block, kind = "C", "headers_data"
        elif side == "S" and (POP3_RETR_OK.match(line) or IMAP_LITERAL.match(line)):
            side_of_block, kind = "S", "headers_retrieved"
        else:
            continue
        current = []
        out.append((t, kind, current))
    return [(t, kind, lines) for t, kind, lines in out if lines]


def _stored(world: World, hop: Hop, path: str, delivered_to: str) -> Copy | None:
    """The delivered copy still in the mailbox at the end of the run, if any."""
    host = world.hosts.get(hop.dst_host)
    if host is None or not path:
        return None
    entries = ([host.fs.read(name) or b"" for name in host.fs.under(path)]
               if path.endswith("/") else _mbox_entries(host.fs.read(path) or b""))
    for data in entries:
        block, _ = rawmsg.split(data)
        if world.msg_keys.get((rawmsg.get(block, "Message-ID") or "").strip()) != hop.msg:
            continue
        if delivered_to and (rawmsg.get(block, "Delivered-To") or "").lower() != delivered_to:
            continue
        return Copy(hop.t, hop.msg, "headers_mailbox", {"host": host.name, "path": path},
                    block.decode("utf-8", "replace").rstrip("\n"))
    return None


def _mbox_entries(data: bytes) -> list[bytes]:
    """The messages of an mbox file, without their From_ lines."""
    return [part for part in MBOX_SEPARATOR.split(data) if part.strip()]
