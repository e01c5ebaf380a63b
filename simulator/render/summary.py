"""The summary view of a run: counts, delay percentiles, queue size over time.

Built from the run statistics (model/runstats.py), never from the hops, so it is the
same whatever ``--trace`` kept: the terminal view (``--view summary``, the default with
``--trace summary``), one JSON record (``--json``), a section of the HTML report (a table
and an inline SVG of the queue) and, in a notebook, render/plot.py ``plot_queue``.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from ..i18n import ui

if TYPE_CHECKING:
    from rich.table import Table

    from ..world import World

COUNTS = ("delivered", "bounced", "deferred", "queued", "rejected", "deleted")
DELAYS = ("p50", "p90", "p99", "max")
SPARK = "▁▂▃▄▅▆▇█"


def summary_data(world: World) -> dict[str, Any]:
    """The statistics as one JSON-ready record (``record: summary``)."""
    data = world.trace.stats.summary(world.engine.now)
    data["trace"] = world.trace_level
    data["messages"] = len(world.spec.messages) + (len(world.feed) if world.feed else 0)
    if world.trace.retention.dropped:  # finished outcomes not kept (model/retention.py)
        data["outcomes_dropped"] = world.trace.retention.dropped
    return data


def seconds(value: float | None) -> str:
    """A delay as a person reads it: 0.285 s, 14m 50s, 2h 27m."""
    if value is None:
        return "-"
    if value < 60:
        return f"{value:.3f} s"
    minutes, secs = divmod(round(value), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m" if hours else f"{minutes}m {secs:02d}s"


def sparkline(samples: list[list[float]], width: int) -> str:
    """Queue size over time in block characters, ``width`` wide (the largest value █)."""
    if not samples:
        return ""
    end = samples[-1][0] or 1.0
    cells = [0.0] * width
    for t, n in samples:  # each cell shows the largest sample of its stretch of time
        i = min(width - 1, int(t / end * width))
        cells[i] = max(cells[i], n)
    top = max(cells) or 1.0
    return "".join(SPARK[round(c / top * (len(SPARK) - 1))] for c in cells)


def summary_table(world: World, lang: str = "en", width: int = 80) -> Table:
    """The terminal view: two columns that fit 80 columns, the queue as a sparkline."""
    from rich.table import Table

    data = summary_data(world)
    table = Table(title=ui("sum.title", lang, n=data["messages"], trace=data["trace"]),
                  show_header=False, expand=False)
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")
    for key in COUNTS:
        table.add_row(ui(f"sum.{key}", lang), str(data[key]))
    delay = data["delay"]
    table.add_row(ui("sum.delay", lang, n=delay["count"]),
                  "  ".join(f"{q} {seconds(delay[q])}" for q in DELAYS))
    table.add_row(ui("sum.peak", lang), str(data["queue_peak"]))
    spark = sparkline(data["queue"], max(10, min(40, width - 42)))
    table.add_row(ui("sum.queue", lang), spark)
    if world.trace_level == "summary":
        table.caption = ui("sum.kept" if not world.keeps_mail_bytes else "sum.kept_mail", lang)
    if data.get("outcomes_dropped"):
        table.caption = f"{table.caption} {dropped_line(world, lang)}"
    return table


def dropped_line(world: World, lang: str = "en") -> str | None:
    """The one line the views that list outcomes print when finished ones were dropped
    (--trace summary on a workload, model/retention.py); None when all were kept."""
    n = world.trace.retention.dropped
    return ui("trace.dropped", lang, n=n) if n else None


def summary_svg(world: World, width: int = 640, height: int = 160,
                samples: list[list[float]] | None = None) -> str:
    """Queue size over time as an inline SVG polyline (a step line), no script needed;
    ``samples``: summary_data()'s "queue", when the caller has it already."""
    if samples is None:
        samples = summary_data(world)["queue"]
    end = max((t for t, _ in samples), default=0.0) or 1.0
    top = max((n for _, n in samples), default=0) or 1
    points: list[str] = []
    last_y = height - 20.0
    for t, n in samples:
        x = 40 + t / end * (width - 50)
        y = height - 20 - n / top * (height - 40)
        points += [f"{x:.1f},{last_y:.1f}", f"{x:.1f},{y:.1f}"]
        last_y = y
    return (f'<svg id="queue-plot" xmlns="http://www.w3.org/2000/svg" role="img" '
            f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
            f'<line x1="40" y1="{height - 20}" x2="{width - 10}" y2="{height - 20}" stroke="#999"/>'
            f'<line x1="40" y1="20" x2="40" y2="{height - 20}" stroke="#999"/>'
            f'<text x="4" y="24" font-size="11">{top}</text>'
            f'<text x="4" y="{height - 22}" font-size="11">0</text>'
            f'<text x="{width - 10}" y="{height - 4}" font-size="11" text-anchor="end">'
            f'{escape(world.engine.clock.short(end))}</text>'
            f'<polyline fill="none" stroke="#23395d" stroke-width="1.5" '
            f'points="{" ".join(points)}"/></svg>')


def summary_section(world: World, data: dict[str, Any] | None = None) -> str:
    """The HTML report's summary section (its labels switch language with the page);
    ``data``: summary_data(world), when the caller has it already (it sorts every delay)."""
    if data is None:
        data = summary_data(world)
    rows = [f'<tr><th data-t="sum_{key}"></th><td>{data[key]}</td></tr>' for key in COUNTS]
    delay = data["delay"]
    rows += [f'<tr><th>{q}</th><td>{escape(seconds(delay[q]))}</td></tr>' for q in DELAYS]
    rows.append(f'<tr><th data-t="sum_peak"></th><td>{data["queue_peak"]}</td></tr>')
    kept = "" if world.trace_level != "summary" else (
        f'<p class="note" data-t="{"sum_kept" if not world.keeps_mail_bytes else "sum_kept_mail"}"></p>')
    if data.get("outcomes_dropped"):
        kept += '<p class="note" data-t="html_dropped"></p>'  # report_texts() adds it

    return (f'<section id="summary-section"><h2 data-t="summary"></h2>{kept}'
            f'<table id="summary">{"".join(rows)}</table>'
            f'<h3 data-t="sum_queue"></h3><div class="scroll">{summary_svg(world, samples=data["queue"])}</div></section>')
