"""Throughput benchmark: mailsim on a generated ISP day against a bare SimPy model of it.

    python benchmarks/bench.py --sizes 10000,100000

For each size N, in this one process: ``mailsim generate``'s workload (N messages, users
over domains, 2% unknown recipients, mx.d01.example down 10:00-12:00) is run by mailsim
with its full trace, then by the bare model DESIGN.md §7 describes, written here: one
SimPy process per message, one timeout per hop, a tuple appended per hop, Postfix's
backoff (clamp(age, 300 s, 4000 s)) while the MX is down, a bounce's hops for an unknown
recipient. Printed: messages/s of each and their ratio. Memory (bytes per message, peak
over the run) is measured in a separate pass under tracemalloc, only at --memory-size
(default: the smallest size), because tracemalloc slows both runs several times.
Start-up: ``python -c pass``, ``mailsim --help`` and ``mailsim run scenarios/01-...``,
each as a subprocess, best of --startup-runs.
"""

from __future__ import annotations

import argparse
import gc
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from simulator.generate import Workload, generate, parse_outage
from simulator.scenario import LoadedScenario, load_scenario
from simulator.scenario_workload import WorkloadFeed

OUTAGE = "10:00-12:00"
HOPS = 10  # hops of a first-time delivery in the bare model (mailsim records ~13)
HOP_TIME = 0.01


def workload(n: int) -> Workload:
    return Workload(messages=n, users=max(20, min(n // 20, 2000)), domains=20, unknown=0.02,
                    outage=parse_outage(OUTAGE), seed=1)


def load(n: int) -> LoadedScenario:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "day.yaml"
        path.write_text(generate(workload(n)))
        return load_scenario(path)


SUMMARY_FROM = 1_000_000  # --trace auto: full below this size, summary from it on


def level_for(n: int, trace: str) -> str:
    """The trace level mailsim runs N messages with: ``auto`` keeps the full trace (every
    hop, dialogue, maillog line and mailbox byte) up to 10^5 and only outcomes and
    statistics (--trace summary) at 10^6, as a user would run a day of that size."""
    if trace != "auto":
        return trace
    return "summary" if n >= SUMMARY_FROM else "full"


def run_mailsim(loaded: LoadedScenario, trace: str = "full") -> dict[str, int]:
    world = loaded.build(trace=trace).run()  # type: ignore[arg-type]
    # the run statistics: under --trace summary the final outcomes themselves are dropped
    return {status: n for status, n in world.trace.stats.counts.items() if n}


def run_bare(loaded: LoadedScenario) -> list[tuple[Any, ...]]:
    """The same messages through a bare SimPy model; returns its trace of tuples."""
    import simpy

    env = simpy.Environment()
    trace: list[tuple[Any, ...]] = []
    down_from, down_to = parse_outage(OUTAGE)

    def message(i: int, rcpt: str):  # type: ignore[no-untyped-def]
        at = env.now
        for hop in range(HOPS // 2):  # MUA → MSA → cleanup → qmgr → smtp
            yield env.timeout(HOP_TIME)
            trace.append((env.now, i, hop, "msa", "pass"))
        while rcpt.endswith("@d01.example") and down_from <= env.now < down_to:
            trace.append((env.now, i, -1, "smtp", "deferred"))  # Postfix qmgr backoff
            yield env.timeout(min(max(env.now - at, 300.0), 4000.0))
        for hop in range(HOPS // 2, HOPS):  # smtp → MX smtpd → cleanup → qmgr → local
            yield env.timeout(HOP_TIME)
            trace.append((env.now, i, hop, "mx", "pass"))
        if rcpt.startswith("nobody"):  # 550 5.1.1, a bounce back to the sender
            for hop in range(HOPS // 2):
                yield env.timeout(HOP_TIME)
                trace.append((env.now, i, hop, "bounce", "pass"))

    def feed():  # type: ignore[no-untyped-def]
        # drawn one at a time as the clock reaches each, as mailsim's workload feed does
        for i, a in enumerate(WorkloadFeed(loaded.spec)):
            if a.at > env.now:
                yield env.timeout(a.at - env.now)
            env.process(message(i, a.rcpt))

    env.process(feed())
    env.run()
    return trace


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process): on a shared machine the CPU time is
    the steadier figure, since waiting for a core counts in the wall time only."""
    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - start, time.process_time() - cpu


def high_water_mb(field: str = "VmHWM") -> float | None:
    """The process's peak resident memory since the last reset_high_water() (Linux's
    VmHWM in /proc/self/status; VmRSS: the resident memory now), in MB; None where /proc
    has no such line."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def rss_growth(fn: Callable[[], object]) -> tuple[float, float, float | None, float | None]:
    """timed(fn) and what it made the process grow: (wall s, CPU s, peak RSS MB, peak RSS
    over the resident memory before it, MB). Without tracemalloc, so at full speed: the
    figure for sizes too large to trace."""
    reset_high_water()
    before = high_water_mb("VmRSS")
    wall, cpu = timed(fn)
    peak = high_water_mb()
    return wall, cpu, peak, None if peak is None or before is None else peak - before


def reset_high_water() -> None:
    """Writing 5 to /proc/self/clear_refs resets VmHWM to the current RSS (proc(5)), so
    the next reading is the peak of what ran since, not of the bare model before it."""
    gc.collect()
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def peak_bytes(fn: Callable[[], object]) -> int:
    gc.collect()
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def measure(n: int, memory: bool, trace: str = "auto") -> dict[str, Any]:
    loaded, level = load(n), level_for(n, trace)
    bare_s, bare_cpu, _, bare_grew = rss_growth(lambda: run_bare(loaded))  # first
    real_s, real_cpu, rss, real_grew = rss_growth(lambda: run_mailsim(loaded, level))
    row: dict[str, Any] = {"n": n, "trace": level, "mailsim": n / real_s, "bare": n / bare_s,
                           "mailsim_cpu": n / real_cpu, "bare_cpu": n / bare_cpu,
                           "mailsim_seconds": real_s, "mailsim_rss_mb": rss,
                           "mailsim_rss_bytes": _per(real_grew, n),
                           "bare_rss_bytes": _per(bare_grew, n)}
    if memory:
        row["mailsim_bytes"] = peak_bytes(lambda: run_mailsim(loaded, level)) / n
        row["bare_bytes"] = peak_bytes(lambda: run_bare(loaded)) / n
    return row


def startup(runs: int) -> dict[str, float]:
    """Best wall time of each command, in seconds (a fresh interpreter every time)."""
    mailsim = str(Path(sys.executable).parent / "mailsim")
    commands = {"python -c pass": [sys.executable, "-c", "pass"],
                "mailsim --help": [mailsim, "--help"],
                "mailsim run scenarios/01": [mailsim, "run",
                                             str(ROOT / "scenarios/01-basic-delivery.yaml")]}
    best = {}
    for name, argv in commands.items():
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(argv, capture_output=True, check=True, cwd=ROOT)
            times.append(time.perf_counter() - start)
        best[name] = min(times)
    return best


def _per(mb: float | None, n: int) -> float | None:
    # never below 0: memory the bare model freed, still held by the process, is reused
    return None if mb is None else max(0.0, mb) * 1024 * 1024 / n


def report(row: dict[str, Any]) -> str:
    line = (f"N={int(row['n']):>9,}: mailsim (--trace {row.get('trace', 'full')}) "
            f"{row['mailsim']:>8,.0f} msg/s, bare SimPy "
            f"{row['bare']:>8,.0f} msg/s, ratio {row['mailsim'] / row['bare']:6.1%}"
            f" (per CPU second: {row['mailsim_cpu']:,.0f} against {row['bare_cpu']:,.0f});"
            f" mailsim took {row['mailsim_seconds']:,.0f} s")
    if row.get("mailsim_rss_mb") is not None:
        line += f", peak RSS {row['mailsim_rss_mb']:,.0f} MB"
    if row.get("mailsim_rss_bytes") is not None and row.get("bare_rss_bytes") is not None:
        line += (f"; RSS growth {row['mailsim_rss_bytes']:,.0f} B/msg against "
                 f"{row['bare_rss_bytes']:,.0f} B/msg")
    if "mailsim_bytes" in row:
        line += (f"; peak memory {row['mailsim_bytes']:,.0f} B/msg against "
                 f"{row['bare_bytes']:,.0f} B/msg (tracemalloc, separate pass)")
    return line


def main(argv: Sequence[str] | None = None) -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000", help="comma-separated message counts")
    parser.add_argument("--memory-size", type=int, default=None,
                        help="the size measured under tracemalloc (default: the smallest; 0: none)")
    parser.add_argument("--startup-runs", type=int, default=5, help="0: skip start-up times")
    parser.add_argument("--trace", default="auto", choices=["auto", "full", "compact", "summary"],
                        help="mailsim's trace level (auto: full below 10^6 messages, summary "
                             "from 10^6 on)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    memory_size = min(sizes) if args.memory_size is None else args.memory_size
    rows = []
    for n in sizes:
        rows.append(measure(n, memory=n == memory_size, trace=args.trace))
        print(report(rows[-1]), flush=True)
    if args.startup_runs:
        best = startup(args.startup_runs)
        base = best["python -c pass"]
        for name, t in best.items():
            print(f"start-up {name:<26} {t * 1000:6.0f} ms ({(t - base) * 1000:+5.0f} ms over "
                  f"python -c pass), best of {args.startup_runs}")
    return rows


if __name__ == "__main__":
    main()
