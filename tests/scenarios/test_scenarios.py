"""Every lab in scenarios/ still teaches what it says: all its expectations are met.

The files are found by glob, so a new lab is tested as soon as it is added.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.expect import check
from simulator.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


def test_there_are_scenarios() -> None:
    assert SCENARIOS, "no scenarios/*.yaml found"


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_expectation_is_met(path: Path) -> None:
    world = load_scenario(path).build().run()
    checks = check(world)
    assert checks, f"{path.name}: check(world) returned no checks"
    unmet = [c.text for c in checks if not c.ok]
    assert not unmet, f"{path.name}: {len(unmet)}/{len(checks)} unmet:\n  " + "\n  ".join(unmet)


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_has_expectations_and_answerable_questions(path: Path) -> None:
    spec = load_scenario(path).spec
    expect = spec.expect
    count = (len(expect.recipients) + len(expect.mailboxes) + len(expect.fetched)
             + len(expect.replies) + len(expect.log))
    assert count > 0, f"{path.name}: expect: is empty"
    assert spec.questions, f"{path.name}: no questions"
    bad = [f"questions[{i}].answer = {q.answer} but {len(q.choices)} choices"
           for i, q in enumerate(spec.questions) if not 0 <= q.answer < len(q.choices)]
    assert not bad, f"{path.name}: " + "; ".join(bad)
    assert any(0 <= q.answer < len(q.choices) for q in spec.questions)

