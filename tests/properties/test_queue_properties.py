"""Hypothesis properties of the queue (DESIGN.md §6, STYLE.md convention 11).

Random outages of the MX hosts (ports closed, hosts switched off, links cut), random
messages and random main.cf timing, then:
- every recipient ends delivered, bounced, or still queued; a message waiting in a
  deferred queue has its next retry time;
- each wait between two attempts is Postfix's: the age clamped to the backoff bounds, up
  to the first deferred-queue scan that takes the file (so within [minimal_backoff_time,
  maximal_backoff_time + queue_run_delay]);
- crashes and restarts of the sending and receiving hosts lose nothing: every recipient
  ends delivered (at least one copy in the mailbox) or bounced (or was refused to the
  client while its server was off), and no queue keeps a file. (A crash in the half round
  trip between the server's end-of-data reply and the client reading it may deliver a
  message twice, as in Postfix; at least one copy is what is checked.)
"""

from __future__ import annotations

import math
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.scenario import Scenario
from simulator.world import World
from tests.queue_world import MSA, message, spec

MX = ("mx1.example.org", "mx2.example.org")
SETTINGS = settings(max_examples=30, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def outage(draw: Any, hosts: tuple[str, ...] = MX) -> list[dict[str, Any]]:
    """One host unreachable or refusing (or one link cut) from ``start`` to ``end``."""
    host = draw(st.sampled_from(hosts))
    kind = draw(st.sampled_from(["service", "host", "link"]))
    start = draw(st.integers(0, 3 * 3600))
    end = start + draw(st.integers(1, 4 * 3600))
    if kind == "service":
        down = {"do": "service_down", "host": host, "service": "smtp"}
        up = {"do": "service_up", "host": host, "service": "smtp"}
    elif kind == "host":
        down, up = {"do": "host_down", "host": host}, {"do": "host_up", "host": host}
    else:
        down = {"do": "link_down", "between": [MSA, host]}
        up = {"do": "link_up", "between": [MSA, host]}
    return [{"at": f"{start}s", **down}, {"at": f"{end}s", **up}]


@st.composite
def messages(draw: Any) -> list[dict[str, Any]]:
    count = draw(st.integers(1, 4))
    out = []
    for i in range(count):
        rcpts = draw(st.lists(st.sampled_from(["bob@example.org", "carol@example.org"]),
                              min_size=1, max_size=2, unique=True))
        out.append(message(f"m{i + 1}", f"{draw(st.integers(0, 1800))}s", *rcpts))
    return out


@st.composite
def timing(draw: Any) -> dict[str, str]:
    low = draw(st.sampled_from([60, 300, 600]))
    high = low + draw(st.sampled_from([0, 300, 3700, 10000]))
    return {"minimal_backoff_time": f"{low}s", "maximal_backoff_time": f"{high}s",
            "queue_run_delay": f"{draw(st.sampled_from([60, 300, 1000]))}s",
            "maximal_queue_lifetime": draw(st.sampled_from(["2h", "6h", "5d"]))}


def build(events: list[dict[str, Any]], msgs: list[dict[str, Any]], msa: dict[str, str],
          seed: int) -> World:
    return World(Scenario.model_validate(spec(events=events, messages=msgs, msa=msa,
                                              seed=seed)))


def recipients(msgs: list[dict[str, Any]], before: float = math.inf) -> set[tuple[str, str]]:
    """(message, recipient) pairs of the messages submitted a minute before ``before``."""
    return {(m["id"], r) for m in msgs for r in m["to"] if float(m["at"][:-1]) + 60 <= before}


@SETTINGS
@given(outages=st.lists(outage(), max_size=3), msgs=messages(), msa=timing(),
       horizon=st.integers(600, 12 * 3600), seed=st.integers(0, 5))
def test_every_recipient_is_delivered_bounced_or_queued_with_a_next_try(
        outages: list[list[dict[str, Any]]], msgs: list[dict[str, Any]], msa: dict[str, str],
        horizon: int, seed: int) -> None:
    world = build([e for o in outages for e in o], msgs, msa, seed)
    world.run(until=horizon)
    now = world.engine.now
    for key in recipients(msgs, horizon):
        found = world.trace.outcomes.get(key)
        assert found is not None, f"{key}: no outcome at all"
        assert found.status in ("delivered", "bounced", "queued"), (key, found)
        if found.status != "queued":
            continue
        files = [qf for host in world.hosts.values() if host.mta is not None
                 for queue in host.mta.qmgr.queues.values() for qf in queue.values()
                 if qf.msg == key[0] and any(r.orig == key[1] for r in qf.pending())]
        assert files, f"{key} is queued, but no queue file holds it"
        for qf in files:
            if qf.queue == "deferred":
                assert qf.next_try is not None and qf.next_try >= now, (key, qf.next_try)
        if found.next_try is not None:
            assert found.next_try >= found.t


@SETTINGS
@given(outages=st.lists(outage(), min_size=1, max_size=3), msgs=messages(), msa=timing(),
       seed=st.integers(0, 5))
def test_the_waits_between_attempts_are_postfix_backoff(
        outages: list[list[dict[str, Any]]], msgs: list[dict[str, Any]], msa: dict[str, str],
        seed: int) -> None:
    world = build([e for o in outages for e in o], msgs, msa, seed)
    world.run(until=2 * 86400)
    low, high = (float(msa[k][:-1]) for k in ("minimal_backoff_time", "maximal_backoff_time"))
    run_delay = float(msa["queue_run_delay"][:-1])
    attempts: dict[str, list[float]] = {}
    deferrals: dict[str, list[tuple[float, int]]] = {}
    for hop in sorted(world.trace.hops, key=lambda h: h.t):
        if hop.src_host != MSA or hop.qid is None:
            continue
        if hop.action == "queue_active":
            attempts.setdefault(hop.qid, []).append(hop.t)
        elif hop.action == "deferred":
            deferrals.setdefault(hop.qid, []).append((hop.t, int(dict(hop.args)["delay"])))
    create = {qid: math.floor(times[0] + 1e-9) for qid, times in attempts.items()}
    for qid, items in deferrals.items():
        following = attempts[qid][1:]
        for (t, delay), nxt in zip(items, following):
            age = math.floor(t + 1e-9) - create[qid]
            assert delay == min(max(age, low), high), (qid, t, age, delay)
            assert low - 2 < nxt - t < high + run_delay, (qid, t, nxt)
            mtime = math.floor(t + 1e-9) + delay
            assert nxt % run_delay == 0 and mtime <= math.floor(nxt) + 1, (qid, t, nxt, mtime)
            assert not (mtime <= math.floor(nxt - run_delay) + 1 and nxt - run_delay >= t), \
                f"{qid}: an earlier scan would have taken it"


@st.composite
def crash(draw: Any) -> list[dict[str, Any]]:
    host = draw(st.sampled_from((MSA, *MX)))
    start = draw(st.floats(0, 3600, allow_nan=False).map(lambda x: round(x, 3)))
    end = start + draw(st.integers(1, 3 * 3600))
    return [{"at": f"{start}s", "do": "host_down", "host": host},
            {"at": f"{end}s", "do": "host_up", "host": host}]


@SETTINGS
@given(crashes=st.lists(crash(), min_size=1, max_size=3), msgs=messages(), seed=st.integers(0, 5),
       latency=st.sampled_from(["10ms", "500ms", "2s"]))
def test_nothing_is_lost_across_host_restarts(crashes: list[list[dict[str, Any]]],
                                              msgs: list[dict[str, Any]], seed: int,
                                              latency: str) -> None:
    events = sorted((e for c in crashes for e in c), key=lambda e: float(e["at"][:-1]))
    world = World(Scenario.model_validate(spec(
        events=_consistent(events), messages=msgs, seed=seed, latency=latency,
        msa={"maximal_queue_lifetime": "6h"}, mx1={"maximal_queue_lifetime": "6h"},
        mx2={"maximal_queue_lifetime": "6h"})))
    world.run()
    for key in recipients(msgs):
        found = world.trace.outcomes.get(key)
        # "rejected": the MSA was down, so alice's client got the error at once
        assert found is not None and found.status in ("delivered", "bounced", "rejected"), \
            (key, found)
        if found.status == "delivered":
            box = world.hosts[found.host].fs.read(found.where) or b""
            assert f"Subject: {key[0]}\n".encode() in box, key
    for host in world.hosts.values():
        if host.mta is not None:
            assert not any(host.mta.qmgr.queues.values()), host.name


def _consistent(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Overlapping crash windows of one host: keep the host down until the last one ends."""
    out, depth = [], {}  # type: ignore[var-annotated]
    for e in events:
        n = depth.get(e["host"], 0)
        if e["do"] == "host_down":
            depth[e["host"]] = n + 1
            if n == 0:
                out.append(e)
        else:
            depth[e["host"]] = n - 1
            if n == 1:
                out.append(e)
    return out
