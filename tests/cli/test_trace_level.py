"""``mailsim run --trace compact``: every hop and outcome is kept, dialogues and maillog
lines are not, and whatever needs them says so in one line (en and ja)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from simulator.cli import app
from simulator.render import console as render
from simulator.render.records import jsonl
from simulator.scenario import load_scenario
from simulator.trace_level import LEVELS, not_kept

ROOT = Path(__file__).resolve().parents[2]
LAB = ROOT / "scenarios" / "01-basic-delivery.yaml"
NOTICE = "not kept, this run used --trace compact"


@pytest.fixture(scope="module")
def runs():  # type: ignore[no-untyped-def]
    loaded = load_scenario(LAB)
    return loaded.build().run(), loaded.build().run(trace="compact")


def test_levels_are_the_agreed_names() -> None:
    assert LEVELS == ("full", "compact", "summary")
    assert not_kept("full", "log") is None


def test_compact_keeps_every_hop_outcome_and_mailbox(runs) -> None:  # type: ignore[no-untyped-def]
    full, compact = runs
    assert compact.trace.hops == full.trace.hops
    assert list(jsonl(compact)) == list(jsonl(full))
    assert compact.trace.outcomes == full.trace.outcomes
    box = "/var/spool/mail/bob"
    assert compact.hosts["mx.example.org"].fs.files.keys() == full.hosts["mx.example.org"].fs.files.keys()
    assert bytes(compact.hosts["bob-pc"].fs.files["/home/bob/Mail/Inbox"].data) == \
        bytes(full.hosts["bob-pc"].fs.files["/home/bob/Mail/Inbox"].data)
    assert box in full.hosts["mx.example.org"].fs.files


def test_compact_keeps_no_dialogue_or_log_text(runs) -> None:  # type: ignore[no-untyped-def]
    full, compact = runs
    assert len(compact.trace.sessions) == len(full.trace.sessions) > 0
    assert all(s.lines == [] and not s.kept for s in compact.trace.sessions)
    assert compact.trace.logs == [] and full.trace.logs
    assert compact.hosts["mx.example.org"].maillog() == ""


@pytest.mark.parametrize("lang, text", [("en", NOTICE), ("ja", "記録していません")])
def test_transcript_and_log_views_say_in_one_line(runs, lang: str, text: str) -> None:  # type: ignore[no-untyped-def]
    compact = runs[1]
    for lines in (render.transcript_lines(compact, lang), render.log_lines(compact, lang)):
        assert len(lines) == 1 and text in lines[0].plain and "--trace full" in lines[0].plain


def test_cli_log_view_and_export(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["run", str(LAB), "--trace", "compact", "--view", "log",
                                      "--width", "120", "--export", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "/var/log/maillog: " + NOTICE in result.output
    assert "--export: the maillog files: " + NOTICE in result.output
    assert "(not checked): " + NOTICE in result.output  # the lab expects replies and log lines
    assert "expectations: 4/4 met" in result.output
    assert not list((tmp_path / "out").rglob("maillog"))
    assert list((tmp_path / "out").rglob("Inbox"))


def test_cli_full_is_the_default_and_keeps_the_dialogue() -> None:
    result = CliRunner().invoke(app, ["run", str(LAB), "--view", "transcript", "--width", "120"])
    assert result.exit_code == 0 and "C: EHLO mail.example.net" in result.output
    assert NOTICE not in result.output


def test_cli_rejects_an_unknown_level() -> None:
    result = CliRunner().invoke(app, ["run", str(LAB), "--trace", "tiny"])
    assert result.exit_code == 2 and "tiny" in result.output
