"""SMTP typed by hand (``telnet mx.example.org 25``, ``nc mx.example.org 25``) as a pure
dialogue against the server state machine, with the time of every line.

Two ways of sending, as on a real terminal:
- typed: a person reads each reply before typing the next command; lines of message
  content after ``354`` go out as typed, without waiting (nothing is answered until the
  lone ``.``). A ``Pause`` is the person thinking, or gone for coffee.
- piped (``printf ... | nc HOST 25``): every line leaves at once, right after the TCP
  handshake, before the greeting has arrived. Postfix's smtpd notices input that is waiting
  before its greeting and logs ``improper command pipelining after CONNECT from ...``
  (smtpd.c smtpd_flag_ill_pipelining(), once per session), then answers each command in
  turn.

The server hangs up a client that stays silent for smtpd_timeout (300s): ``421 4.4.2
HOST Error: timeout exceeded`` and ``timeout after VERB from CLIENT`` in the log (smtpd.c
smtpd_proto(), SMTP_ERR_TIME). A session that ends without QUIT therefore ends that way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .smtp import SmtpServer

Side = Literal["typed", "server"]


@dataclass(frozen=True, slots=True)
class Pause:
    """The person at the keyboard waits this long before the next line."""

    seconds: float


Typed = str | Pause


@dataclass(slots=True)
class ManualResult:
    screen: list[tuple[float, Side, str]] = field(default_factory=list)  # as the user sees it
    lines: list[tuple[float, str, str]] = field(default_factory=list)  # transcript, "C"/"S"
    accepted_at: list[float] = field(default_factory=list)  # 2xx replies to end of data
    end: float = 0.0  # when the connection closed (server side)
    closed_by: Literal["quit", "timeout", "hangup"] = "quit"
    where: str = "CONNECT"  # smtpd's state->where: the last command it was working on
    ill_pipelining: str | None = None  # what smtpd saw waiting before its greeting


@dataclass(frozen=True, slots=True)
class Timing:
    t0: float  # when the TCP connection is established (the server sends its greeting)
    rtt: float
    idle_timeout: float  # smtpd_timeout
    eol: str = "\r\n"  # telnet sends CRLF for Enter; nc a bare LF (smtpd accepts both)
    forbid_pipelining: bool = False  # smtpd_forbid_unauth_pipelining


def escape(text: str) -> str:
    """util/unescape.c escape(): printable ASCII as is (backslash doubled), C escapes."""
    names = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t",
             "\v": "\\v"}
    out = []
    for ch in text:
        if ch in names:
            out.append(names[ch])
        elif " " <= ch <= "~":
            out.append("\\\\" if ch == "\\" else ch)
        else:
            out.extend(f"\\{b:03o}" for b in ch.encode())
    return "".join(out)


class _Talk:
    def __init__(self, server: SmtpServer, timing: Timing) -> None:
        self.server, self.timing = server, timing
        self.result = ManualResult()
        self.idle_since = timing.t0  # the server's last reply

    def reply(self, t: float, lines: list[str]) -> None:
        for line in lines:
            self.result.lines.append((t, "S", line))
            self.result.screen.append((t + self.timing.rtt / 2, "server", line))
        self.idle_since = t

    def one_line(self, sent: float, line: str, typed: bool) -> float:
        """Deliver one line to the server; returns when the server handled it."""
        half = self.timing.rtt / 2
        at = max(sent + half, self.idle_since)
        self.result.lines.append((sent, "C", line))
        if typed:
            self.result.screen.append((sent, "typed", line))
        self.server.session.now = at
        if self.server.in_data:
            replies = self.server.data_line(line.encode() + b"\n")
            self.result.where = "DATA content" if not replies else "END-OF-MESSAGE"
            if replies and replies[0].startswith("2"):
                self.result.accepted_at.append(at)
        else:
            replies = self.server.handle(line)
            verb = line.strip().split(" ", 1)[0].upper()
            self.result.where = verb if hasattr(self.server, "smtp_" + verb) else "UNKNOWN"
        if replies:
            self.reply(at, replies)
        return at

    def timed_out(self, until: float) -> bool:
        """True when the server's idle timer ran out before ``until`` (it then hung up)."""
        deadline = self.idle_since + self.timing.idle_timeout
        if until < deadline or self.server.closed:
            return False
        host = self.server.policy.hostname()
        self.server.session.now = deadline
        self.reply(deadline, [f"421 4.4.2 {host} Error: timeout exceeded"])
        self.server.closed = True
        self.result.closed_by, self.result.end = "timeout", deadline
        return True


def run_manual(server: SmtpServer, typed: list[Typed], timing: Timing,
               piped: bool = False) -> ManualResult:
    """The whole session, from the greeting to the close."""
    talk = _Talk(server, timing)
    server.session.now = timing.t0
    lines = [x for x in typed if isinstance(x, str)]
    if piped and lines:  # everything is already waiting when smtpd looks (see above)
        data = "".join(x + timing.eol for x in lines)
        talk.result.ill_pipelining = escape(data[:100])
        if timing.forbid_pipelining:  # smtpd_proto(): this reply instead of the greeting
            talk.reply(timing.t0, ["554 5.5.0 Error: SMTP protocol synchronization"])
            server.closed = True
            talk.result.closed_by, talk.result.end = "hangup", timing.t0
            return talk.result
    talk.reply(timing.t0, server.greeting())
    if server.closed:
        talk.result.closed_by, talk.result.end = "hangup", timing.t0
        return talk.result
    if piped:
        _piped(talk, lines)
    else:
        _typed(talk, typed)
    if not server.closed:  # no QUIT: the client keeps waiting, the server times out
        talk.timed_out(float("inf"))
    elif talk.result.closed_by == "quit":
        talk.result.end = talk.idle_since
    return talk.result


def _typed(talk: _Talk, typed: list[Typed]) -> None:
    now = talk.timing.t0 + talk.timing.rtt / 2  # the greeting is on the screen
    for item in typed:
        if isinstance(item, Pause):
            now += item.seconds
            if talk.timed_out(now):
                return
            continue
        in_data = talk.server.in_data
        at = talk.one_line(now, item, typed=True)
        if talk.server.closed:
            return
        if not (in_data and talk.server.in_data):  # a command: wait for its reply
            now = at + talk.timing.rtt / 2


def _piped(talk: _Talk, lines: list[str]) -> None:
    for line in lines:
        talk.one_line(talk.timing.t0, line, typed=False)
        if talk.server.closed:
            return
