"""The default view reads well at 80 columns: the compact hop view, the wide table, colour.

Golden files in tests/cli/golden/ hold ``mailsim run`` of lab 01 exactly, at 80 columns (en,
ja) and at 160 (en). After a deliberate change to the output, regenerate them with
``NO_COLOR=1 mailsim run scenarios/01-basic-delivery.yaml [--lang ja] [--width 160]`` and
read the diff before committing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from simulator.cli import app

ROOT = Path(__file__).resolve().parents[2]
LAB = ROOT / "scenarios" / "01-basic-delivery.yaml"
GOLDEN = Path(__file__).parent / "golden"
HEAD = re.compile(r"^\d\d:\d\d:\d\d\.\d{3}  \S+ \S+ → ", re.MULTILINE)  # a hop's head line
LABS = sorted((ROOT / "scenarios").glob("*.yaml"))
COLOUR = re.compile(r"\x1b\[(?:[0-9]+;)*3[0-7](?:;[0-9]+)*m")  # a foreground colour, ESC[3x


def mailsim(*args: str, env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(app, ["run", *args], env=env or {"NO_COLOR": "1"})
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_lab_01_at_80_columns_is_the_golden_compact_view(lang: str) -> None:
    out = mailsim(str(LAB), "--lang", lang)  # CliRunner is no terminal: 80 columns
    assert out == (GOLDEN / f"01-basic-delivery.80.{lang}.txt").read_text(encoding="utf-8")


def test_lab_01_at_160_columns_is_the_golden_table() -> None:
    out = mailsim(str(LAB), "--width", "160")
    assert out == (GOLDEN / "01-basic-delivery.160.en.txt").read_text(encoding="utf-8")
    assert "┃ Time" in out


def test_one_head_line_per_hop_with_reply_and_explanation_beneath() -> None:
    out = mailsim(str(LAB), "--width", "80").splitlines()
    relay = next(i for i, line in enumerate(out) if "relay [" in line)
    assert out[relay - 1].startswith("09:00:00.367  mail.example.net smtp → mx.example.org "
                                      "smtpd  ESMTP/25")
    assert out[relay].startswith("    relay [") and "250 2.0.0 Ok: queued as" in out[relay]
    assert out[relay + 2].startswith("    The smtp client connects to MX host")
    assert "┃" not in "\n".join(out)


def test_the_table_starts_at_120_columns_and_view_forces_either() -> None:
    assert "┃ Time" in mailsim(str(LAB), "--width", "120")
    assert "┃ Time" not in mailsim(str(LAB), "--width", "119")
    assert "┃ Time" in mailsim(str(LAB), "--view", "table")
    compact = mailsim(str(LAB), "--view", "compact", "--width", "160")
    assert "┃" not in compact and "09:00:00.001  alice-pc MUA → dns resolver" in compact


def test_msg_filters_the_compact_view() -> None:
    lab = str(ROOT / "scenarios" / "12-mbox-locking.yaml")  # five messages, m "one" to "five"
    heads = HEAD.findall(mailsim(lab, "--msg", "two"))
    everything = HEAD.findall(mailsim(lab))
    assert len(heads) == 7 < len(everything)  # message two's 7 hops, none of the others


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("lab", LABS, ids=[p.stem for p in LABS])
def test_every_lab_fits_80_columns(lab: Path, lang: str) -> None:
    out = mailsim(str(lab), "--lang", lang)
    wide = [line for line in out.splitlines() if cell_len(line) > 80]
    assert not wide, wide[:3]


def test_no_colour_codes_when_not_a_terminal() -> None:
    assert not COLOUR.search(mailsim(str(LAB), env={}))


def test_colour_on_a_terminal_and_no_color_honoured() -> None:
    # FORCE_COLOR makes rich's Console(force_terminal=True), as a real terminal would
    assert COLOUR.search(mailsim(str(LAB), env={"FORCE_COLOR": "1", "NO_COLOR": ""}))
    assert not COLOUR.search(mailsim(str(LAB), env={"FORCE_COLOR": "1", "NO_COLOR": "1"}))


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_long_reply_folds_at_40_columns(lang: str) -> None:
    # greylisting's 450 reply with its URL is longer than the line: it folds, in cells
    out = mailsim(str(ROOT / "scenarios" / "33-greylisting.yaml"), "--width", "40",
                  "--lang", lang)
    assert "450" in out
    assert max(cell_len(line) for line in out.splitlines()) <= 40
