"""The mailsim command in Japanese: errors, check lines, --help summaries (MAILSIM_LANG=ja)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from simulator.cli import app
from simulator.i18n import ui_en, ui_ja

ROOT = Path(__file__).resolve().parents[2]
LAB = str(ROOT / "scenarios" / "01-basic-delivery.yaml")


def test_every_command_has_a_help_summary_in_both_languages() -> None:
    names = {c.name or c.callback.__name__ for c in app.registered_commands}  # type: ignore[union-attr]
    assert names <= {k.removeprefix("help.") for k in ui_en.UI if k.startswith("help.")}
    assert names <= {k.removeprefix("help.") for k in ui_ja.UI if k.startswith("help.")}


def test_mailsim_lang_ja_gives_japanese_help_and_defaults() -> None:
    env = {**os.environ, "MAILSIM_LANG": "ja"}
    helped = subprocess.run([sys.executable, "-m", "simulator", "--help"], env=env,
                            capture_output=True, text=True, check=False, timeout=60)
    assert "シナリオを実行し" in helped.stdout and "メール用語" in helped.stdout
    ran = subprocess.run([sys.executable, "-m", "simulator", "check", LAB], env=env,
                         capture_output=True, text=True, check=False, timeout=60)
    assert "期待どおりの結果 11/11 件" in ran.stdout


def test_cli_errors_in_japanese() -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["run", LAB, "--msg", "zz", "--lang", "ja"])
    assert result.exit_code == 1
    assert "--msg: この実行にメッセージ 'zz' はありません (あるもの: lunch)" in result.output
    result = runner.invoke(app, ["run", LAB, "--until", "soon", "--lang", "ja"])
    assert result.exit_code == 1 and "(指定値 'soon')" in result.output
    bad = ROOT / "tests" / "data" / "bad"
    broken = min(bad.glob("*.yaml"))
    result = runner.invoke(app, ["validate", str(broken)])
    assert result.exit_code == 1
    result = runner.invoke(app, ["run", str(broken), "--lang", "ja"])
    assert result.exit_code == 1 and "シナリオファイルに誤りがあります" in result.output
