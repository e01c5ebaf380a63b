"""Benchmark of the queue: SimPy events per message and wall time, with and without deferrals.

Builds a scenario in memory (no file): ``N`` messages from alice's client through her
provider's MSA to example.org, whose two MX hosts either accept at once (``direct``) or
refuse connections for the first two hours (``outage``: port 25 closed on both MX hosts,
so every message is deferred and retried with Postfix's backoff until the ports open).

Counts every event SimPy schedules (timeouts, process starts and ends) and divides by the
number of messages. Run: ``python benchmarks/queue_bench.py [N ...]``; set MAILSIM_TREE to
another checkout (e.g. the main branch) to measure that code instead of this one.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, os.environ.get("MAILSIM_TREE") or str(Path(__file__).resolve().parents[1]))

from pydantic import ValidationError

from simulator.scenario import Scenario


def scenario(n: int, outage: bool, spacing: float = 1.0) -> dict[str, Any]:
    """The scenario as a dict; ``outage`` closes port 25 on both MX hosts for 2 hours."""
    mx = {"role": "server", "services": ["smtp"],
          "mta": {"mydestination": "$myhostname, $mydomain"}, "users": {"bob": {}}}
    spec: dict[str, Any] = {
        "name": "bench", "title": {"en": "bench"}, "start": "2026-04-01T09:00:00",
        "hosts": {
            "pc": {"role": "client", "ip": "198.51.100.23", "accounts": {"alice": {
                "address": "alice@example.net",
                "smtp": {"server": "mail.example.net", "user": "alice", "password": "pw"}}}},
            "mail.example.net": {"role": "server", "ip": "203.0.113.25",
                                 "services": ["smtp", "submission"],
                                 "mta": {"myorigin": "$mydomain",
                                         "mydestination": "$myhostname, $mydomain"},
                                 "users": {"alice": {"password": "pw"}}},
            "mx1.example.org": {**mx, "ip": "192.0.2.25"},
            "mx2.example.org": {**mx, "ip": "192.0.2.26"},
        },
        "links": [{"between": ["pc", "mail.example.net"], "latency": "5ms"},
                  {"between": ["mail.example.net", "mx1.example.org"], "latency": "10ms"},
                  {"between": ["mail.example.net", "mx2.example.org"], "latency": "12ms"}],
        "dns": ("example.org. MX 10 mx1.example.org.\n"
                "example.org. MX 20 mx2.example.org.\n"
                "mx1.example.org. A 192.0.2.25\nmx2.example.org. A 192.0.2.26\n"
                "mail.example.net. A 203.0.113.25"),
        "messages": [{"at": f"{i * spacing}s", "client": "pc", "from": "alice@example.net",
                      "to": ["bob@example.org"], "subject": f"m{i}", "body": "hi"}
                     for i in range(n)],
        "expect": {},
    }
    if outage:
        spec["events"] = [
            {"at": "0s", "do": "service_down", "host": h, "service": "smtp"}
            for h in ("mx1.example.org", "mx2.example.org")] + [
            {"at": "2h", "do": "service_up", "host": h, "service": "smtp"}
            for h in ("mx1.example.org", "mx2.example.org")]
    return spec


def build(spec: dict[str, Any]) -> Any:
    from simulator.world import World

    try:
        model = Scenario.model_validate(spec)
    except ValidationError:  # a simulator without fault events: the MX never listens
        spec = dict(spec, events=[])
        for name in ("mx1.example.org", "mx2.example.org"):
            spec["hosts"][name] = dict(spec["hosts"][name], services=[])
        model = Scenario.model_validate(spec)
    return World(model)


def measure(n: int, outage: bool) -> dict[str, Any]:
    world = build(scenario(n, outage))
    env = world.engine.env
    before = next(env._eid)
    t0 = time.perf_counter()
    world.run()
    wall = time.perf_counter() - t0
    events = next(env._eid) - before - 1
    statuses: dict[str, int] = {}
    for outcome in world.trace.outcomes.values():
        statuses[outcome.status] = statuses.get(outcome.status, 0) + 1
    attempts = sum(1 for h in world.trace.hops if h.action in ("relay", "connect_failed")
                   and h.src_host == "mail.example.net")
    retries = [h.t for h in world.trace.hops if h.action == "retry"]
    return {"n": n, "case": "outage" if outage else "direct", "events": events,
            "events_per_msg": events / n, "wall_s": wall, "msgs_per_s": n / wall,
            "end": world.engine.now, "outcomes": statuses, "smtp_attempts": attempts,
            "retries": len(retries), "scans": len(set(retries)),
            # what a qmgr process waking every queue_run_delay would have cost instead
            "periodic_scans": sum(1 for h in world.hosts.values() if h.mta is not None)
            * int(world.engine.now // 300)}


def main(argv: list[str]) -> None:
    import simulator

    print(f"code: {Path(simulator.__file__).parent}")
    sizes = [int(a) for a in argv] or [200, 1000]
    for n in sizes:
        for outage in (False, True):
            r = measure(n, outage)
            print(f"{r['case']:7s} n={r['n']:6d} events={r['events']:8d} "
                  f"events/msg={r['events_per_msg']:6.2f} wall={r['wall_s']:7.3f}s "
                  f"msgs/s={r['msgs_per_s']:8.0f} connections={r['smtp_attempts']} "
                  f"retries={r['retries']} scan-events={r['scans']} "
                  f"(periodic: {r['periodic_scans']}) end={r['end']:.0f}s "
                  f"outcomes={r['outcomes']}")


if __name__ == "__main__":
    main(sys.argv[1:])
