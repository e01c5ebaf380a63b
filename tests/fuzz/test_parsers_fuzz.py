"""Every parser and command handler, fed seeded junk: no exception but the documented
ones. A small sample runs every time; ``pytest -m fuzz`` runs the long campaign."""

from __future__ import annotations

import os

import pytest

from tests.fuzz.parsers import DRIVERS, run_driver

LONG = int(os.environ.get("MAILSIM_FUZZ_CASES", "20000"))


@pytest.mark.parametrize("name", list(DRIVERS))
def test_a_sample(name: str) -> None:
    assert run_driver(name, 0, 150) == 150


@pytest.mark.fuzz
@pytest.mark.parametrize("name", list(DRIVERS))
def test_the_long_campaign(name: str) -> None:
    ran = run_driver(name, 1_000_000, LONG)
    print(f"\n{name}: {ran} cases, no exception")
