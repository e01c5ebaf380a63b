"""Mutated labs: refused with a ScenarioError, or run to the end with every recipient
accounted for; never a traceback, a hang or lost mail. ``pytest -m fuzz`` runs the long
campaign; the ordinary run keeps a small, fixed sample."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.scenario import load_scenario
from simulator.yamlsource import ScenarioError
from tests.fuzz.campaign import ROOT, mutated, run_mutations

LONG = int(os.environ.get("MAILSIM_FUZZ_CASES", "20000"))


def test_a_sample_of_mutated_labs() -> None:
    tally = run_mutations(0, 40, twice=True)
    assert tally["ran"] + tally["refused"] + tally["unwritable"] == 40
    assert tally["ran"] >= 5 and tally["refused"] >= 5, tally  # the sample exercises both


@pytest.mark.fuzz
def test_the_long_campaign_of_mutated_labs() -> None:
    tally = run_mutations(1_000_000, LONG)
    print(f"\nmutated labs: {dict(tally)}")
    assert sum(tally.values()) == LONG


def _json_run(path: Path, hashseed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": hashseed}
    done = subprocess.run([sys.executable, "-m", "simulator", "run", str(path), "--json"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_mutated_labs_run_the_same_under_another_hash_seed(tmp_path: Path) -> None:
    """Byte for byte, whatever order Python's sets and dicts of strings would take."""
    ran = 0
    for seed in range(200):
        made = mutated(seed, tmp_path)
        if made is None:
            continue
        try:
            load_scenario(made[0])
        except ScenarioError:
            continue
        assert _json_run(made[0], "0") == _json_run(made[0], "4242"), f"seed {seed}"
        ran += 1
        if ran == 3:
            break
    assert ran == 3
