"""What still grows per message under ``--trace summary`` (issue 12): bounded memory.

    python benchmarks/summary_memory.py --size 20000,40000 --trace summary

For each size N: bench.py's workload (``load(n)``, a generated ISP day) is built and run
under tracemalloc; printed are the bytes the run left allocated at its end (the world is
alive, so this is what the trace, the queues and the mailboxes keep) divided by N, the
peak over the run, and the lines that allocated the most. With two or more sizes, the
growth per message between consecutive sizes is printed too, line by line: a structure
that is bounded shows ~0 B/msg there, one that grows with N shows its cost per message.
The live per-message structures (outcomes kept, queue IDs remembered, Message-ID keys)
are counted as well. Timing is not measured (tracemalloc slows a run several times).
"""

from __future__ import annotations

import argparse
import gc
import sys
import tracemalloc
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import load

TOP = 8


def live_counts(world: Any) -> dict[str, int]:
    """The sizes of the structures that could grow with the number of messages."""
    ids = 0
    for host in world.hosts.values():
        if host.mta is not None:
            ids += len(getattr(host.mta.cleanup.ids, "_seen", ()))
    return {"outcomes": len(world.trace.outcomes), "queue_ids": ids,
            "msg_keys": len(world.msg_keys), "deferred": len(world.trace.stats.deferred),
            "fs_files": sum(len(h.fs.files) for h in world.hosts.values()),
            "delays": len(world.trace.stats.delays)}


def measure(n: int, level: str) -> tuple[int, int, tracemalloc.Snapshot, dict[str, int]]:
    """(bytes left at the end, peak bytes, the snapshot, the live counts) of one run."""
    loaded = load(n)
    gc.collect()
    tracemalloc.start(1)
    world = loaded.build().run(trace=level)  # type: ignore[arg-type]
    gc.collect()
    current, peak = tracemalloc.get_traced_memory()
    snapshot = tracemalloc.take_snapshot()
    tracemalloc.stop()
    counts = live_counts(world)
    del world
    return current, peak, snapshot, counts


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", default="20000,40000", help="comma-separated message counts")
    parser.add_argument("--trace", default="summary", help="full, compact or summary")
    args = parser.parse_args(argv)
    load(200).build().run(trace=args.trace)  # imports and caches first, not counted
    previous: tuple[int, int, tracemalloc.Snapshot] | None = None
    for n in (int(s) for s in args.size.split(",")):
        current, peak, snapshot, counts = measure(n, args.trace)
        print(f"N={n:,} --trace {args.trace}: left {current / n:,.0f} B/msg "
              f"({current / 1e6:,.1f} MB), peak {peak / n:,.0f} B/msg ({peak / 1e6:,.1f} MB)",
              flush=True)
        print("    live: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
        for stat in snapshot.statistics("lineno")[:TOP]:
            print(f"    {stat.size / n:7,.1f} B/msg {stat.traceback}")
        if previous is not None:
            m, left, before = previous
            print(f"  growth {m:,} -> {n:,}: {(current - left) / (n - m):,.1f} B/msg; by line:")
            for stat in snapshot.compare_to(before, "lineno")[:TOP]:
                print(f"    {stat.size_diff / (n - m):7,.1f} B/msg {stat.traceback}")
        previous = (n, current, snapshot)


if __name__ == "__main__":
    main()
