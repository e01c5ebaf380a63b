"""--trace summary in bounded memory (model/retention.py): a fed message's finished outcomes
are dropped once no queue file carries it, and dropping never changes what is counted."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from simulator.agents.mta.queue import QueueIds
from simulator.cli import app
from simulator.expect import check
from simulator.generate import Workload, parse_outage
from simulator.render.console import outcome_lines
from simulator.render.html import report_data
from simulator.scenario import load_scenario
from tests.generated import day_file

ROOT = Path(__file__).resolve().parents[2]
LAB_FILES = sorted((ROOT / "scenarios").glob("*.yaml"))
DAY = Workload(messages=300, users=15, domains=3, unknown=0.1,
               outage=parse_outage("10:00-13:00"), seed=5)


def _day(tmp_path: Path, w: Workload = DAY) -> Path:
    return day_file(tmp_path, w)


def _live(world) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Queue files alive on every host, per message key."""
    live: dict[str, int] = {}
    for host in world.hosts.values():
        if host.mta is not None:
            for queue in host.mta.qmgr.queues.values():
                for qf in queue.values():
                    live[qf.msg] = live.get(qf.msg, 0) + 1
    return live


def _families(live: dict[str, int]) -> dict[str, int]:
    """Live files per message family: ``m7`` counts m7's files and m7.bounce's."""
    out: dict[str, int] = {}
    for msg, n in live.items():
        out[msg.split(".")[0]] = out.get(msg.split(".")[0], 0) + n
    return out


def _stats(world) -> dict:  # type: ignore[no-untyped-def,type-arg]
    return world.trace.stats.summary(world.engine.now)


def test_what_a_summary_run_keeps_is_bounded_by_what_is_in_flight(tmp_path: Path) -> None:
    world = load_scenario(_day(tmp_path)).build(trace="summary")
    in_flight_seen = 0
    for until in ("9h", "11h", "12h", "12.5h", "14h"):  # through the outage and after it
        world.run(until)
        live = _live(world)
        assert world.trace.retention.files == _families(live)  # the queues' files
        families = _families(live)
        for o in world.trace.outcomes.values():  # only what a queue file still carries
            assert o.msg.split(".")[0] in families or o.status == "queued", o
        assert set(world.trace.retention.rcpts) <= set(families)
        in_flight_seen = max(in_flight_seen, len(world.trace.outcomes))
    world.run()
    assert in_flight_seen > 0  # deferred mail was kept while it waited
    assert world.trace.outcomes == {} and world.trace.retention.files == {}
    assert world.trace.retention.rcpts == {} and world.msg_keys == {}
    assert world.trace.stats.deferred == set() and _stats(world)["deferred"] > 0
    assert world.trace.retention.dropped == sum(world.trace.stats.counts.values())


def test_a_summary_day_counts_what_the_full_trace_counts(tmp_path: Path) -> None:
    loaded = load_scenario(_day(tmp_path))
    full, summary = loaded.build().run(), loaded.build(trace="summary").run()
    assert summary.trace.retention.dropped > 0 and full.trace.retention.dropped == 0
    assert len(full.trace.outcomes) == summary.trace.retention.dropped
    assert _stats(summary) == _stats(full)  # counts, deferrals, delays, queue samples
    assert check(summary) == check(full)  # a generated day expects nothing of recipients


@pytest.mark.parametrize("path", LAB_FILES, ids=[p.stem for p in LAB_FILES])
def test_dropping_every_finished_outcome_never_changes_the_counts(path: Path) -> None:
    """Labs list their messages, so they keep every outcome; here every message of each
    lab is made droppable, to prove the rule on aliases, forwards, loops, hop counts,
    postsuper -d/-h/-r, restarts and DSNs: the statistics come out as the full trace's."""
    loaded = load_scenario(path)
    full = loaded.build().run()
    forgetful = loaded.build(trace="summary")
    forgetful.trace.retention.droppable = lambda key: True
    forgetful.run()
    assert _stats(forgetful) == _stats(full)
    kept = {k: o for k, o in full.trace.outcomes.items() if k in forgetful.trace.outcomes}
    assert kept == forgetful.trace.outcomes  # what is left is what the full trace says
    recipients = len(loaded.spec.expect.recipients)
    unchecked = len(loaded.spec.expect.replies) + len(loaded.spec.expect.log) + len(
        loaded.spec.expect.actions)
    want = check(full)
    assert check(forgetful)[recipients:] == want[recipients:len(want) - unchecked]


def test_a_lab_keeps_every_outcome_under_summary() -> None:
    world = load_scenario(ROOT / "scenarios" / "20-aliases.yaml").build(trace="summary").run()
    assert world.trace.retention.droppable is None and world.trace.retention.dropped == 0
    assert world.trace.outcomes and world.msg_keys  # the lab reads its mailboxes


def test_the_views_say_what_was_dropped(tmp_path: Path) -> None:
    world = load_scenario(_day(tmp_path)).build(trace="summary").run()
    n = world.trace.retention.dropped
    assert outcome_lines(world)[0].plain.startswith(f"{n} outcomes of finished recipients")
    assert "保持していません" in outcome_lines(world, "ja")[0].plain
    data = report_data(world)
    assert data["outcomes"] == [] and data["summary"]["outcomes_dropped"] == n
    assert "html_dropped" in data["texts"]["en"] and "html_dropped" in data["texts"]["ja"]
    out = CliRunner().invoke(app, ["run", str(_day(tmp_path)), "--trace", "summary",
                                   "--width", "100"])
    assert out.exit_code == 0 and f"{n} outcomes of finished recipients" in " ".join(
        out.output.split())


def test_json_and_html_keep_every_outcome(tmp_path: Path) -> None:
    import json

    js = CliRunner().invoke(app, ["run", str(_day(tmp_path)), "--trace", "summary", "--json"])
    records = [json.loads(line) for line in js.output.splitlines()]
    summary = records[-1]
    assert "outcomes_dropped" not in summary
    assert sum(r["record"] == "outcome" for r in records) == sum(
        summary[k] for k in ("delivered", "bounced", "queued", "rejected", "deleted"))


def test_queue_ids_stay_unique_without_remembering_them() -> None:
    import random

    ids = QueueIds(random.Random(1))
    issued = [ids.next(t / 7) for t in range(20_000)]
    assert len(set(issued)) == len(issued)
    assert all(len(q) >= 10 and q == q.upper() for q in issued)
    assert not hasattr(ids, "__dict__") and set(QueueIds.__slots__) == {"_inode", "_rng"}
