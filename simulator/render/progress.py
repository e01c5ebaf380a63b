"""A progress bar of simulated time (rich.progress), for runs watched as they go.

``clock_bar(world, end)`` shows how far the world's clock has come: the simulated time
itself (``+3d 09:00:00.000``) and, when the run has an end (a scenario's ``until`` or
``--until``), a bar to that end. It yields ``tick()``: call it whenever the clock may have
moved (after each hop, or after each slice of a run that keeps no per-hop trace).

It is transient and goes to stderr, so stdout stays exactly what a plain run prints; it is
off when its console is not a terminal (a pipe, a log file, CI), where a bar redrawn in
place is only noise. mailsim run --follow uses it; so can any long run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.console import Console

from ..i18n import ui

if TYPE_CHECKING:
    from ..world import World

REFRESH = 0.1  # seconds of wall time between redraws: a tick is cheap, a redraw is not


@contextmanager
def clock_bar(world: World, end: float | None, console: Console | None = None,
              lang: str = "en", refresh: float = REFRESH) -> Iterator[Callable[[], None]]:
    """A bar of ``world``'s simulated time up to ``end`` (None: an end not known before)."""
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    console = console or Console(stderr=True, highlight=False)
    clock, engine = world.engine.clock, world.engine
    total = ui("progress.total", lang, t=clock.short(end)) if end is not None else ""
    bar = Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
                   TextColumn(total), TimeElapsedColumn(), console=console, transient=True,
                   auto_refresh=False, disable=not console.is_terminal)
    task = bar.add_task(ui("progress.clock", lang, t=clock.short(engine.now)), total=end)
    last = [-refresh]  # wall time of the last redraw

    def tick() -> None:
        if bar.disable:
            return
        bar.update(task, completed=engine.now,
                   description=ui("progress.clock", lang, t=clock.short(engine.now)))
        if time.monotonic() - last[0] >= refresh:
            last[0] = time.monotonic()
            bar.refresh()

    with bar:  # stopped, and the cursor given back, on Ctrl-C as well
        yield tick
        tick()  # the clock as the run ends
        bar.refresh()
