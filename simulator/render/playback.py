"""``mailsim run --step`` and ``--follow``: a run shown hop by hop while its clock moves.

Both drive the world through a Playhead (simulator/playback.py, the same core as the
shell's ``step``) and print each hop as the compact view does (render/compact.py), so
stdout holds exactly the lines a plain compact run prints for the hops shown; prompts and
the progress bar go to stderr.

- ``step_through``: after each hop, ``ask()`` shows the prompt and reads a line. Enter
  shows the next hop, ``q`` stops (a note on stdout says so), end of input runs to the end
  without asking again.
- ``follow``: hops appear as the clock reaches them, under a bar of simulated time
  (render/progress.py). Given no ``show`` (a run that keeps no per-hop trace), only the
  clock moves, in slices.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.console import Console
from rich.text import Text

from ..i18n import ui
from .compact import hop_lines, measurer, shows, title_lines

if TYPE_CHECKING:
    from ..model.trace import Hop
    from ..playback import Playhead
    from ..world import World

Ask = Callable[[], "str | None"]  # prompt, then one line of input; None at end of input
SLICES = 200  # a run without hops to show moves to its end in this many slices of time,
QUIET_SLICE = 60.0  # or, with no end known in advance, a simulated minute at a time
PACE = 1.0  # on a terminal, --follow lets a simulated day take about this many wall seconds
# (and each hop 1/200 s, each pause at most half a second): a lab's whole run takes
# milliseconds, and a clock that moves that fast cannot be watched
DAY = 86400.0


class HopPrinter:
    """Prints hops (of one message, with --msg) on stdout as the compact view does."""

    def __init__(self, world: World, out: Console, lang: str, msg: str | None) -> None:
        self.world, self.out, self.lang, self.msg = world, out, lang, msg
        self.measure = measurer(out.width)
        self.shown = 0

    def title(self) -> None:
        self._print(title_lines(self.world, self.lang, self.out.width, self.measure))

    def hop(self, hop: Hop) -> bool:
        """Print ``hop`` if --msg lets it through; whether it was printed."""
        if not shows(hop, self.msg):
            return False
        self._print(hop_lines(self.world, hop, self.lang, self.out.width, self.measure))
        self.shown += 1
        return True

    def _print(self, lines: list[Text]) -> None:
        for line in lines:
            self.out.print(line, soft_wrap=True)  # already wrapped to the width, in cells


class PlaybackError(ValueError):
    """Options that cannot go with --step or --follow."""


def play(world: World, until: str | None, out: Console, lang: str, msg: str | None,
         view: str, json: bool, step: bool, follow_: bool, ask: Ask) -> bool:
    """``mailsim run --step`` / ``--follow``: the run, its hops on ``out`` as the clock
    moves; True when the student stopped it (``q``)."""
    from ..playback import Playhead
    from .progress import clock_bar

    _check(view, json, step, follow_, lang)
    try:
        head = Playhead.of(world, until)
    except ValueError as exc:
        raise PlaybackError(ui("err.until", lang, error=exc, value=until)) from None
    printer = HopPrinter(world, out, lang, msg)
    if step:
        return step_through(head, printer, ask)
    pace = PACE if out.is_terminal else 0.0  # watchable on a terminal; piped, at once
    with clock_bar(world, head.end if head.end < float("inf") else None, lang=lang) as tick:
        # a run that keeps no per-hop trace (issue 12's --trace summary) passes None for
        # the printer here: no hops, and the bar moves all the same
        follow(head, tick, printer, pace)
    return False


def run_with_bar(world: World, until: str | None, lang: str,
                 console: Console | None = None) -> World:
    """A long run (``--trace summary``) to its end under a bar of simulated time on
    stderr; where stderr is not a terminal, simply ``world.run(until)``: the same run."""
    from ..playback import Playhead
    from .progress import clock_bar

    console = console or Console(stderr=True, highlight=False)
    if not console.is_terminal:
        return world.run(until)
    head = Playhead.of(world, until)
    with clock_bar(world, head.end if head.end < float("inf") else None, console,
                   lang) as tick:
        follow(head, tick, None)
    return world


def stdin_ask(lang: str) -> Ask:
    """--step's prompt on stderr (stdout stays the run's own), then one line of stdin;
    line by line, so a script piped in drives it as a student at the keyboard would."""
    def ask() -> str | None:
        sys.stderr.write(ui("play.prompt", lang) + ("" if sys.stdin.isatty() else "\n"))
        sys.stderr.flush()
        return sys.stdin.readline() or None
    return ask


def _check(view: str, json: bool, step: bool, follow_: bool, lang: str) -> None:
    if step and follow_:
        raise PlaybackError(ui("err.play_both", lang))
    if json:
        raise PlaybackError(ui("err.play_json", lang))
    if view not in ("hops", "compact"):
        raise PlaybackError(ui("err.play_view", lang, view=view))


def step_through(head: Playhead, printer: HopPrinter, ask: Ask) -> bool:
    """Hop by hop, asking after each; True when the student stopped (``q``)."""
    printer.title()
    asking = True
    while (hop := head.next_hop()) is not None:
        if not printer.hop(hop) or not asking:
            continue
        answer = ask()
        if answer is None:  # end of input: the rest without pauses
            asking = False
        elif answer.strip().lower() in ("q", "quit"):
            printer.out.print(ui("play.stopped", printer.lang, n=printer.shown,
                                 t=head.world.engine.clock.short(hop.t)), soft_wrap=True)
            return True
    for hop in head.rest():  # recorded ahead of the end of the run
        printer.hop(hop)
    return False


def follow(head: Playhead, tick: Callable[[], None], printer: HopPrinter | None,
           pace: float = 0.0) -> None:
    """The run to its end, ``tick()`` as the clock moves; hops printed as they are reached,
    at ``pace`` wall seconds per simulated day (0: at once).

    ``printer`` None: a run without a per-hop trace; only the clock (and the bar) moves."""
    if printer is None:
        _quiet(head, tick)
        return
    printer.title()
    last = head.now
    while (hop := head.next_hop()) is not None:
        if pace:
            time.sleep(min(0.5, pace * ((hop.t - last) / DAY + 1 / 200)))
            last = hop.t
        tick()
        printer.hop(hop)
    for hop in head.rest():
        printer.hop(hop)


def _quiet(head: Playhead, tick: Callable[[], None]) -> None:
    """Event by event to the end, ``tick()`` each time the clock has moved a slice on. The
    clock stops where World.run would stop it: at the end if there is one, else at the
    last event (never at the edge of a slice)."""
    env = head.world.engine.env
    size = head.end / SLICES if head.end < float("inf") else QUIET_SLICE
    mark = head.now + size
    one_event = env.step  # named apart from the trace's step(...) helpers (test_i18n scans)
    while (due := env.peek()) < head.end and due < float("inf"):
        one_event()
        if env.now >= mark:
            tick()
            mark = env.now + size
    head.advance(head.end)
    tick()
