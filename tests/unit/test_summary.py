"""--trace summary and the run statistics: the same outcomes as a full trace, counted while
the run goes; the workload fed lazily draws exactly what the eager expansion drew."""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from simulator.cli import app
from simulator.generate import Workload, parse_outage
from simulator.model.runstats import RunStats, percentile
from simulator.scenario import load_scenario
from simulator.scenario_workload import DAY_SHAPE, WorkloadFeed, expand
from tests.generated import day_file

ROOT = Path(__file__).resolve().parents[2]
LABS = ["01-basic-delivery", "20-aliases", "26-loops", "31-all-mx-down-2h", "33-greylisting",
        "34-nxdomain-bounce", "38-double-bounce", "24-forward-keep-copy"]
SMALL = Workload(messages=120, users=12, domains=3, unknown=0.1,
                 outage=parse_outage("01:00-03:00"), seed=7)


def _day(tmp_path: Path, w: Workload = SMALL) -> Path:
    return day_file(tmp_path, w)


def _eager_reference(seed: int, n: int, addresses: list[str], unknown: float,
                     first: int) -> list[tuple[str, float, str, str]]:
    """The expansion as main did it before the feed (kept here as the reference)."""
    rng = random.Random(seed)
    hours = rng.choices(range(24), weights=DAY_SHAPE, k=n)
    times = sorted(h * 3_600_000 + rng.randrange(3_600_000) for h in hours)
    out = []
    for k, at in enumerate(times, start=first + 1):
        sender = addresses[rng.randrange(len(addresses))]
        rcpt = addresses[rng.randrange(len(addresses))]
        if rng.random() < unknown:
            rcpt = f"nobody{k}@{rcpt.rsplit('@', 1)[1]}"
        out.append((f"m{k}", at / 1000, sender, rcpt))
    return out


def test_the_feed_draws_exactly_what_the_expansion_drew(tmp_path: Path) -> None:
    spec = load_scenario(_day(tmp_path, Workload(messages=70_000, users=30, domains=3,
                                                 unknown=0.2, seed=3))).spec
    assert spec.workload is not None and spec.messages == []  # nothing expanded at load
    addresses = [a.address for a in spec.hosts["pcs"].accounts.values()]
    want = _eager_reference(3, 70_000, addresses, 0.2, 0)
    assert [tuple(a) for a in WorkloadFeed(spec)] == want  # more than one CHUNK of hours
    assert [(m.subject, m.at, m.from_, m.to[0]) for m in expand(spec, 50)] == want[:50]


def test_each_fed_message_is_submitted_at_its_arrival(tmp_path: Path) -> None:
    loaded = load_scenario(_day(tmp_path))
    world = loaded.build().run()
    first = {}
    for hop in world.trace.hops:
        first.setdefault(hop.msg, hop.t)
    feed = list(WorkloadFeed(loaded.spec))
    assert len(feed) == 120
    # the MUA's first step (its DNS query for the MSA) starts at the arrival, exactly
    assert all(first[a.key] == pytest.approx(a.at + world.dns_rtt, abs=1e-9) for a in feed)
    assert loaded.build().run().trace.hops == world.trace.hops  # same seed, same trace


def _outcomes(world) -> list[tuple]:  # type: ignore[no-untyped-def]
    return sorted((o.msg, o.recipient, o.status, o.t, o.host, o.where, o.dsn, o.next_try)
                  for o in world.trace.outcomes.values())


@pytest.mark.parametrize("lab", LABS)
def test_summary_counts_equal_the_full_traces_outcomes(lab: str) -> None:
    loaded = load_scenario(ROOT / "scenarios" / f"{lab}.yaml")
    full, summary = loaded.build().run(), loaded.build(trace="summary").run()
    assert _outcomes(summary) == _outcomes(full)
    counts = Counter(o.status for o in full.trace.outcomes.values())
    stats = summary.trace.stats
    assert {k: v for k, v in stats.counts.items() if v} == dict(counts)
    assert stats.counts == full.trace.stats.counts
    assert summary.trace.hops == [] and summary.trace.sessions == []
    # the maillog is kept only when a command of the lab may read it
    assert (summary.trace.logs == []) is (not loaded.spec.commands)
    assert (summary.trace.logs == []) is (not summary.trace.keeps_logs)


def test_summary_keeps_no_mailbox_bytes_but_counts_them(tmp_path: Path) -> None:
    loaded = load_scenario(_day(tmp_path))  # nothing fetches, nothing looks into a mailbox
    full, summary = loaded.build().run(), loaded.build(trace="summary").run()
    assert not summary.keeps_mail_bytes and full.keeps_mail_bytes
    assert sum(sum(h.fs.appended.values()) for h in summary.hosts.values()) > 0
    seen = 0
    for name, host in full.hosts.items():
        other = summary.hosts[name].fs
        for path in full.mailbox_paths(host):
            if not path.endswith("/"):
                assert other.read(path) == b""
                assert other.appended[path] == len(host.fs.read(path) or b"")
                seen += 1
    assert seen > 0


LAB_FILES = sorted((ROOT / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("level", ["compact", "summary"])
@pytest.mark.parametrize("path", LAB_FILES, ids=[p.stem for p in LAB_FILES])
def test_each_level_runs_each_lab_as_the_full_trace_does(path: Path, level: str) -> None:
    """The trace level changes what is kept, never what happens: a lab that fetches, runs
    commands or looks into mailboxes keeps their bytes, and every expectation that does not
    read dialogues or maillog lines comes out as it does with the full trace."""
    from simulator.expect import check

    loaded = load_scenario(path)
    full, summary = loaded.build().run(), loaded.build(trace=level).run()  # type: ignore[arg-type]
    assert _outcomes(summary) == _outcomes(full)
    spec = loaded.spec
    if spec.fetches or spec.commands or spec.expect.mailboxes or spec.expect.fetched:
        assert summary.keeps_mail_bytes
    assert [f.__dict__ if hasattr(f, "__dict__") else f for f in summary.trace.fetches] == [
        f.__dict__ if hasattr(f, "__dict__") else f for f in full.trace.fetches]
    # the step checks (hops) and the text checks come last, and only under full
    unchecked = len(spec.expect.replies) + len(spec.expect.log)
    unchecked += len(spec.expect.actions) if level == "summary" else 0
    got, want = check(summary), check(full)
    assert got == want[:len(want) - unchecked]


def test_deferrals_and_delays_are_counted(tmp_path: Path) -> None:
    world = load_scenario(_day(tmp_path)).build(trace="summary").run()
    data = world.trace.stats.summary(world.engine.now)
    full = load_scenario(_day(tmp_path)).build().run()
    assert data["deferred"] > 0 and data["bounced"] > 0  # the outage, the unknown users
    assert data["deferred"] == full.trace.stats.summary(full.engine.now)["deferred"]
    delivered_originals = [o for o in full.trace.outcomes.values()
                           if o.status == "delivered" and "." not in o.msg]
    assert data["delay"]["count"] == len(delivered_originals)
    longest = max(o.t - full.arrival(o.msg) for o in delivered_originals)  # type: ignore[operator]
    assert data["delay"]["max"] == round(longest, 3)
    assert data["delay"]["max"] >= 300  # deferred mail waits for a deferred-queue scan


def test_percentiles_on_a_hand_built_run() -> None:
    arrivals = {f"m{i}": 0.0 for i in range(1, 11)}
    stats = RunStats(arrivals.get)
    for i in range(1, 11):  # m1 takes 1 s ... m10 takes 10 s
        stats.change(float(i), None, "queued", f"m{i}", "a@x")
        stats.change(float(i), "queued", "delivered", f"m{i}", "a@x")
    stats.change(11.0, None, "delivered", "m1.bounce", "b@x")  # not a scenario message
    data = stats.summary(11.0)
    assert data["delay"] == {"count": 10, "p50": 5.0, "p90": 9.0, "p99": 10.0, "max": 10.0}
    assert data["delivered"] == 11 and data["queued"] == 0
    assert percentile([], 50) is None and percentile([3.0], 99) == 3.0


def test_queue_samples_stay_bounded() -> None:
    stats = RunStats(every=1.0, keep=8)
    for t in range(1000):
        stats.change(float(t), None, "queued", f"m{t}", "a@x")
    assert len(stats.samples) <= 8 and stats.every >= 128
    assert stats.peak == 1000 and stats.samples[0] == (0.0, 1)
    times = [t for t, _ in stats.samples]
    assert times == sorted(times) and times[-1] > 500


def test_cli_summary_terminal_json_and_html(tmp_path: Path) -> None:
    day = _day(tmp_path)
    out = CliRunner().invoke(app, ["run", str(day), "--trace", "summary", "--width", "80"])
    assert out.exit_code == 0, out.output
    assert "Run summary: 120 message(s) (trace: summary)" in out.output
    assert "delivered mail's bytes are not in the mailboxes" in " ".join(out.output.split())
    assert max(len(line) for line in out.output.splitlines()) <= 80
    ja = CliRunner().invoke(app, ["run", str(day), "--trace", "summary", "--lang", "ja"])
    assert "実行のまとめ: 120 通" in ja.output
    js = CliRunner().invoke(app, ["run", str(day), "--trace", "summary", "--json"])
    records = [json.loads(line) for line in js.output.splitlines()]
    assert {r["record"] for r in records} == {"outcome", "summary"}
    summary = records[-1]
    assert summary["record"] == "summary" and summary["messages"] == 120
    assert summary["delivered"] == sum(r.get("status") == "delivered" for r in records)
    page = tmp_path / "r.html"
    html = CliRunner().invoke(app, ["run", str(day), "--trace", "summary", "--html", str(page)])
    assert html.exit_code == 0
    text = page.read_text()
    assert 'id="summary-section"' in text and '<svg id="queue-plot"' in text
    assert f'<td>{summary["delivered"]}</td>' in text


def test_summary_view_of_a_full_trace() -> None:
    lab = str(ROOT / "scenarios" / "31-all-mx-down-2h.yaml")
    out = CliRunner().invoke(app, ["run", lab, "--view", "summary", "--width", "80"])
    assert out.exit_code == 0 and "(trace: full)" in out.output
    assert "no hops, dialogues" not in out.output  # a full trace kept everything
    js = CliRunner().invoke(app, ["run", lab, "--json"]).output.splitlines()
    assert json.loads(js[-1])["record"] == "outcome"  # the full --json is unchanged
