"""The shell's hold on simulated time: step to the next hop, run for a while, look around.

The world (world.py) is a SimPy environment; ``World.run`` runs it to an end. Here the
student drives it instead: ``step`` advances event by event until a hop is recorded,
``run 5m`` / ``run until 10:30`` run the environment to a moment, and between commands
the clock stands still (Packet Tracer's simulation mode, with the queue as its event list).
"""

from __future__ import annotations

import re
import textwrap
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ..i18n import explain, phrases
from ..model.duration import parse_duration
from .texts import say

if TYPE_CHECKING:
    from ..model.trace import Hop
    from ..world import World

INF = float("inf")
WRAP = 78  # explanations fold to an 80-column terminal, indented by two
_CLOCK_RE = re.compile(r"(?:(\d{4}-\d\d-\d\d)[ T])?(\d{1,2}):(\d\d)(?::(\d\d))?")


class SimClock:
    """Which hops the student has seen, and the moves of the clock."""

    def __init__(self, world: World, lang: str) -> None:
        self.world, self.lang = world, lang
        self.seen: set[int] = set()  # indexes into world.trace.hops already shown

    @property
    def now(self) -> float:
        return self.world.engine.now

    def stamp(self, t: float | None = None) -> str:
        return self.world.engine.clock.short(self.now if t is None else t)

    def hide_own(self, since: int) -> None:
        """The student's own command line is a hop too; they saw it, so step skips it."""
        hops = self.world.trace.hops
        self.seen.update(i for i in range(since, len(hops)) if hops[i].action == "command")

    # --- step ------------------------------------------------------------------------------
    def next_hop(self) -> str:
        """Run to the next hop not yet shown and explain it."""
        env = self.world.engine.env
        advance = env.step  # one SimPy event (named apart from the trace's hop helpers)
        while True:
            found = self._next_unseen()
            if found is not None and found[1].t <= self.now:
                self.seen.add(found[0])
                return hop_text(self.world, found[1], self.lang, explained=True)
            ahead = found[1].t if found is not None else INF
            if env.peek() <= ahead and env.peek() < INF:
                advance()
            elif found is not None:  # computed ahead of the clock (a dialogue's later line)
                env.run(until=ahead)
            else:
                return say("step.none", self.lang, t=self.stamp())

    def _next_unseen(self) -> tuple[int, Hop] | None:
        hops = self.world.trace.hops
        best: tuple[int, Hop] | None = None
        for i, hop in enumerate(hops):
            if i not in self.seen and (best is None or hop.t < best[1].t):
                best = (i, hop)
        return best

    # --- run -------------------------------------------------------------------------------
    def run(self, args: list[str]) -> tuple[str, int]:
        """``run``, ``run 5m``, ``run until 10:30``: the hops on the way, one line each."""
        target = self.target(args)
        if target is None:
            return say("run.bad", self.lang, value=" ".join(args)) + "\n", 2
        env = self.world.engine.env
        if target == INF:
            env.run()
        elif target > self.now:
            env.run(until=target)
        hops = self.world.trace.hops
        new = sorted((i for i in range(len(hops)) if i not in self.seen
                      and hops[i].t <= self.now), key=lambda i: hops[i].t)
        self.seen.update(new)
        lines = [hop_text(self.world, hops[i], self.lang, explained=False) for i in new]
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
    """One hop on one line (time, from → to, protocol, what, reply), the explanation under it."""
    proto = f" {hop.proto}/{hop.port}" if hop.port else (f" {hop.proto}" if hop.proto else "")
    what = hop.action + (f" [{hop.qid}]" if hop.qid else "")
    who = f"{hop.src_host} {hop.src_actor} → {hop.dst_host} {hop.dst_actor}"
    head = f"{world.engine.clock.short(hop.t)}  {who}{proto}  {what}"
    if hop.reply:
        head += f"  {hop.reply}"
    if not explained:
        return head
    args = hop.args if lang == "en" else tuple((k, phrases(v, lang)) for k, v in hop.args)
    body = [phrases(hop.detail, lang)] if hop.detail and hop.action != "command" else []
    body.append(explain(hop.action, args, lang))
    wrapped = [textwrap.fill(b, WRAP, initial_indent="  ", subsequent_indent="  ")
               for b in body if b]
    return "\n".join([head, *wrapped])
