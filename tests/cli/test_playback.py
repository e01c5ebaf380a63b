"""mailsim run --step and --follow, driven as a student would: keys piped into stdin.

stdout must be exactly what a plain run prints for the hops shown (the compact view, as
CliRunner is no terminal: 80 columns); the prompt goes to stderr; no timing is asserted.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from simulator.cli import app

ROOT = Path(__file__).resolve().parents[2]
LAB = str(ROOT / "scenarios" / "01-basic-delivery.yaml")
OUTAGE = str(ROOT / "scenarios" / "32-down-6-days-bounce.yaml")  # six days of retries
HEAD = re.compile(r"^(?:\+\d+d )?\d\d:\d\d:\d\d\.\d{3}  \S+ \S+ → ", re.MULTILINE)
PROMPT_EN, PROMPT_JA = "Enter: next hop, q: stop", "Enter: 次のホップ、q: 停止"


def mailsim(*args: str, keys: str = "", code: int = 0):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(app, ["run", *args], input=keys, env={"NO_COLOR": "1"})
    assert result.exit_code == code, (result.output, result.exception)
    assert "Traceback" not in result.output
    return result


def hop_blocks(out: str) -> list[str]:
    """The compact view's hop blocks: a head line up to the blank line after it."""
    starts = [m.start() for m in HEAD.finditer(out)]
    return [out[a:out.index("\n\n", a) + 2] for a in starts]


def test_step_shows_one_hop_per_enter_and_stops_on_q() -> None:
    stepped = mailsim(LAB, "--step", keys="\n\nq\n")
    plain = mailsim(LAB).stdout
    shown = hop_blocks(stepped.stdout)
    assert len(shown) == 3  # Enter, Enter, q: the third hop is the last
    assert shown == hop_blocks(plain)[:3]  # each exactly as the plain run prints it
    head, note = stepped.stdout.rsplit("\n", 2)[0], stepped.stdout.splitlines()[-1]
    assert plain.startswith(head)  # title and hops: the plain run's own first lines
    assert note == "Playback stopped after 3 hop(s), at 09:00:00.181."
    assert "delivered" not in stepped.stdout  # a stopped run has no outcomes yet
    assert stepped.stderr.count(PROMPT_EN) == 3  # one prompt per hop shown, on stderr only
    assert PROMPT_EN not in stepped.stdout


def test_step_at_end_of_input_runs_to_the_end_as_a_plain_run() -> None:
    stepped = mailsim(LAB, "--step", keys="\n")
    assert stepped.stdout == mailsim(LAB).stdout
    assert stepped.stderr.count(PROMPT_EN) == 2  # asked twice: after hop 1, and hop 2 (EOF)


def test_step_in_japanese() -> None:
    stepped = mailsim(LAB, "--step", "--lang", "ja", keys="\nq\n")
    assert stepped.stderr.count(PROMPT_JA) == 2
    assert len(hop_blocks(stepped.stdout)) == 2
    assert stepped.stdout.splitlines()[-1] == "2 ホップ目 (09:00:00.082) で再生を止めました。"
    assert stepped.stdout.startswith(mailsim(LAB, "--lang", "ja").stdout.split("09:00:00.181")[0])


def test_step_with_msg_pauses_only_on_that_message() -> None:
    lab = str(ROOT / "scenarios" / "38-double-bounce.yaml")
    plain = mailsim(lab, "--msg", "com").stdout
    stepped = mailsim(lab, "--msg", "com", "--step", keys="")
    assert stepped.stdout == plain
    assert stepped.stderr.count(PROMPT_EN) == 1  # the first hop, then end of input


@pytest.mark.parametrize("lab", [LAB, OUTAGE, str(ROOT / "scenarios" / "11-pop3-vs-imap.yaml")])
def test_follow_piped_prints_what_a_plain_run_prints(lab: str) -> None:
    followed = mailsim(lab, "--follow")
    assert followed.stdout == mailsim(lab).stdout
    assert followed.stderr == ""  # no bar where stderr is no terminal


def test_follow_through_a_six_day_outage() -> None:
    out = mailsim(OUTAGE, "--follow").stdout
    days = [int(d) for d in re.findall(r"^\+(\d)d ", out, re.MULTILINE)]
    assert days == sorted(days) and days[-1] >= 5  # the clock moves day by day to the bounce
    assert "bounced" in out


def test_follow_and_step_stop_where_until_says() -> None:
    plain = mailsim(OUTAGE, "--until", "1d").stdout
    assert mailsim(OUTAGE, "--until", "1d", "--follow").stdout == plain
    assert mailsim(OUTAGE, "--until", "1d", "--step").stdout == plain
    last = hop_blocks(plain)[-1]  # the lab starts at 09:00: the end is +1d 09:00
    assert last.startswith("+1d 0") and not last.startswith("+1d 09"), last


@pytest.mark.parametrize(("args", "error"), [
    (["--step", "--follow"], "--step and --follow: choose one of them"),
    (["--step", "--json"], "--json prints the whole run at once"),
    (["--follow", "--view", "tree"], "use --view hops or --view compact (got --view tree)"),
    (["--step", "--until", "5x"], "--until: expected a duration"),
])
def test_options_that_do_not_go_with_playback(args: list[str], error: str) -> None:
    result = mailsim(LAB, *args, code=1)
    assert error in result.stderr
    assert result.stdout == ""
