"""benchmarks/bench.py works (tiny size); its timings are never asserted."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from simulator.scenario_workload import WorkloadFeed

ROOT = Path(__file__).resolve().parents[2]


def test_benchmark_runs_at_tiny_size(capsys) -> None:  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench", ROOT / "benchmarks" / "bench.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    rows = bench.main(["--sizes", "40", "--startup-runs", "0"])
    assert [r["n"] for r in rows] == [40]
    assert rows[0]["mailsim"] > 0 and rows[0]["bare"] > 0 and rows[0]["mailsim_bytes"] > 0
    assert "N=       40: mailsim (--trace full)" in capsys.readouterr().out
    # --trace auto: a day of 10^6 is run keeping outcomes and statistics only
    assert [bench.level_for(n, "auto") for n in (10_000, 100_000, 1_000_000)] == [
        "full", "full", "summary"]
    assert bench.level_for(1_000_000, "compact") == "compact"
    assert bench.run_mailsim(bench.load(40), "summary") == bench.run_mailsim(bench.load(40))
    loaded = bench.load(40)
    trace = bench.run_bare(loaded)
    unknown = sum(a.rcpt.startswith("nobody") for a in WorkloadFeed(loaded.spec))
    assert len([t for t in trace if t[4] == "pass"]) == 40 * bench.HOPS + unknown * bench.HOPS // 2
