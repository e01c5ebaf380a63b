"""The facts of one computed SMTP dialogue, and its lines rebuilt from them on demand.

A session used to keep every line it exchanged as a ``(time, side, text)`` tuple, the
message itself copied line by line into the DATA part: most of the memory of a run
(issue 12). Here a dialogue keeps what happened instead:

- an *exchange*: the commands the client sent at one moment and the server's reply to
  each, half a round trip later (one command, or a PIPELINING batch, RFC 2920);
- the *data*: a reference to the message bytes the client sent after DATA (the same
  bytes object the queue file holds), dot-stuffed only when the lines are rendered
  (RFC 5321 §4.5.2);
- a single *line* (the greeting, a TLS flight, the TLS summary).

``lines()`` renders the ``(time, side, text)`` list exactly as it used to be stored.
Reply lines are interned (``sys.intern``): the EHLO keywords and ``250 2.1.0 Ok`` of
thousands of sessions are one string each.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from typing import Any

Line = tuple[float, str, str]

# the kinds of part, the first element of each part's tuple
LINE, EXCHANGE, DATA = 0, 1, 2


# Multi-line replies seen before (EHLO's keyword list): one shared tuple each. Bounded, so
# a long run or many runs in one process never grow it without limit.
_SHARED: dict[tuple[str, ...], tuple[str, ...]] = {}
_SHARED_MAX = 4096


def _interned(replies: Iterable[Sequence[str]]) -> tuple[str, ...]:
    """Every reply line of one exchange, in order, as one tuple of interned strings."""
    flat = tuple(sys.intern(x) for reply in replies for x in reply)
    if len(flat) < 2:
        return flat
    if len(_SHARED) >= _SHARED_MAX:
        _SHARED.clear()
    return _SHARED.setdefault(flat, flat)


class Dialogue:
    """What was said in one SMTP session, in order, as facts (see the module docstring).

    Every exchange is answered half a round trip (``rtt / 2``) after it was sent, so only
    the moment it was sent is kept; one command is kept as its string, a batch as a tuple.
    """

    __slots__ = ("parts", "rtt")

    def __init__(self, rtt: float = 0.0) -> None:
        self.parts: list[tuple[Any, ...]] = []
        self.rtt = rtt

    def line(self, t: float, side: str, text: str) -> None:
        """One line on its own (the greeting, a TLS flight or summary: the same text in
        every session with that server, so interned)."""
        self.parts.append((LINE, t, sys.intern(side), sys.intern(text)))

    def exchange(self, sent: float, commands: Sequence[str],
                 replies: Sequence[Sequence[str]]) -> None:
        """``commands`` sent at ``sent``; the reply lines of each half a round trip later."""
        said = sys.intern(commands[0]) if len(commands) == 1 else tuple(commands)
        self.parts.append((EXCHANGE, sent, said, _interned(replies)))

    def data(self, t: float, data: bytes) -> None:
        """The message after DATA, sent at ``t`` (its final "." is an exchange)."""
        self.parts.append((DATA, t, data))

    def lines(self) -> list[Line]:
        """The dialogue as ``(time, side, text)`` lines, side "C", "S", "TLS-C" ..."""
        out: list[Line] = []
        for part in self.parts:
            kind = part[0]
            if kind == LINE:
                out.append(part[1:])
            elif kind == EXCHANGE:
                _, sent, said, replies = part
                answered = sent + self.rtt / 2
                out.extend((sent, "C", c) for c in ((said,) if isinstance(said, str) else said))
                out.extend((answered, "S", r) for r in replies)
            else:
                out.extend(data_lines(part[1], part[2]))
        return out

    def end(self) -> float | None:
        """When the last line of ``lines()`` was said, without rendering them (None: no line)."""
        for part in reversed(self.parts):
            if part[0] == LINE:
                return part[1]
            if part[0] == EXCHANGE:
                return part[1] + self.rtt / 2 if part[3] else part[1]
            if part[2].splitlines():  # DATA: its lines, if it has any, are all at its moment
                return part[1]
        return None

    def __len__(self) -> int:
        return len(self.lines())


def data_lines(t: float, data: bytes) -> list[Line]:
    """The client's DATA lines, dot-stuffed (RFC 5321 §4.5.2: a line that starts with "."
    gets one more), decoded as the transcript shows them."""
    return [(t, "C", (b"." + raw if raw.startswith(b".") else raw).decode("utf-8", "replace"))
            for raw in data.splitlines(keepends=False)]
