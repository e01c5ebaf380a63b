"""Throughput benchmark: the real pipeline against a bare SimPy model of the same flow.

    python benchmarks/bench.py 2000 20000

For each N: N messages from alice-pc through the MSA and the receiving MX into an mbox
(scenario 01's network, no fetch). Reports messages/s, SimPy events per message and trace
bytes per message, next to the bare model DESIGN.md §7 describes (one process per message,
one timeout per hop, a tuple appended per hop).
"""

from __future__ import annotations

import gc
import sys
import time
import tracemalloc
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from simulator.scenario import Scenario  # noqa: E402
from simulator.world import World  # noqa: E402


def scenario(n: int) -> Scenario:
    data = yaml.safe_load((ROOT / "scenarios/01-basic-delivery.yaml").read_text())
    data["fetches"] = []
    data["expect"] = {}
    data["messages"] = [{"at": f"{i * 10}ms", "client": "alice-pc", "from": "alice@example.net",
                         "to": ["bob@example.org"], "subject": f"message {i}", "body": "hello\n"}
                        for i in range(n)]
    return Scenario.model_validate(data)


def real(n: int) -> tuple[float, float, float]:
    """(messages/s, SimPy events per message, peak bytes per message); the memory is
    measured in a second run, since tracemalloc slows everything down."""
    spec = scenario(n)
    start = time.perf_counter()
    world = World(spec)
    world.run()
    elapsed = time.perf_counter() - start
    events = next(world.engine.env._eid)  # SimPy's event counter
    delivered = sum(o.status == "delivered" for o in world.trace.outcomes.values())
    assert delivered == n, f"only {delivered} of {n} delivered"
    tracemalloc.start()
    World(spec).run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return n / elapsed, events / n, peak / n


def bare(n: int) -> float:
    import simpy

    env = simpy.Environment()
    trace: list[tuple] = []

    def message(i: int):  # type: ignore[no-untyped-def]
        yield env.timeout(i * 0.01)
        for hop in range(10):
            yield env.timeout(0.01)
            trace.append((env.now, i, hop, "host", "actor", "action"))

    start = time.perf_counter()
    for i in range(n):
        env.process(message(i))
    env.run()
    return n / (time.perf_counter() - start)


def main() -> None:
    for n in [int(x) for x in sys.argv[1:]] or [1000]:
        gc.collect()
        reference = bare(n)  # first, on a clean heap: the real run leaves much to collect
        gc.collect()
        rate, events, mem = real(n)
        print(f"N={n}: mailsim {rate:,.0f} msg/s ({rate / reference:.1%} of the bare SimPy "
              f"model's {reference:,.0f} msg/s), {events:.1f} SimPy events/msg, "
              f"{mem:,.0f} bytes/msg peak (mailbox contents included)")


if __name__ == "__main__":
    main()
