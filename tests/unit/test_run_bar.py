"""A long run under a bar of simulated time (render/playback.py run_with_bar): the same
run as world.run(), with the bar drawn only on a terminal."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console
from typer.testing import CliRunner

from simulator.cli import app
from simulator.render.playback import run_with_bar
from simulator.scenario import load_scenario
from tests.generated import day_file

ROOT = Path(__file__).resolve().parents[2]
LAB = ROOT / "scenarios" / "31-all-mx-down-2h.yaml"  # retries over hours: many slices


def _outcomes(world) -> list[tuple]:  # type: ignore[no-untyped-def]
    return sorted((o.msg, o.recipient, o.status, o.t, o.where) for o in world.trace.outcomes.values())


def test_the_bar_run_is_the_plain_run_and_draws_on_a_terminal() -> None:
    loaded = load_scenario(LAB)
    plain = loaded.build(trace="summary").run()
    out = io.StringIO()
    terminal = Console(file=out, force_terminal=True, width=100)
    barred = run_with_bar(loaded.build(trace="summary"), None, "en", terminal)
    assert _outcomes(barred) == _outcomes(plain)
    assert barred.engine.now == plain.engine.now
    assert barred.trace.stats.counts == plain.trace.stats.counts
    assert "simulated time" in out.getvalue()  # the bar was drawn


def test_no_bar_where_stderr_is_not_a_terminal() -> None:
    loaded = load_scenario(LAB)
    out = io.StringIO()
    world = run_with_bar(loaded.build(trace="summary"), "1h", "ja", Console(file=out))
    assert out.getvalue() == "" and world.engine.now == 3600.0


def test_summary_refuses_what_needs_hops() -> None:
    runner = CliRunner()
    for option in (["--step"], ["--msg", "m1"]):
        result = runner.invoke(app, ["run", str(LAB), "--trace", "summary", *option])
        assert result.exit_code == 1
        assert "--trace summary keeps none" in result.output
    result = runner.invoke(app, ["run", str(LAB), "--trace", "summary", "--follow"])
    assert result.exit_code == 0 and "Run summary: 1 message(s)" in result.output


def test_the_bar_run_stops_at_until_as_the_plain_run_does() -> None:
    loaded = load_scenario(LAB)
    plain = loaded.build(trace="summary").run("1h")
    terminal = Console(file=io.StringIO(), force_terminal=True, width=100)
    barred = run_with_bar(loaded.build(trace="summary"), "1h", "en", terminal)
    assert barred.engine.now == plain.engine.now == 3600.0
    assert _outcomes(barred) == _outcomes(plain)


def test_a_day_without_expectations_prints_no_check_count(tmp_path: Path) -> None:
    from simulator.generate import Workload

    day = day_file(tmp_path, Workload(messages=30, users=6, domains=2, seed=2))
    for trace in ("summary", "full"):
        result = CliRunner().invoke(app, ["run", str(day), "--trace", trace])
        assert result.exit_code == 0, result.output
        assert ("Run summary" in result.output) is (trace == "summary")
        assert "expectations:" not in result.output
    result = CliRunner().invoke(app, ["run", str(LAB), "--trace", "summary"])
    assert "expectations: " in result.output  # a lab still counts its checks
