"""Flat, JSON-ready views of the trace: hops, outcomes, sessions (no rich here).

Key order is fixed and part of the contract of ``--json`` (tests/cli check it); the same
scenario and seed give byte-identical output.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..i18n import explain

if TYPE_CHECKING:
    from ..model.trace import Hop, Outcome
    from ..world import World

HOP_KEYS = ("record", "seq", "t", "clock", "msg", "queue_id", "from_host", "from_actor",
            "to_host", "to_actor", "protocol", "port", "action", "reply", "detail", "session",
            "explain")


def hop_record(world: World, seq: int, hop: Hop, lang: str = "en") -> dict[str, Any]:
    return {
        "record": "hop", "seq": seq, "t": round(hop.t, 6),
        "clock": world.engine.clock.at(hop.t).isoformat(timespec="milliseconds"),
        "msg": hop.msg, "queue_id": hop.qid, "from_host": hop.src_host,
        "from_actor": hop.src_actor, "to_host": hop.dst_host, "to_actor": hop.dst_actor,
        "protocol": hop.proto, "port": hop.port, "action": hop.action, "reply": hop.reply,
        "detail": hop.detail, "session": hop.session,
        "explain": explain(hop.action, hop.args, lang),
    }


def outcome_record(world: World, outcome: Outcome) -> dict[str, Any]:
    return {
        "record": "outcome", "msg": outcome.msg, "recipient": outcome.recipient,
        "status": outcome.status, "t": round(outcome.t, 6),
        "clock": world.engine.clock.at(outcome.t).isoformat(timespec="milliseconds"),
        "host": outcome.host, "where": outcome.where, "dsn": outcome.dsn, "hops": outcome.hops,
        "next_try": None if outcome.next_try is None else
        world.engine.clock.at(outcome.next_try).isoformat(timespec="milliseconds"),
        "orig": outcome.orig,
    }


def ordered_hops(world: World) -> list[Hop]:
    """Hops in time order; records of the same moment keep the order they were made in."""
    return sorted(world.trace.hops, key=lambda h: h.t)


def outcomes(world: World) -> list[Outcome]:
    return sorted(world.trace.outcomes.values(), key=lambda o: (o.t, o.msg, o.recipient))


def jsonl(world: World, lang: str = "en", summary: bool = False) -> Iterator[str]:
    """One JSON object per hop, then one per recipient outcome; with ``summary`` (and
    always under ``--trace summary``) a last ``record: summary`` (render/summary.py)."""
    for seq, hop in enumerate(ordered_hops(world)):
        yield json.dumps(hop_record(world, seq, hop, lang), ensure_ascii=False)
    for outcome in outcomes(world):
        yield json.dumps(outcome_record(world, outcome), ensure_ascii=False)
    if summary or world.trace_level == "summary":
        from .summary import summary_data

        yield json.dumps(summary_data(world), ensure_ascii=False)


def path_records(world: World, msg: str, lang: str = "en") -> list[dict[str, Any]]:
    """A message's path (its bounces and copies included) as plain records."""
    hops = sorted(world.trace.path(msg), key=lambda h: h.t)
    return [hop_record(world, i, h, lang) for i, h in enumerate(hops)]
