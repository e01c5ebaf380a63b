"""The shell's hold on simulated time: step to the next hop, run for a while, look around.

The world (world.py) is a SimPy environment; ``World.run`` runs it to an end. Here the
student drives it instead: ``step`` advances event by event until a hop is recorded,
``run 5m`` / ``run until 10:30`` run the environment to a moment, and between commands
the clock stands still (Packet Tracer's simulation mode, with the queue as its event list).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ..model.duration import parse_duration
from .texts import say

if TYPE_CHECKING:
    from ..model.trace import Hop
    from ..world import World

INF = float("inf")  # "run" without a time: until nothing is left
WIDTH = 80  # a shell's hop lines fit an 80-column terminal
_CLOCK_RE = re.compile(r"(?:(\d{4}-\d\d-\d\d)[ T])?(\d{1,2}):(\d\d)(?::(\d\d))?")


class SimClock:
    """The student's hold on one world's clock: a Playhead (playback.py) and its texts."""

    def __init__(self, world: World, lang: str) -> None:
        from ..playback import Playhead

        self.world, self.lang = world, lang
        self.head = Playhead(world)  # no end: the student decides when to stop

    @property
    def now(self) -> float:
        return self.world.engine.now

    def stamp(self, t: float | None = None) -> str:
        return self.world.engine.clock.short(self.now if t is None else t)

    def hide_own(self, since: int) -> None:
        """The student's own command line is a hop too; they saw it, so step skips it."""
        hops = self.world.trace.hops
        for i in range(since, len(hops)):
            if hops[i].action == "command":
                self.head.hide(i)

    # --- step ------------------------------------------------------------------------------
    def next_hop(self) -> str:
        """Run to the next hop not yet shown and explain it."""
        hop = self.head.next_hop()
        if hop is None:
            return say("step.none", self.lang, t=self.stamp())
        return hop_text(self.world, hop, self.lang, explained=True)

    # --- run -------------------------------------------------------------------------------
    def run(self, args: list[str]) -> tuple[str, int]:
        """``run``, ``run 5m``, ``run until 10:30``: the hops on the way, one line each."""
        target = self.target(args)
        if target is None:
            return say("run.bad", self.lang, value=" ".join(args)) + "\n", 2
        new = self.head.advance(target)
        lines = [hop_text(self.world, hop, self.lang, explained=False) for hop in new]
        lines.append(say("run.done", self.lang, t=self.stamp(), n=len(new)))
        return "\n".join(lines) + "\n", 0

    def target(self, args: list[str]) -> float | None:
        """The simulated second ``run ARGS`` stops at; None for what is not a time."""
        if not args:
            return INF
        if args[0] == "until":
            return self._until(" ".join(args[1:])) if len(args) > 1 else None
        if len(args) != 1:
            return None
        try:
            return self.now + parse_duration(args[0])
        except ValueError:
            return None

    def _until(self, text: str) -> float | None:
        """The next moment the wall clock reads ``HH:MM[:SS]`` (or that date and time)."""
        match = _CLOCK_RE.fullmatch(text.strip())
        if match is None:
            return None
        day, hour, minute, second = match.groups()
        if int(hour) > 23 or int(minute) > 59 or int(second or 0) > 59:
            return None
        clock = self.world.engine.clock
        now = clock.at(self.now)
        base = datetime.fromisoformat(day).date() if day else now.date()
        when = datetime(base.year, base.month, base.day, int(hour), int(minute),
                        int(second or 0), tzinfo=clock.tz)
        if day is None and when < now:  # as at(1): a time already past means tomorrow's
            when += timedelta(days=1)
        return max(self.now, (when - clock.start).total_seconds())


def hop_text(world: World, hop: Hop, lang: str, explained: bool) -> str:
    """One hop as the compact view shows it (render/compact.py), at 80 columns: time, from
    → to, protocol, what, reply; explained, also its detail and explanation beneath."""
    from ..render.compact import hop_lines, measurer

    lines = hop_lines(world, hop, lang, WIDTH, measurer(WIDTH), explained)
    return "\n".join(line.plain for line in lines).rstrip("\n")
