"""local(8)'s fast path (agents/mda/plain.py) is proven equal to the detailed walk.

Every lab in scenarios/ is run both ways in this process, fast (the default) and detailed
(``build(detailed=True)``, what MAILSIM_DETAILED=1 does), and what a student can see is
compared key by key: no snapshot is committed, the detailed path is the reference.

- default run: every lab's raw records (every trace hop, session line, outcome, log line,
  fetch and command), every maillog, every file of every host with owner and mode, the JSON
  export (en, ja), and the log, queue, outcome and check views. These are what every view
  is rendered from, and they take ~3 s a pass.
- ``pytest -m equality_full``: every key of tests/equality/dump.py's dump() (also the rich
  hop tables, trees, timelines, transcripts and the HTML report: ~15 s a pass).

The counters make sure the comparison is not vacuous: the fast path must really be taken
in the labs with plain recipients, and really refused for an alias, a ~/.forward and a
contended mbox lock.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.expect import check
from simulator.render import console as render
from simulator.render.records import jsonl
from simulator.scenario import load_scenario
from simulator.world import World
from tests.equality.dump import LABS, _printed, _records, dump

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def _run(lab: Path, detailed: bool) -> World:
    return load_scenario(lab).build(detailed=detailed).run()


def _observed(world: World) -> dict[str, bytes]:
    """The views that are cheap to render, with every record they are made from."""
    out = _records(world)
    out["view/log"] = _printed(render.log_lines(world), soft_wrap=True)
    for lang in ("en", "ja"):
        out[f"json/{lang}"] = "\n".join(jsonl(world, lang)).encode()
        out[f"view/queue/{lang}"] = _printed(render.queue_lines(world, lang), soft_wrap=True)
        out[f"view/outcomes/{lang}"] = _printed(render.outcome_lines(world, lang))
        out[f"view/checks/{lang}"] = _printed(render.check_lines(check(world), lang))
    return out


def _differing(fast: dict[str, bytes], detailed: dict[str, bytes]) -> list[str]:
    return sorted(k for k in fast.keys() | detailed.keys() if fast.get(k) != detailed.get(k))


@pytest.mark.parametrize("lab", LABS, ids=[lab.stem for lab in LABS])
def test_fast_path_equals_detailed_path(lab: Path) -> None:
    fast, detailed = _run(lab, detailed=False), _run(lab, detailed=True)
    assert "taken" not in detailed.fast_local  # the switch really turns it off
    a, b = _observed(fast), _observed(detailed)
    assert any(k.startswith("fs/") for k in a) and a["trace/hops"]  # something to compare
    assert _differing(a, b) == []


@pytest.mark.equality_full
@pytest.mark.parametrize("lab", LABS, ids=[lab.stem for lab in LABS])
def test_fast_path_equals_detailed_path_every_view(lab: Path) -> None:
    fast, detailed = dump(lab, detailed=False), dump(lab, detailed=True)
    assert _differing(fast, detailed) == []


def _counts(name: str, detailed: bool = False) -> dict[str, int]:
    return _run(SCENARIOS / f"{name}.yaml", detailed).fast_local


def test_fast_path_is_taken_for_plain_recipients() -> None:
    assert _counts("01-basic-delivery") == {"taken": 1}
    assert _counts("10-mbox-vs-maildir")["taken"] == 6  # mbox and Maildir users alike
    assert _counts("01-basic-delivery", detailed=True) == {"refused detailed": 1}


@pytest.mark.parametrize("name, why", [
    ("20-aliases", "refused alias"),  # an /etc/aliases entry
    ("23-forward-remote", "refused forward"),  # a ~/.forward file
    ("25-forward-permissions", "refused forward"),  # one Postfix ignores, with a warning
    ("12-mbox-locking", "refused lock"),  # another process holds the mbox lock: poll()
    ("27-include-list", "refused unknown"),  # no such user: the walk bounces it
    ("47-qmail", "refused qmail"),  # qmail-local's ~/.qmail rules
    ("21-alias-chain", "refused verify"),  # sendmail -bv reports, delivers nothing
])
def test_fast_path_is_refused_where_the_walk_decides(name: str, why: str) -> None:
    counts = _counts(name)
    assert counts.get(why, 0) > 0, counts


def test_env_switch_is_read_at_world_build(monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = load_scenario(SCENARIOS / "01-basic-delivery.yaml")
    monkeypatch.setenv("MAILSIM_DETAILED", "1")
    world = loaded.build()
    monkeypatch.setenv("MAILSIM_DETAILED", "0")  # read once: a later change does nothing
    assert world.detailed and world.run().fast_local == {"refused detailed": 1}
    assert not loaded.build().detailed
    assert not loaded.build(detailed=False).detailed
    monkeypatch.setenv("MAILSIM_DETAILED", "1")
    assert not loaded.build(detailed=False).detailed  # the keyword wins over the env


def test_readme_switch_command_prints_what_the_fast_path_prints() -> None:
    readme = (SCENARIOS.parent / "README.md").read_text(encoding="utf-8")
    line = next(x for x in readme.splitlines() if x.startswith("MAILSIM_DETAILED=1 mailsim "))
    argv = shlex.split(line)[2:]
    runs = [subprocess.run([sys.executable, "-m", "simulator", *argv], cwd=SCENARIOS.parent,
                           capture_output=True, text=True, timeout=120, check=False,
                           env=os.environ | {"MAILSIM_DETAILED": value})
            for value in ("1", "0")]
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr
    assert "status=sent (delivered to mailbox)" in runs[0].stdout
    assert runs[0].stdout == runs[1].stdout


def _holders_while_writing(fast: bool) -> list[tuple[object, ...]]:
    """The mbox lock's holders 1 ms into a store.deliver(), fast or through poll()."""
    from simulator.agents.mda.mailbox import DeliveryHeaders
    from simulator.agents.mda.store import Delivery

    world = load_scenario(SCENARIOS / "01-basic-delivery.yaml").build()
    host = world.hosts["mx.example.org"]
    assert host.mta is not None
    path = "/var/spool/mail/bob"
    d = Delivery("<m@x>", "4ABC", host.users["bob"], path,
                 DeliveryHeaders("alice@example.net", "bob@example.org", "bob@example.org"),
                 b"Subject: hi\n\nhello\n")
    env = world.engine.env
    env.process(host.mta.local.store.deliver(d, fast))
    env.run(until=0.001)
    return [(h.who, sorted(h.kinds), h.shared, h.since) for h in host.locks[path].holders]


def test_fast_lock_take_holds_what_poll_holds() -> None:
    """A reader arriving mid-write must meet the same lock either way (shared? which kinds?)."""
    held = _holders_while_writing(fast=True)
    assert held == _holders_while_writing(fast=False)
    assert held and held[0][2] is False and "dotlock" in held[0][1]
