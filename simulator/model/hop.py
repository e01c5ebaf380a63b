"""One hop of the trace, kept as facts (issue 12).

A hop says who handed what to whom, when, and how it went. Tens of them are recorded per
message, so a hop keeps only what it cannot get elsewhere:

- where it went (source and destination host and actor, protocol, port) is one tuple
  shared by every hop that took the same way (``_places``), its names interned;
- its English ``detail`` and the values of its explanation template (``args``) are, for
  the frequent kinds of hop, not text at all: the hop keeps a :class:`HopText` (how that
  kind of hop is written) and the few facts it needs, and writes them when a view, an
  export or an expectation reads ``hop.detail`` or ``hop.args``. A rare hop may still
  give its text and values directly (``Hop(..., "some detail", ..., (("k", "v"),))``).

Both ways read the same: the views never know which one a hop took.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from typing import Any

Args = tuple[tuple[str, str], ...]
# (src_host, src_actor, dst_host, dst_actor, proto, port, action, its HopText or None)
Place = tuple[str, str, str, str, str | None, int | None, str, "HopText | None"]

# one tuple per distinct way and kind of hop: a run has a few dozen of them and hundreds
# of thousands of hops. Like sys.intern's table it is shared by the runs of one process;
# it holds only names (bounded by the hosts and actors of the scenarios run).
_places: dict[Place, Place] = {}
_NO_TEXT = (None, ())  # an eager hop's (detail, args) when it has neither


def _way(src_host: str, src_actor: str, dst_host: str, dst_actor: str, proto: str | None,
           port: int | None, action: str, text: HopText | None) -> Place:
    key = (src_host, src_actor, dst_host, dst_actor, proto, port, action, text)
    place = _places.get(key)
    if place is None:
        place = (sys.intern(src_host), sys.intern(src_actor), sys.intern(dst_host),
                 sys.intern(dst_actor), None if proto is None else sys.intern(proto), port,
                 sys.intern(action), text)
        _places[place] = place
    return place


class HopText:
    """How one kind of hop writes its ``detail`` and its explanation values from the
    facts it kept: two functions of (hop, facts). Instances live at module level beside
    the code that records that kind of hop."""

    __slots__ = ("args", "detail")

    def __init__(self, detail: Callable[[Hop, Any], str | None],
                 args: Callable[[Hop, Any], Args]) -> None:
        self.detail, self.args = detail, args


class Hop:
    """One step of a message's path: who handed what to whom, when, and how it went.

    ``Hop(t, msg, qid, src_host, src_actor, dst_host, dst_actor, proto, port, action,
    reply, detail, session, args)``; ``detail`` is plain English for the record and
    ``args`` the (name, value) pairs of the explanation template (i18n/, keyed by
    ``action``). Given a :class:`HopText` as ``detail``, ``args`` are its facts and both are
    written on demand."""

    __slots__ = ("_facts", "_place", "msg", "qid", "reply", "session", "t")
    # the constructor's parameters, in order (what a NamedTuple called _fields)
    _fields = ("t", "msg", "qid", "src_host", "src_actor", "dst_host", "dst_actor", "proto",
               "port", "action", "reply", "detail", "session", "args")

    def __init__(self, t: float, msg: str | None, qid: str | None, src_host: str,
                 src_actor: str, dst_host: str, dst_actor: str, proto: str | None,
                 port: int | None, action: str, reply: str | None,
                 detail: str | HopText | None, session: int | None, args: Any = ()) -> None:
        self.t, self.msg, self.qid = t, msg, qid  # seconds since the start; "m1"; queue ID
        self.reply = reply  # the reply line or result: "250 2.0.0 Ok: queued as 3F2A81C0B7"
        self.session = session  # index into TraceLog.sessions when a dialogue was exchanged
        text = detail if isinstance(detail, HopText) else None
        self._place = _way(src_host, src_actor, dst_host, dst_actor, proto, port, action, text)
        if text is not None:  # written on demand from the facts ``args``
            self._facts = args
        else:  # a rare hop gives its text: kept as (detail, args)
            self._facts = (detail, args) if detail is not None or args else _NO_TEXT

    @property
    def action(self) -> str:
        """The event kind; the key of its explanation in i18n/."""
        return self._place[6]

    @property
    def _text(self) -> HopText | None:
        return self._place[7]

    @property
    def src_host(self) -> str:
        return self._place[0]

    @property
    def src_actor(self) -> str:
        return self._place[1]

    @property
    def dst_host(self) -> str:
        return self._place[2]

    @property
    def dst_actor(self) -> str:
        return self._place[3]

    @property
    def proto(self) -> str | None:
        """ "ESMTPA", "ESMTP", "DNS", "POP3", "local"; None for in-host steps."""
        return self._place[4]

    @property
    def port(self) -> int | None:
        return self._place[5]

    @property
    def detail(self) -> str | None:
        text = self._text
        return self._facts[0] if text is None else text.detail(self, self._facts)

    @property
    def args(self) -> Args:
        text = self._text
        return self._facts[1] if text is None else text.args(self, self._facts)  # type: ignore[no-any-return]

    def __iter__(self) -> Iterator[Any]:
        """Its fields in constructor order, as ``tuple(hop)`` read the named tuple."""
        return (getattr(self, name) for name in self._fields)

    def __repr__(self) -> str:
        return "Hop(" + ", ".join(f"{name}={getattr(self, name)!r}"
                                  for name in self._fields) + ")"

    def _values(self) -> tuple[Any, ...]:
        return (self.t, self.msg, self.qid, self._place[:7], self.reply, self.detail,
                self.session, self.args)

    # equal and hashed by value, as the named tuple it replaces (render/html_headers.py
    # keys a dict by hop): two hops that read the same are the same hop
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Hop):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())
