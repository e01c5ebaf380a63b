"""Run statistics, counted while the run goes (no pass over the trace afterwards).

Every change of a recipient's outcome (TraceLog.set_outcome) updates a few counters: how
many recipients stand delivered, bounced, queued ... now; which were ever deferred; the
delay from the message's arrival to its delivery; and, sampled on the simulated clock,
how many recipients are in a queue. The samples are bounded: when ``keep`` are taken,
every other one is dropped and the interval doubles, so a day or a year of simulated
time gives at most ``keep`` points.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable
from typing import Any

STATUSES = ("delivered", "bounced", "queued", "rejected", "deleted")


def percentile(ordered: array[float] | list[float], q: float) -> float | None:
    """The nearest-rank percentile: the smallest value with at least q% of the values at
    or below it (None for no values). ``ordered`` must be sorted."""
    if not ordered:
        return None
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


class RunStats:
    """Counters of one run; ``arrival(key)`` is when a scenario message arrived (or None
    for mail the scenario did not send itself: bounces, forwarded copies)."""

    __slots__ = ("arrival", "counts", "deferred", "deferred_done", "delays", "every", "keep",
                 "next_at", "peak", "samples")

    def __init__(self, arrival: Callable[[str], float | None] | None = None,
                 every: float = 60.0, keep: int = 512) -> None:
        self.arrival = arrival or (lambda key: None)
        self.counts = dict.fromkeys(STATUSES, 0)
        self.deferred: set[tuple[str, str]] = set()  # (msg, recipient) ever deferred
        self.deferred_done = 0  # of those, finished and forgotten (``finished``)
        self.delays: array[float] = array("d")  # arrival -> delivery, seconds
        self.every, self.keep, self.next_at = every, keep, 0.0
        self.peak = 0  # the most recipients queued at once
        self.samples: list[tuple[float, int]] = []  # (simulated time, recipients queued)

    def change(self, now: float, old: str | None, new: str | None, msg: str, rcpt: str,
               deferred: bool = False) -> None:
        """A recipient's status went from ``old`` to ``new`` (None: none yet / dropped)."""
        if old is not None:
            self.counts[old] -= 1
        if new is not None:
            self.counts[new] += 1
        if deferred:
            self.deferred.add((msg, rcpt))
        if new == "delivered" and old != "delivered" and "." not in msg:
            arrived = self.arrival(msg)
            if arrived is not None:
                self.delays.append(now - arrived)
        queued = self.counts["queued"]
        self.peak = max(self.peak, queued)
        if now >= self.next_at:
            self._sample(now, queued)

    def finished(self, msg: str, rcpt: str) -> None:
        """A finished recipient is forgotten (model/retention.py): if it was ever deferred,
        it stays counted without its key."""
        if (msg, rcpt) in self.deferred:
            self.deferred.discard((msg, rcpt))
            self.deferred_done += 1

    def _sample(self, now: float, queued: int) -> None:
        if len(self.samples) >= self.keep:
            del self.samples[1::2]
            self.every *= 2
        self.samples.append((now, queued))
        self.next_at = (now // self.every + 1) * self.every

    def summary(self, end: float) -> dict[str, Any]:
        """The statistics as plain values (JSON-ready), the last sample taken at ``end``."""
        ordered = array("d", sorted(self.delays))
        samples = self.samples if self.samples and self.samples[-1][0] >= end else [
            *self.samples, (end, self.counts["queued"])]
        return {
            "record": "summary", **self.counts, "deferred": len(self.deferred) + self.deferred_done,
            "delay": {"count": len(ordered),
                      **{f"p{q}": _round(percentile(ordered, q)) for q in (50, 90, 99)},
                      "max": _round(ordered[-1] if ordered else None)},
            "queue_peak": self.peak,
            "queue": [[round(t, 3), n] for t, n in samples],
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
