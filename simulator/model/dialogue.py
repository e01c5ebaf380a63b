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


def _interned(replies: Iterable[Sequence[str]]) -> str | tuple[str, ...]:
    """Every reply line of one exchange, in order, as one tuple of interned strings; a
    single line as its string (most exchanges: no tuple to keep)."""
    flat = tuple(sys.intern(x) for reply in replies for x in reply)
    if len(flat) < 2:
        return flat[0] if flat and flat[0] else flat  # an empty line stays a 1-tuple
    if len(_SHARED) >= _SHARED_MAX:
        _SHARED.clear()
    return _SHARED.setdefault(flat, flat)


class Dialogue:
    """What was said in one SMTP session, in order, as facts (see the module docstring).

    Every exchange is answered half a round trip (``rtt / 2``) after it was sent, so only
    the moment it was sent is kept; one command (one reply line) is kept as its string, a
    batch as a tuple. ``parts`` is flat, four items a part (kind, time, and two values),
    so that a part costs four list slots and no tuple of its own.
    """

    __slots__ = ("parts", "rtt")

    def __init__(self, rtt: float = 0.0) -> None:
        self.parts: list[Any] = []
        self.rtt = rtt

    def line(self, t: float, side: str, text: str) -> None:
        """One line on its own (the greeting, a TLS flight or summary: the same text in
        every session with that server, so interned)."""
        self.parts += (LINE, t, sys.intern(side), sys.intern(text))

    def exchange(self, sent: float, commands: Sequence[str],
                 replies: Sequence[Sequence[str]]) -> None:
        """``commands`` sent at ``sent``; the reply lines of each half a round trip later."""
        said = sys.intern(commands[0]) if len(commands) == 1 else tuple(commands)
        self.parts += (EXCHANGE, sent, said, _interned(replies))

    def data(self, t: float, data: bytes) -> None:
        """The message after DATA, sent at ``t`` (its final "." is an exchange)."""
        self.parts += (DATA, t, data, None)

    def lines(self) -> list[Line]:
        """The dialogue as ``(time, side, text)`` lines, side "C", "S", "TLS-C" ..."""
        out: list[Line] = []
        parts = self.parts
        for i in range(0, len(parts), 4):
            kind, t, a, b = parts[i:i + 4]
            if kind == LINE:
                out.append((t, a, b))
            elif kind == EXCHANGE:
                answered = t + self.rtt / 2
                out.extend((t, "C", c) for c in ((a,) if isinstance(a, str) else a))
                out.extend((answered, "S", r) for r in ((b,) if isinstance(b, str) else b))
            else:
                out.extend(data_lines(t, a))
        return out

    def end(self) -> float | None:
        """When the last line of ``lines()`` was said, without rendering them (None: no line)."""
        parts = self.parts
        for i in range(len(parts) - 4, -1, -4):
            kind, t, a, b = parts[i:i + 4]
            if kind == LINE:
                return t  # type: ignore[no-any-return]
            if kind == EXCHANGE:
                return t + self.rtt / 2 if b else t  # type: ignore[no-any-return]
            if a.splitlines():  # DATA: its lines, if it has any, are all at its moment
                return t  # type: ignore[no-any-return]
        return None

    def __len__(self) -> int:
        return len(self.lines())


def data_lines(t: float, data: bytes) -> list[Line]:
    """The client's DATA lines, dot-stuffed (RFC 5321 §4.5.2: a line that starts with "."
    gets one more), decoded as the transcript shows them."""
    return [(t, "C", (b"." + raw if raw.startswith(b".") else raw).decode("utf-8", "replace"))
            for raw in data.splitlines(keepends=False)]
