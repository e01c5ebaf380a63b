"""A sweep in the terminal: the progress bar, the per-setting aggregates, the failed runs."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from ..i18n import ui

if TYPE_CHECKING:
    from ..sweep import SweepResult

# the aggregate columns shown (headings: ui key sweep.col.NAME), and how each is written
COLUMNS = ("runs", "delivered", "bounced", "queued", "delay_p50", "delay_p90", "delay_max",
           "retries", "bounces", "peak_queue", "sim_time")
_DURATIONS = {"delay_p50", "delay_p90", "delay_max", "sim_time"}


def make_console(width: int | None = None) -> Console:
    return Console(width=width, highlight=False, soft_wrap=False)


def words(lang: str) -> dict[str, str]:
    """The sweep's texts (title, progress, failures ...) from the ui catalogues."""
    keys = ("title", "all", "progress", "failed", "none", "settings")
    return {k: ui(f"sweep.{k}", lang) for k in keys}


@contextmanager
def progress(total: int, width: int | None = None,
             lang: str = "en") -> Iterator[Callable[[], None]]:
    """A rich progress bar of runs done, on stderr (the table goes to stdout); yields the
    callback to call as each run ends. Off when stderr is not a terminal (a pipe, a log file,
    a CI job): there a bar redrawn in place is only noise."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True, width=width, highlight=False)

    bar = Progress(TextColumn(words(lang)["progress"]), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), console=console, transient=False,
                   disable=not console.is_terminal)
    with bar:  # stopped (and the cursor given back) also on Ctrl-C
        task = bar.add_task("runs", total=total)
        yield lambda: bar.advance(task)


def aggregate_table(result: SweepResult, scenario: str, lang: str = "en") -> Table:
    """The per-setting aggregates (sweep.SweepResult.aggregate) side by side: one column per
    combination of settings, one row per measure, so the values compared sit in one row."""
    w = words(lang)
    agg = result.aggregate().to_dict("records")
    combos = w["settings"].format(n=len(agg))
    table = Table(title=w["title"].format(runs=len(result.records), scenario=scenario,
                                          settings=combos))
    table.add_column("", no_wrap=True)
    names = short_names(result.columns)
    for row in agg:
        label = "\n".join(f"{n}={row[c]}" for n, c in zip(names, result.columns, strict=True))
        table.add_column(label or w["all"], justify="right", overflow="fold")
    for column in COLUMNS:
        table.add_row(ui(f"sweep.col.{column}", lang), *(_cell(column, row[column]) for row in agg))
    return table


def short_names(paths: list[str]) -> list[str]:
    """A setting's column heading: the last part of its path (``maximal_backoff_time``),
    or the whole path where two settings end in the same name."""
    last = [p.rsplit(".", 1)[-1] for p in paths]
    return [name if last.count(name) == 1 else p for name, p in zip(last, paths, strict=True)]


def _cell(column: str, value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if column in _DURATIONS:
        return duration(float(value))
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.2f}"
    return str(int(value))


def duration(seconds: float) -> str:
    """``42.1s``, ``33.5m``, ``2.00h``, ``5.00d``: short, and comparable down a column."""
    if seconds >= 86400:
        return f"{seconds / 86400:.2f}d"
    if seconds >= 3600:
        return f"{seconds / 3600:.2f}h"
    if seconds >= 60:
        return f"{seconds / 60:.1f}m"
    return f"{seconds:.1f}s"


def failure_lines(result: SweepResult, lang: str = "en") -> list[str]:
    """Each failed run with its seed and settings, and why it failed."""
    w = words(lang)
    out = []
    for f in result.failures:
        settings = "".join(f", {c}={v}" for c, v in zip(result.all_columns, f.values, strict=True))
        out.append(w["failed"].format(index=f.index, seed=f.seed, settings=settings,
                                      error=f.error))
    return out
