"""Playback: advance a built world to its next hop, or to a moment, and hand over the hops
the clock has reached, in the order the trace views show them.

``World.run`` runs the SimPy environment to its end in one go. A ``Playhead`` runs the
same environment in small moves instead -- one SimPy event at a time up to the next hop
(``next_hop``), or to a chosen second (``advance``) -- so a student can watch the clock.
The shell's ``step`` and ``run 5m`` (shell/clock.py) and ``mailsim run --step/--follow``
(render/playback.py) all move the clock through this one class.

Running in moves changes nothing in the simulation: SimPy processes events in (time,
priority, insertion) order whatever ``until`` the caller gives, and its stop event is
urgent, so ``run(until=t)`` only stops the clock at ``t`` before the events due then.

The trace views (render/records.ordered_hops) show hops sorted by time, equal times in the
order they were recorded; a Playhead hands them over in that order, so a run played back
shows what a plain run shows. Two kinds of hop are not recorded at their own moment:
- ahead of the clock (a dialogue computed at connect time, its later lines due later):
  such a hop waits until the clock reaches it;
- after the fact, while a connection is still open (its TLS handshake, the Maildir
  renames an IMAP/POP3 session made, both recorded as the session ends but dated when
  they happened): so while a session is open, hops from its start on are held back.
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model.trace import Hop, Session
    from .world import World

INF = float("inf")


class Playhead:
    """Which hops were handed over, and the moves of one world's clock up to ``end``."""

    def __init__(self, world: World, end: float | None = None) -> None:
        self.world = world
        self.end = INF if end is None else end  # the run stops here (World.run's until)
        self.seen: set[int] = set()  # indexes into world.trace.hops handed over or hidden
        self._pending: list[tuple[float, int]] = []  # (t, index) of hops not yet handed over
        self._scanned = 0  # world.trace.hops[:_scanned] are in _pending (or seen)
        self._open: list[Session] = []  # connections that may still date a hop back
        self._sessions = 0  # world.trace.sessions[:_sessions] were looked at

    @classmethod
    def of(cls, world: World, until: str | float | None = None) -> Playhead:
        """A Playhead ending where ``world.run(until)`` would stop (the scenario's until)."""
        from .model.duration import parse_duration

        return cls(world, world.spec.until if until is None else parse_duration(until))

    @property
    def now(self) -> float:
        return self.world.engine.now

    def hide(self, index: int) -> None:
        """Never hand this hop over (the shell's own command line: the student saw it)."""
        self.seen.add(index)

    def _scan(self) -> None:
        hops = self.world.trace.hops
        for i in range(self._scanned, len(hops)):
            heapq.heappush(self._pending, (hops[i].t, i))
        self._scanned = len(hops)

    def _first(self) -> tuple[float, int] | None:
        """The earliest hop not yet handed over (equal times: the first recorded)."""
        self._scan()
        while self._pending and self._pending[0][1] in self.seen:
            heapq.heappop(self._pending)
        return self._pending[0] if self._pending else None

    def _ready(self, t: float) -> bool:
        """The clock has reached ``t`` and no open connection can still record a hop before."""
        return t <= self.now and t < self._horizon()

    def _horizon(self) -> float:
        """The start of the earliest connection still open (INF: none is)."""
        sessions = self.world.trace.sessions
        self._open.extend(sessions[self._sessions:])
        self._sessions = len(sessions)
        due = self.world.engine.env.peek()
        if due == INF:  # nothing is scheduled: nothing can be recorded any more
            self._open = []
            return INF
        # closed: its last line is past, and nothing more is due at that moment
        self._open = [s for s in self._open
                      if not ((end := s.end) < self.now or (end <= self.now and due > self.now))]
        return min((s.start for s in self._open), default=INF)

    def _take(self) -> Hop:
        _, i = heapq.heappop(self._pending)
        self.seen.add(i)
        return self.world.trace.hops[i]

    # --- moves -----------------------------------------------------------------------------
    def next_hop(self) -> Hop | None:
        """Run to the next hop and hand it over; None when none is left before the end."""
        env = self.world.engine.env
        one_event = env.step  # named apart from the trace's step(...) helpers (test_i18n scans)
        while True:
            first = self._first()
            if first is not None and self._ready(first[0]):
                return self._take()
            ahead = first[0] if first is not None and first[0] > self.now else INF
            due = env.peek()
            if due <= ahead and due < self.end and due < INF:
                one_event()  # it may record the next hop
            elif first is not None and ahead < self.end:  # recorded ahead of the clock
                self._run_to(ahead)
            else:
                self._stop_at_end()
                return None

    def advance(self, until: float) -> list[Hop]:
        """Run to ``until`` (never past the end, never back) and hand over the hops reached."""
        env = self.world.engine.env
        target = min(until, self.end)
        if target == INF:
            env.run()
        elif target > self.now:
            self._run_to(target)
        return self.reached()

    def reached(self) -> list[Hop]:
        """Every hop not yet handed over whose time the clock has reached, in view order."""
        out = []
        while (first := self._first()) is not None and self._ready(first[0]):
            out.append(self._take())
        return out

    def rest(self) -> list[Hop]:
        """What is left once the run is over, ahead of the clock too (as the views show it)."""
        out = []
        while self._first() is not None:
            out.append(self._take())
        return out

    def _stop_at_end(self) -> None:
        """As World.run(until=end) does: the clock stands at the end, if there is one."""
        if self.end < INF and self.now < self.end:
            self._run_to(self.end)

    def _run_to(self, t: float) -> None:
        """``env.run(until=t)``, leaving no trace of the stop in the schedule."""
        env = self.world.engine.env
        env.run(until=t)
        # SimPy 4.1 puts its stop event back into the schedule, at once and first (priority
        # -1; core.Environment.step: "reschedule the event to be processed when the
        # simulation resumes"), with no callbacks left: it does nothing but keep the
        # schedule from ever being empty, so a run in moves would never end. Drop it.
        queue = env._queue
        if queue and queue[0][1] < 0 and not queue[0][3].callbacks:
            heapq.heappop(queue)

