"""The trace: one flat record per hop, appended in order (cf. Ciw's data records).

Views (tables, paths, sequence diagrams, JSON) are computed from these records in
``render/``; nothing here formats for a terminal. ``None`` means "not set".
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from ..trace_level import keeps_text
from .dialogue import Dialogue
from .hop import Hop, HopText
from .retention import FINAL, Retention
from .runstats import RunStats

__all__ = ["Fetch", "Hop", "HopText", "LogLine", "LogSource", "Outcome", "Session", "TraceLog"]


class Session:
    """One network connection's dialogue: (time, side, line) in order. The side is "C" or
    "S"; "TLS-C"/"TLS-S" are handshake messages and "TLS" the agreed session.

    An SMTP client's session keeps the facts of its dialogue (``dialogue``,
    model/dialogue.py) and ``lines`` renders them when a view asks; other sessions (POP3,
    IMAP, a typed SMTP session) store their lines. Under ``--trace compact`` neither is
    kept (``kept`` is False): the views say so instead of showing an empty dialogue.
    """

    __slots__ = ("_lines", "client_host", "dialogue", "encrypted_from", "kept", "port", "proto",
                 "server_host", "sid", "start")

    def __init__(self, sid: int, proto: str, port: int, client_host: str, server_host: str,
                 start: float, kept: bool = True) -> None:
        self.sid, self.proto, self.port, self.start = sid, proto, port, start
        self.client_host, self.server_host = client_host, server_host
        self._lines: list[tuple[float, str, str]] | None = None
        self.dialogue: Dialogue | None = None
        self.encrypted_from: int | None = None  # lines from this index on travelled under TLS
        self.kept = kept

    @property
    def lines(self) -> list[tuple[float, str, str]]:
        if self.dialogue is not None:
            return self.dialogue.lines()
        return self._lines if self._lines is not None else []

    @lines.setter
    def lines(self, value: list[tuple[float, str, str]]) -> None:
        self._lines = value if self.kept else None

    @property
    def end(self) -> float:
        """When its dialogue ends: its last line (its start, if it has none), read from the
        facts without rendering the lines."""
        if self.dialogue is not None:
            end = self.dialogue.end()
            return self.start if end is None else end
        lines = self.lines
        return lines[-1][0] if lines else self.start

    def __repr__(self) -> str:
        return (f"Session(sid={self.sid!r}, proto={self.proto!r}, port={self.port!r}, "
                f"client_host={self.client_host!r}, server_host={self.server_host!r}, "
                f"start={self.start!r}, lines={self.lines!r}, "
                f"encrypted_from={self.encrypted_from!r})")


@dataclass(slots=True)
class Outcome:
    """Where one recipient of one message ended: delivered, bounced, still queued (with the
    time of its next delivery attempt), rejected (refused during the client's own SMTP
    dialogue: the sender's program got the error at once, so no bounce message is owed),
    or deleted from a queue by an administrator (postsuper -d)."""

    msg: str
    recipient: str
    status: Literal["delivered", "bounced", "queued", "rejected", "deleted"]
    t: float
    host: str
    where: str  # mailbox path when delivered; the reason otherwise
    dsn: str | None
    hops: int
    next_try: float | None = None  # queued: the deferred-queue scan that will retry it
    # the recipient as the sender addressed it, when alias expansion or forwarding led
    # elsewhere (team@example.org for alice@example.org); None when it is the same
    orig: str | None = None


class LogSource(Protocol):
    """What a log line needs of its host to be formatted (host.Host)."""

    @property
    def name(self) -> str: ...

    @property
    def short_name(self) -> str: ...

    def syslog_stamp(self, t: float) -> str: ...


class LogLine:
    """One /var/log/maillog line kept as facts: when, on which host, which program and PID
    said what (a %-template and its ``args`` when the caller gave some). ``line`` formats
    it, ``Nov 23 09:00:01 mx postfix/qmgr[1234]: text``, only when a view, a command or an
    expectation reads it."""

    __slots__ = ("args", "pid", "program", "source", "t", "text")

    def __init__(self, t: float, source: LogSource, program: str, pid: int, text: str,
                 args: tuple[object, ...] = ()) -> None:
        # "postfix/smtpd": a handful of names, formatted anew by every caller; one kept
        self.t, self.source, self.program, self.pid = t, source, sys.intern(program), pid
        self.text, self.args = text, args

    @property
    def host(self) -> str:
        return self.source.name

    @property
    def message(self) -> str:
        """What the program said, after ``program[pid]: ``."""
        return self.text % self.args if self.args else self.text

    @property
    def line(self) -> str:
        return (f"{self.source.syslog_stamp(self.t)} {self.source.short_name} "
                f"{self.program}[{self.pid}]: {self.message}")

    def __repr__(self) -> str:
        return f"LogLine(t={self.t!r}, host={self.host!r}, line={self.line!r})"


class TraceLog:
    """All records of one run, in the order they happened. ``summary`` keeps only the
    outcomes and the run statistics (``stats``, counted in every mode)."""

    __slots__ = ("_per_msg", "_sids", "commands", "fetches", "hops", "keeps_logs",
                 "keeps_sessions", "level", "logs", "outcomes", "retention", "sessions",
                 "stats", "summary")

    def __init__(self, level: str = "full", stats: RunStats | None = None) -> None:
        self.set_level(level)
        self.stats = stats or RunStats()
        self.hops: list[Hop] = []
        self.sessions: list[Session] = []
        self.outcomes: dict[tuple[str, str], Outcome] = {}
        self.logs: list[LogLine] = []
        self.fetches: list[Fetch] = []
        self.commands: list[Any] = []  # commands.CommandRun records, in order
        self._per_msg: dict[str | None, int] = {}  # hops recorded per message key
        self._sids = 0
        self.retention = Retention()  # finished outcomes --trace summary may forget

    def set_level(self, level: str) -> None:
        """What is kept from now on (simulator/trace_level.py): "full" keeps dialogues and
        maillog lines, "compact" and "summary" do not."""
        self.level = level
        self.keeps_sessions = self.keeps_logs = keeps_text(level)
        self.summary = level == "summary"  # no hops, no sessions: outcomes and stats only

    def add(self, hop: Hop) -> None:
        if self.summary:
            return
        self.hops.append(hop)
        self._per_msg[hop.msg] = self._per_msg.get(hop.msg, 0) + 1

    def open_session(self, proto: str, port: int, client: str, server: str, start: float) -> Session:
        session = Session(self._sids, proto, port, client, server, start,
                          kept=self.keeps_sessions)
        self._sids += 1
        if self.summary:  # counted (sids stay unique), not kept
            return session
        self.sessions.append(session)
        return session

    def path(self, msg: str) -> list[Hop]:
        """The hops of one message, its bounces and forwarded copies included (``m1``, ``m1.*``)."""
        prefix = msg + "."
        return [h for h in self.hops if h.msg == msg or (h.msg or "").startswith(prefix)]

    def hop_count(self, msg: str) -> int:
        return self._per_msg.get(msg, 0)

    def set_outcome(self, outcome: Outcome) -> None:
        """Record where a recipient stands now. An address reached by expansion keeps the
        original recipient it was first recorded for, also after it is relayed on."""
        old = self.outcomes.get((outcome.msg, outcome.recipient))
        if old is not None and old.orig is not None:
            outcome.orig = old.orig
        if not outcome.orig or outcome.orig.lower() == outcome.recipient.lower():
            outcome.orig = None
        if self.summary and outcome.status in FINAL:  # the same few mailbox paths and
            outcome.where = sys.intern(outcome.where)  # reasons, shared (a queued one
            # names its queue file: unique, so interning it would only grow the table)
        self.outcomes[(outcome.msg, outcome.recipient)] = outcome
        if old is None:
            self.retention.noted(outcome.msg, outcome.recipient)
        self.stats.change(outcome.t, old.status if old else None, outcome.status, outcome.msg,
                          outcome.recipient, outcome.status == "queued" and outcome.next_try
                          is not None)

    def outcome(self, msg: str, recipient: str) -> Outcome | None:
        """Where ``recipient`` of ``msg`` stands: by its final address, or else by the
        address the sender gave (``yuki`` from sendmail, ``team@...`` for an alias)."""
        found = self.outcomes.get((msg, recipient))
        if found is None:
            found = next((o for (m, _), o in self.outcomes.items() if m == msg
                          and o.orig is not None and o.orig.lower() == recipient.lower()),
                         None)
        return found

    def drop_outcome(self, msg: str, recipient: str) -> None:
        """A recipient that expanded into others (an alias, a .forward) ends as them."""
        old = self.outcomes.pop((msg, recipient), None)
        if old is not None:
            self.stats.change(old.t, old.status, None, msg, recipient)

    def file_made(self, msg: str) -> None:
        """cleanup(8) created a queue file of ``msg`` (model/retention.py)."""
        self.retention.file_made(msg)

    def file_gone(self, msg: str) -> None:
        """A queue file of ``msg`` was removed or deleted; at its last one, settle it."""
        if self.retention.file_gone(msg):
            self.settle(msg)

    def settle(self, msg: str) -> None:
        """Nothing carries ``msg`` any more: under --trace summary its finished outcomes,
        already counted by the run statistics, are dropped (model/retention.py)."""
        for key in self.retention.settled(msg):
            found = self.outcomes.get(key)
            if found is not None and found.status in FINAL:
                del self.outcomes[key]
                self.retention.dropped += 1
                self.stats.finished(*key)

    def messages(self) -> list[str]:
        seen: dict[str, None] = {}
        for hop in self.hops:
            if hop.msg is not None:
                seen.setdefault(hop.msg, None)
        return list(seen)


@dataclass(slots=True)
class Fetch:
    """One retrieval by a mail client (POP3/IMAP): who, from where, how many messages."""

    t: float
    client_host: str
    user: str
    server_host: str
    proto: str
    retrieved: int
    saved_to: str
    ok: bool
    error: str | None
    seen: int | None = None  # IMAP: messages flagged \Seen on the server after the session
