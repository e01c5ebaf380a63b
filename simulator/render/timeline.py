"""A message's delivery attempts in time order: when, on which MTA, to which server, with
what result, and when the queue manager will try again.

Computed from the trace (no rich here): ``timeline(world, "m1")`` gives plain records for
a notebook (``pandas.DataFrame(timeline(world, "m1"))``); render/console.py draws them.
The ``minutes`` column counts from the message's first hop, so Postfix's backoff shows as
0, 5, 10, 20, 40, 80 ... minutes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..model.trace import Hop
    from ..world import World

# the hops that make a timeline, and how each reads there
SHOWN = {"queue_active", "connect_failed", "relay", "relay_refused", "deliver_mbox", "deliver_maildir",
         "deferred", "expired", "bounce", "delay_warning", "queue_removed", "queue_hold",
         "queue_release", "queue_deleted", "queue_requeue", "double_bounce_discarded",
         "restart_requeue"}


def timeline(world: World, msg: str) -> list[dict[str, Any]]:
    """One record per step of the message's attempts (its bounces included)."""
    hops = sorted(world.trace.path(msg), key=lambda h: h.t)
    if not hops:
        return []
    t0, clock = hops[0].t, world.engine.clock
    attempts: dict[tuple[str, str | None], int] = {}
    out = []
    for hop in hops:
        if hop.action.startswith("dns_") and hop.reply not in (None, "NOERROR"):
            target, result = "DNS", f"{hop.reply}: {hop.detail}"
        elif hop.action in SHOWN:
            target, result = _read(hop, attempts)
        else:
            continue
        out.append({"msg": hop.msg, "t": round(hop.t, 6), "clock": clock.short(hop.t),
                    "minutes": round((hop.t - t0) / 60, 2), "host": hop.src_host,
                    "queue_id": hop.qid, "target": target, "result": result,
                    "next_try": _next_try(world, hop)})
    return out


def _read(hop: Hop, attempts: dict[tuple[str, str | None], int]) -> tuple[str, str]:
    """(target, result) of one hop, in the words of the timeline."""
    if hop.action == "queue_active":
        key = (hop.src_host, hop.qid)
        attempts[key] = attempts.get(key, 0) + 1
        return "qmgr", f"attempt {attempts[key]}: active queue"
    if hop.action in ("connect_failed", "relay", "relay_refused"):
        return hop.dst_host, ((hop.detail if hop.action == "connect_failed" else hop.reply) or "")
    if hop.action in ("deliver_mbox", "deliver_maildir"):
        return dict(hop.args).get("path", hop.dst_host), "delivered"
    if hop.action == "deferred":
        return "deferred queue", "deferred: " + (hop.detail or "")
    return hop.dst_actor, f"{hop.action}: {hop.reply or hop.detail or ''}"


def _next_try(world: World, hop: Hop) -> str | None:
    return dict(hop.args).get("next") if hop.action == "deferred" else None


def messages(world: World) -> list[str]:
    """The lab's own messages (not their bounces), in the order they first appear."""
    return [m for m in world.trace.messages() if "." not in m]
