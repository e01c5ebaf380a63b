"""mailsim sweep: the same table serially, on 1 or 2 Dask workers and on an existing cluster;
bad --set paths and values refused in one line; failed runs reported, the others kept."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import simulator.sweep as sweep_module
from simulator.cli import app
from simulator.sweep import Sweep, SweepError, parse_seeds

pd = pytest.importorskip("pandas")
distributed = pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parents[2]
LAB = str(ROOT / "scenarios" / "31-all-mx-down-2h.yaml")
BACKOFF = "hosts.mail.example.net.mta.maximal_backoff_time"
SET = f"{BACKOFF}=1000s,4000s"
VARY = "events[2].at=1h..3h"  # mx1 back after an outage of another length for each seed


def plan() -> Sweep:
    return Sweep.prepare(LAB, "1-3", [SET], [VARY])


@pytest.fixture(scope="module")
def serial_table() -> Any:
    return plan().run(serial=True).table()


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """A small in-process Dask cluster started by the test, closed after the module."""
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                       dashboard_address=None, scheduler_port=0)
    try:
        yield cluster
    finally:
        cluster.close()


def test_seeds_ranges_and_lists() -> None:
    assert parse_seeds("1-3,7,2") == [1, 2, 3, 7]
    assert parse_seeds("1-100")[-1] == 100
    with pytest.raises(SweepError, match="--seeds"):
        parse_seeds("5-1")


def test_the_cross_product_is_seeds_times_values() -> None:
    serial_table = Sweep.prepare(LAB, "1-3", [SET]).run(serial=True).table()
    assert len(serial_table) == 6
    assert list(serial_table[BACKOFF]) == ["1000s"] * 3 + ["4000s"] * 3
    assert list(serial_table["seed"]) == [1, 2, 3] * 2
    assert (serial_table["delivered"] == 1).all()
    # a shorter maximal_backoff_time retries more often and delivers sooner (qmgr(8))
    short, long_ = (serial_table[serial_table[BACKOFF] == v] for v in ("1000s", "4000s"))
    assert short["retries"].min() > long_["retries"].max()
    assert short["delay_max"].max() < long_["delay_max"].min()


def test_a_varied_outage_is_drawn_per_seed_the_same_for_each_setting(serial_table: Any) -> None:
    drawn = serial_table["events[2].at"].tolist()
    assert drawn[:3] == drawn[3:] and len(set(drawn[:3])) == 3
    assert all(3600 <= int(v.rstrip("s")) <= 10800 for v in drawn)


def test_one_worker_gives_the_serial_table(serial_table: Any) -> None:
    pd.testing.assert_frame_equal(plan().run(workers=1).table(), serial_table)


def test_two_workers_give_the_serial_table(serial_table: Any) -> None:
    pd.testing.assert_frame_equal(plan().run(workers=2).table(), serial_table)


def test_an_existing_cluster_gives_the_serial_table(serial_table: Any, cluster: Any) -> None:
    result = plan().run(scheduler=cluster.scheduler_address)
    pd.testing.assert_frame_equal(result.table(), serial_table)


def test_the_scheduler_option_on_the_command_line(cluster: Any) -> None:
    done = CliRunner().invoke(app, ["sweep", LAB, "--seeds", "1-2", "--set", SET,
                                    "--scheduler", cluster.scheduler_address, "--width", "200"])
    assert done.exit_code == 0, done.output
    assert "maximal_backoff_time=1000s" in done.output


def test_an_unreachable_scheduler_is_one_clear_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sweep_module, "CONNECT_TIMEOUT", "1s")
    done = CliRunner().invoke(app, ["sweep", LAB, "--scheduler", "tcp://127.0.0.1:9"])
    assert done.exit_code != 0
    assert "--scheduler tcp://127.0.0.1:9: cannot reach a Dask scheduler" in done.output
    assert "Traceback" not in done.output


@pytest.mark.parametrize(("setting", "expected"), [
    ("hosts.mx.mta.maximal_backoff_time=1s",
     "--set hosts.mx.mta.maximal_backoff_time: unknown host 'mx'"),
    (f"{BACKOFF}=soon", f"--set {BACKOFF}"),
    ("hosts.mail.example.net.mta.no_such_parameter=1", "no_such_parameter"),
    ("nonsense", "--set"),
])
def test_bad_settings_are_refused_in_one_clear_line(setting: str, expected: str) -> None:
    done = CliRunner().invoke(app, ["sweep", LAB, "--serial", "--set", setting])
    assert done.exit_code != 0
    assert expected in done.output
    assert "Traceback" not in done.output


def test_a_bad_value_names_the_expected_type() -> None:
    with pytest.raises(SweepError) as caught:
        Sweep.prepare(LAB, "1", [f"{BACKOFF}=soon"])
    assert str(caught.value).startswith(f"--set {BACKOFF}")
    assert len(str(caught.value).splitlines()) == 1


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_the_table_is_written_and_read_back(suffix: str, tmp_path: Path,
                                            serial_table: Any) -> None:
    out = tmp_path / f"runs{suffix}"
    done = CliRunner().invoke(app, ["sweep", LAB, "--seeds", "1-3", "--set", SET, "--vary", VARY,
                                    "--serial", "--out", str(out)])
    assert done.exit_code == 0, done.output
    back = pd.read_parquet(out) if suffix == ".parquet" else pd.read_csv(out)
    assert list(back.columns) == list(serial_table.columns)
    assert back["retries"].tolist() == serial_table["retries"].tolist()
    assert back[BACKOFF].tolist() == serial_table[BACKOFF].tolist()
    assert back["events[2].at"].tolist() == serial_table["events[2].at"].tolist()
    assert back["delay_max"].tolist() == pytest.approx(serial_table["delay_max"].tolist())


def test_a_wrong_out_suffix_is_refused_before_running(tmp_path: Path) -> None:
    done = CliRunner().invoke(app, ["sweep", LAB, "--serial", "--out", str(tmp_path / "x.xls")])
    assert done.exit_code != 0
    assert "expected a file name ending in .parquet or .csv" in done.output


def test_plot_writes_a_png(tmp_path: Path) -> None:
    png = tmp_path / "delay.png"
    done = CliRunner().invoke(app, ["sweep", LAB, "--seeds", "1-2", "--set", SET, "--serial",
                                    "--plot", str(png)])
    assert done.exit_code == 0, done.output
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def _failing_on_seed_2(monkeypatch: pytest.MonkeyPatch) -> None:
    """A test-only hook: the run with seed 2 raises (as a bug in one run would)."""
    real = sweep_module.summarise

    def summarise(world: Any) -> dict[str, Any]:
        if world.engine.seed == 2:
            raise RuntimeError("injected failure")
        return real(world)

    monkeypatch.setattr(sweep_module, "summarise", summarise)


def test_a_failed_run_is_reported_and_the_others_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    _failing_on_seed_2(monkeypatch)
    done = CliRunner().invoke(app, ["sweep", LAB, "--seeds", "1-3", "--set", SET, "--serial",
                                    "--width", "200"])
    assert done.exit_code == 1
    assert "seed 2" in done.output and "1000s" in done.output
    assert "RuntimeError: injected failure" in done.output
    assert "Traceback" not in done.output


def test_a_failed_run_on_a_cluster_keeps_the_others(monkeypatch: pytest.MonkeyPatch,
                                                    cluster: Any) -> None:
    _failing_on_seed_2(monkeypatch)  # the in-process workers share this module
    result = plan().run(scheduler=cluster.scheduler_address)
    assert [(f.seed, f.values[0]) for f in result.failures] == [(2, "1000s"), (2, "4000s")]
    assert [r["seed"] for r in result.records] == [1, 3, 1, 3]


def test_no_progress_bar_when_stderr_is_not_a_terminal() -> None:
    done = subprocess.run([sys.executable, "-m", "simulator", "sweep", LAB, "--seeds", "1-2",
                           "--serial"], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "delay p50" in done.stdout

