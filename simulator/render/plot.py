"""One message's delivery attempts drawn on a time axis with matplotlib (a retry timeline).

Each row is an MTA holding a queue file of the message; a mark is one step of
render/timeline.py: an attempt (qmgr moving the file to the active queue), a failed
connection or a refusal, a deferral, the delivery, a bounce. The x axis is minutes since
the message's first hop, so Postfix's backoff reads as 0, 5, 10, 20, 40, 80 ... minutes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .timeline import timeline

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..world import World

# (marker, colour, legend label) per kind of step, drawn in this order
MARKS = {
    "other": (".", "#9e9e9e", {"en": "other step", "ja": "その他"}),
    "attempt": ("o", "#23395d", {"en": "attempt (active queue)", "ja": "配送の試み (active)"}),
    "failed": ("x", "#d62828", {"en": "connection failed / refused", "ja": "接続失敗・拒否"}),
    "deferred": ("s", "#f77f00", {"en": "deferred", "ja": "deferred キューへ"}),
    "delivered": ("*", "#1b7f2a", {"en": "delivered", "ja": "配送"}),
}
# each kind a little above or below its row, so marks of one moment do not hide each other
OFFSET = {"attempt": 0.24, "failed": 0.08, "deferred": -0.08, "delivered": -0.24, "other": 0.0}
AXIS = {"en": ("minutes since the message was sent", "MTA (queue ID)"),
        "ja": ("送信からの経過 (分)", "MTA (キュー ID)")}


def _kind(row: dict[str, Any]) -> str:
    result = str(row["result"])
    if result.startswith("attempt"):
        return "attempt"
    if result == "delivered":
        return "delivered"
    if result.startswith("deferred"):
        return "deferred"
    if row["target"] != "qmgr" and (result[:1] in "45" or "Connection" in result):
        return "failed"
    return "other"


def plot_timeline(world: World, msg: str, ax: Axes | None = None, lang: str = "en") -> Axes:
    """Draw ``msg``'s attempts; returns the matplotlib Axes (one row per MTA queue file)."""
    from .graph import _pyplot

    if ax is None:
        _, ax = _pyplot().subplots(figsize=(9, 3))
    rows = timeline(world, msg)
    lanes = list(dict.fromkeys(f"{r['host']} ({r['queue_id']})" for r in rows))
    for kind, (marker, colour, label) in MARKS.items():
        mine = [r for r in rows if _kind(r) == kind]
        if mine:
            ax.scatter([r["minutes"] for r in mine],
                       [lanes.index(f"{r['host']} ({r['queue_id']})") + OFFSET[kind]
                        for r in mine],
                       marker=marker, color=colour, s=25 if kind == "other" else 60,
                       label=label.get(lang, label["en"]), zorder=3)
    words = AXIS.get(lang, AXIS["en"])
    ax.set_yticks(range(len(lanes)), lanes, fontsize=8)
    ax.set_ylim(-0.7, len(lanes) - 0.3)
    ax.set_xlabel(words[0])
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(f"{msg}: {world.spec.title.get(lang)}", fontsize=9)
    if rows:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, borderaxespad=0)
    return ax


QUEUE_AXIS = {"en": ("simulated time (hours from the start)", "recipients in a queue"),
              "ja": ("模擬時間 (開始からの時間)", "キューにある受信者数")}


def plot_queue(world: World, ax: Axes | None = None, lang: str = "en") -> Axes:
    """Queue size over simulated time (the run statistics' samples) as a step line."""
    from .graph import _pyplot
    from .summary import summary_data

    if ax is None:
        _, ax = _pyplot().subplots(figsize=(9, 3))
    samples = summary_data(world)["queue"]
    ax.plot([t / 3600 for t, _ in samples], [n for _, n in samples], drawstyle="steps-post",
            color="#23395d")
    words = QUEUE_AXIS.get(lang, QUEUE_AXIS["en"])
    ax.set_xlabel(words[0])
    ax.set_ylabel(words[1])
    ax.grid(alpha=0.3)
    ax.set_title(world.spec.title.get(lang), fontsize=9)
    return ax
