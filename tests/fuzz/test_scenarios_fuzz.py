"""Mutated labs: refused with a ScenarioError, or run to the end with every recipient
accounted for; never a traceback, a hang or lost mail. ``pytest -m fuzz`` runs the long
campaign; the ordinary run keeps a small, fixed sample."""

from __future__ import annotations

import os

import pytest

from tests.fuzz.campaign import run_mutations

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
