"""Every lab in scenarios/ meets its own expect: section, the same way twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.expect import check
from simulator.i18n import CATALOGUES
from simulator.render.records import jsonl
from simulator.scenario import load_scenario

LABS = sorted((Path(__file__).parents[2] / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", LABS, ids=[p.stem for p in LABS])
def test_lab_meets_its_expectations(path: Path) -> None:
    world = load_scenario(path).build().run()
    failed = [c.text for c in check(world) if not c.ok]
    assert not failed, "\n".join(failed)
    # every step of the lab has an explanation for the learner, in both languages
    actions = {h.action for h in world.trace.hops} - {"command", "event"}
    for lang, catalogue in CATALOGUES.items():
        assert actions <= set(catalogue), (lang, sorted(actions - set(catalogue)))


@pytest.mark.parametrize("path", LABS, ids=[p.stem for p in LABS])
def test_lab_is_deterministic(path: Path) -> None:
    runs = [list(jsonl(load_scenario(path).build().run())) for _ in range(2)]
    assert runs[0] == runs[1]
