"""One run of a sweep, summed up as a small flat record (cf. Ciw's data records).

A sweep of hundreds of runs keeps no traces: each run returns only numbers a teacher or an
operator compares across settings. Everything is read from the run's trace and outcomes, the
same records the hop table shows, so a record never disagrees with ``mailsim run``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .world import World

STATUSES = ("delivered", "bounced", "queued", "rejected", "deleted")
METRICS = (*STATUSES, "delay_p50", "delay_p90", "delay_max", "retries", "bounces",
           "peak_queue", "sim_time")
"""The columns of a record after the run's seed and settings; delays and times in seconds."""

# Trace actions that put a message into an MTA's queue and that take it out (cleanup(8) is the
# only way in; qmgr removes a finished queue file, postsuper -d deletes one).
_INTO_QUEUE = {"cleanup"}
_OUT_OF_QUEUE = {"queue_removed", "queue_deleted"}


def summarise(world: World) -> dict[str, float | int | None]:
    """The record of a finished run: per recipient outcome counts of the scenario's own
    messages, their delivery delays (percentiles), retries, bounce notices, the peak number
    of messages queued in all MTAs together, and the simulated time the run took."""
    own = [o for o in world.trace.outcomes.values() if "." not in o.msg]
    record: dict[str, float | int | None] = {s: 0 for s in STATUSES}
    for o in own:
        record[o.status] = int(record[o.status] or 0) + 1
    first = _first_seen(world)
    delays = sorted(o.t - first[o.msg] for o in own
                    if o.status == "delivered" and o.msg in first)
    record["delay_p50"] = percentile(delays, 50)
    record["delay_p90"] = percentile(delays, 90)
    record["delay_max"] = delays[-1] if delays else None
    record["retries"] = sum(1 for h in world.trace.hops if h.action == "retry")
    # bounce notices (RFC 3464 DSNs to the sender): the messages keyed KEY.bounce
    record["bounces"] = sum(1 for m in world.trace.messages() if m.rsplit(".", 1)[-1] == "bounce")
    record["peak_queue"] = peak_queue(world)
    record["sim_time"] = world.engine.now
    return record


def _first_seen(world: World) -> dict[str, float]:
    """When each message first appears in the trace: its submission (or the command)."""
    first: dict[str, float] = {}
    for hop in world.trace.hops:
        if hop.msg is not None and hop.msg not in first:
            first[hop.msg] = hop.t
    return first


def percentile(ordered: list[float], p: float) -> float | None:
    """The nearest-rank percentile of sorted values (None when there are none): an observed
    delay, never an interpolated one, so the same runs always give the same number."""
    if not ordered:
        return None
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def peak_queue(world: World) -> int:
    """The most messages queued at once, summed over every MTA of the world."""
    now = peak = 0
    for hop in world.trace.hops:  # in time order: hops are appended as they happen
        if hop.action in _INTO_QUEUE:
            now += 1
            peak = max(peak, now)
        elif hop.action in _OUT_OF_QUEUE:
            now -= 1
    return peak
