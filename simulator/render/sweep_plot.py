"""A sweep's comparison as a figure (matplotlib): the delivery delays and the retries of the
runs, one box per combination of settings, every run drawn as a dot over its box."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..i18n import ui

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..sweep import SweepResult


def _groups(result: SweepResult, column: str, scale: float = 1.0) -> tuple[list[str], list[list[float]]]:
    """(label, values of ``column`` over its runs) per combination, in plan order."""
    groups: dict[tuple[str, ...], list[float]] = {}
    for rec in result.records:
        key = tuple(str(rec[c]) for c in result.columns)
        value = rec[column]
        groups.setdefault(key, [])
        if value is not None:
            groups[key].append(float(value) / scale)
    return ["\n".join(key) for key in groups], list(groups.values())


def plot_sweep(result: SweepResult, scenario: str = "", lang: str = "en") -> Figure:
    """The figure: delays (minutes) on the left, retries on the right, a box per setting."""
    from matplotlib.figure import Figure

    from .graph import _cjk_font
    from .sweep import short_names

    font = _cjk_font() if lang == "ja" else None
    shown = "ja" if font else "en"  # without a Japanese font: English, not empty boxes
    texts = {k: ui(f"sweep.plot.{k}", shown) for k in ("delay", "retries", "title")}
    texts["all"] = ui("sweep.all", shown)
    figure = Figure(figsize=(10, 4.5), layout="constrained")
    left, right = figure.subplots(1, 2)
    for ax, column, scale, key in ((left, "delay_p50", 60.0, "delay"),
                                   (right, "retries", 1.0, "retries")):
        labels, values = _groups(result, column, scale)
        labels = [label or texts["all"] for label in labels]
        _box(ax, labels, values)
        ax.set_title(texts[key], fontsize=9, fontfamily=font)
        ax.set_xlabel(" / ".join(short_names(result.columns)), fontsize=8)
    figure.suptitle(texts["title"].format(n=len(result.records), scenario=scenario),
                    fontsize=10, fontfamily=font)
    return figure


def _box(ax: Any, labels: list[str], values: list[list[float]]) -> None:
    positions = list(range(1, len(values) + 1))
    ax.boxplot([v or [float("nan")] for v in values], positions=positions, widths=0.5,
               showfliers=False)
    for x, vs in zip(positions, values, strict=True):
        ax.plot([x] * len(vs), vs, "o", alpha=0.4, markersize=4)
    ax.set_xticks(positions, labels, fontsize=8)
    ax.grid(axis="y", alpha=0.3)


def save_plot(result: SweepResult, path: Path, scenario: str = "", lang: str = "en") -> None:
    """Write the figure to ``path`` (PNG, SVG or PDF by its suffix); nothing else is written."""
    plot_sweep(result, scenario, lang).savefig(path, dpi=120)
