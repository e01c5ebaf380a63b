"""A bug inside a run is one line naming the scenario and "internal error" (exit 70);
the traceback only with --debug. A bad scenario is still the ordinary error (exit 1)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from simulator import cli
from simulator.world import World

LAB = "scenarios/01-basic-delivery.yaml"


def _boom(self: World, until: object = None, trace: object = None) -> World:
    raise KeyError("a bug planted by the test")


def _main(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["mailsim", *args])
    with pytest.raises(SystemExit) as exit_:
        cli.main()
    return int(exit_.value.code or 0)


def test_a_bug_is_one_line_with_the_scenario(monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(World, "run", _boom)
    monkeypatch.delenv("MAILSIM_DEBUG", raising=False)
    assert _main(monkeypatch, "run", LAB) == 70
    err = capsys.readouterr().err
    assert err.splitlines()[0] == (f"{LAB}: internal error: KeyError: 'a bug planted by the test'")
    assert "Traceback" not in err


def test_debug_adds_the_traceback(monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(World, "run", _boom)
    assert _main(monkeypatch, "--debug", "run", LAB) == 70
    err = capsys.readouterr().err
    assert "internal error: KeyError" in err
    assert "Traceback (most recent call last)" in err and "_boom" in err
    cli._options(debug=False)  # the flag is process state: leave it as found


def test_bad_input_is_not_an_internal_error(monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str],
                                            tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\n", encoding="utf-8")
    assert _main(monkeypatch, "run", str(bad)) == 1
    err = capsys.readouterr().err
    assert "internal error" not in err and "required field is missing" in err
