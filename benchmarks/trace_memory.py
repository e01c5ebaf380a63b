"""Memory per message of a generated day under each trace level (issue 12).

    python benchmarks/trace_memory.py --size 10000 --trace full,compact

For each level: bench.py's workload of N messages is built and run once under tracemalloc;
printed are the peak traced bytes divided by N (the world is alive at the end of the run,
so this is what the trace and the mailboxes keep, plus the fixed cost of the imports) and
the share of it the three largest allocating lines hold. Timing is not measured here
(tracemalloc slows a run several times); bench.py measures throughput.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tracemalloc
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import load


def measure(n: int, level: str) -> tuple[float, list[str]]:
    loaded = load(n)
    gc.collect()
    tracemalloc.start()
    world = loaded.build().run(trace=level)  # type: ignore[arg-type]
    _, peak = tracemalloc.get_traced_memory()
    top = tracemalloc.take_snapshot().statistics("lineno")[:3]
    tracemalloc.stop()
    del world
    return peak / n, [f"{s.size / n:7,.0f} B/msg {s.traceback}" for s in top]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--trace", default="full,compact", help="comma-separated levels")
    args = parser.parse_args(argv)
    for level in args.trace.split(","):
        per_msg, top = measure(args.size, level)
        print(f"N={args.size:,} --trace {level}: peak {per_msg:,.0f} B/msg", flush=True)
        for line in top:
            print("    " + line)


if __name__ == "__main__":
    main()
