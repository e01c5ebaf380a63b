"""The sandbox as a property: with |command and /file destinations and hostile names in
aliases, .forward files and exports, the simulation runs no program and writes nothing
outside the export directory the user names (DESIGN.md; README "What never happens")."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.scenario import load_scenario
from simulator.yamlsource import ScenarioError

LAB = Path(__file__).resolve().parents[2] / "scenarios" / "28-command-file.yaml"

HOSTILE = st.sampled_from([
    '"|/bin/sh -c \'touch {canary}\'"', "|touch {canary}", "{canary}", "{canary}/../x",
    "/tmp/../{canary}", ":include:{canary}", ":include:/etc/../{canary}", "/../../{canary}",
    '"|/bin/rm -rf /"', "/dev/sda", "/etc/passwd", "/proc/self/mem", "../../{canary}",
    "\\\\root", "root\\x00", "/var/spool/mail/../../../{canary}",
])


def _forbid(*_: object, **__: object) -> None:
    raise AssertionError("the simulation tried to run a real program")


@pytest.fixture
def no_programs(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("system", "popen", "execv", "execve", "execvp", "spawnv", "posix_spawn",
                 "posix_spawnp", "fork"):
        if hasattr(os, name):
            monkeypatch.setattr(os, name, _forbid)
    monkeypatch.setattr(subprocess.Popen, "__init__", _forbid)


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(alias=HOSTILE, forward=HOSTILE)
def test_nothing_runs_and_nothing_is_written_outside_the_export(
        tmp_path_factory: pytest.TempPathFactory, no_programs: None, alias: str,
        forward: str) -> None:
    tmp = tmp_path_factory.mktemp("sandbox")
    canary = str(tmp / "CANARY")
    text = LAB.read_text(encoding="utf-8")
    text = text.replace('tickets:\t"|/usr/local/bin/ticket --new"',
                        f"tickets:\t{alias.format(canary=canary)}")
    text = text.replace("/home/kenji/saved-mail", forward.format(canary=canary).replace('"', ""))
    lab = tmp / "lab.yaml"
    lab.write_text(text, encoding="utf-8")
    before = _files(tmp)
    try:
        world = load_scenario(lab).build().run()
    except ScenarioError:
        return  # refused before the run: nothing ran at all
    export = tmp / "export"
    written = world.export(export)
    assert not Path(canary).exists()
    assert all(export in p.parents for p in written)
    assert _files(tmp) - before <= {p for p in _files(export)}
