"""The ``mailsim`` command on scenario 01, with a fixed console width (``--width 120``).

Uses typer's CliRunner in-process, except where a fresh process is the point (byte-identical
``--json`` across runs, ``--help`` of the installed command).
"""

from __future__ import annotations

import json
import mailbox
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from simulator.cli import app
from simulator.expect import check
from simulator.render.records import HOP_KEYS
from simulator.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
LAB = ROOT / "scenarios" / "01-basic-delivery.yaml"
WIDTH = "120"
KANA = re.compile(r"[\u3040-\u30ff]")  # hiragana and katakana: Japanese text
OUTCOME = "bob@example.org (lunch): delivered to mx.example.org:/var/spool/mail/bob"


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def mailsim(runner: CliRunner, *args: str, code: int = 0):  # type: ignore[no-untyped-def]
    result = runner.invoke(app, list(args), env={"NO_COLOR": "1"})
    assert result.exit_code == code, (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.output
    return result


def run_lab(runner: CliRunner, *args: str, code: int = 0):  # type: ignore[no-untyped-def]
    return mailsim(runner, "run", str(LAB), "--width", WIDTH, *args, code=code)


@pytest.fixture(scope="module")
def n_checks() -> int:
    """How many expectations scenario 01 has (derived, not hard-coded)."""
    return len(check(load_scenario(LAB).build().run()))


# ------------------------------------------------------------------ the hop table

def _squash(text: str) -> str:
    return "".join(text.split())


def table_headings(output: str) -> list[str]:
    """The column headings (the lines drawn with ┃), each joined if wrapped."""
    heads: list[list[str]] = []
    for line in output.splitlines():
        if line.startswith("┃"):
            cells = [c.strip() for c in line.strip("┃").split("┃")]
            heads = heads or [[] for _ in cells]
            for parts, c in zip(heads, cells):
                if c:
                    parts.append(c)
    return [" ".join(parts) for parts in heads]


def table_rows(output: str) -> list[dict[str, str]]:
    """The body rows of a rich table as {heading: cell}; a cell wrapped over lines is joined.

    Columns are found by their headings, so the tests survive a change of column order.
    A new row starts where the first (Time) column is not blank.
    """
    heads = table_headings(output)
    rows: list[list[list[str]]] = []
    for line in output.splitlines():
        if not line.startswith("│"):
            continue
        cells = [c.strip() for c in line.strip("│").split("│")]
        if cells[0] or not rows:
            rows.append([[c] if c else [] for c in cells])
        else:
            for parts, c in zip(rows[-1], cells):
                if c:
                    parts.append(c)
    return [dict(zip(heads, (" ".join(parts) for parts in row))) for row in rows]


def _row_text(row: dict[str, str]) -> str:
    return " ".join(row.values())


def test_run_prints_hop_table_outcome_and_expectations(runner: CliRunner, n_checks: int) -> None:
    out = run_lab(runner).stdout
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= int(WIDTH)
    heads = table_headings(out)
    for heading in ("Time", "What happened", "Reply", "Explanation"):
        assert heading in heads, heads
    rows = table_rows(out)
    submit = [r for r in rows if r["What happened"].startswith("submit")]
    assert len(submit) == 1, rows
    assert "ESMTPSA/587" in _row_text(submit[0])  # STARTTLS, then AUTH (master.cf submission)
    assert re.fullmatch(r"250 2\.0\.0 Ok: queued as [0-9A-F]{10}", submit[0]["Reply"]), submit[0]
    assert any(r["What happened"].startswith("relay") and "ESMTP/25" in _row_text(r) for r in rows)
    assert any("POP3/110" in _row_text(r) for r in rows)
    assert OUTCOME in out
    assert f"expectations: {n_checks}/{n_checks} met" in lines[-1]
    assert "✗" not in out


def test_run_submission_reply_is_not_split_in_the_table(runner: CliRunner) -> None:
    """At 120 columns a student should be able to read (and grep) the reply on one line."""
    out = run_lab(runner).stdout
    table = [line for line in out.splitlines() if line.startswith("│")]
    assert any("250 2.0.0 Ok: queued as" in line for line in table), "\n".join(table[:30])


def test_view_transcript(runner: CliRunner) -> None:
    out = run_lab(runner, "--view", "transcript").stdout
    # submission: plain text up to STARTTLS, the handshake, then encrypted lines (C~, S~)
    for text in ("C: EHLO", "S: 250-STARTTLS", "C: STARTTLS", "S: 220 2.0.0 Ready to start TLS",
                 "TLS-C: ClientHello", "C~: EHLO", "S~: 250-AUTH PLAIN LOGIN",
                 "C~: AUTH PLAIN", "S~: 354 End data", "C: RETR 1", "S: +OK Logging out"):
        assert text in out, text
    assert OUTCOME in out
    # each dialogue line is "HH:MM:SS.mmm S|C: ..." and the times never go backwards
    times = re.findall(r"^(\d\d:\d\d:\d\d\.\d{3}) [CS]: ", out, re.MULTILINE)
    assert times
    blocks = out.split("── ")
    for block in blocks:
        stamps = re.findall(r"^(\d\d:\d\d:\d\d\.\d{3}) [CS]: ", block, re.MULTILINE)
        assert stamps == sorted(stamps)


def test_view_log(runner: CliRunner) -> None:
    out = run_lab(runner, "--view", "log").stdout
    assert "postfix/smtp[" in out
    assert "status=sent" in out
    assert "postfix/local[" in out
    assert OUTCOME in out


def test_lang_ja_shows_japanese_explanations(runner: CliRunner) -> None:
    out = run_lab(runner, "--lang", "ja").stdout
    assert "解説" in table_headings(out)  # the Explanation heading
    assert "1通のメールを1ホップずつ" in out  # the Japanese title
    rows = table_rows(out)
    explanations = [r["解説"] for r in rows]
    assert explanations and all(KANA.search(e) for e in explanations), explanations
    submit = next(r for r in rows if r["できごと"].startswith("submit"))
    expected = "メールソフト (MUA) が SMTP AUTH で認証したあと"
    assert _squash(submit["解説"]).startswith(_squash(expected)), submit
    assert "The mail client (MUA) hands" not in out


def test_lang_ja_json_explanations(runner: CliRunner) -> None:
    out = run_lab(runner, "--json", "--lang", "ja").stdout
    hops = [r for r in map(json.loads, out.splitlines()) if r["record"] == "hop"]
    assert hops and all(KANA.search(h["explain"]) for h in hops)


# ------------------------------------------------------------------------ --json

def test_json_lines_and_hop_keys(runner: CliRunner) -> None:
    out = run_lab(runner, "--json").stdout
    records = [json.loads(line) for line in out.splitlines()]  # every line parses
    hops = [r for r in records if r["record"] == "hop"]
    outcomes = [r for r in records if r["record"] == "outcome"]
    assert hops and outcomes and len(hops) + len(outcomes) == len(records)
    for hop in hops:
        assert tuple(hop) == HOP_KEYS
    assert [h["seq"] for h in hops] == list(range(len(hops)))
    assert [h["t"] for h in hops] == sorted(h["t"] for h in hops)
    # hops come first, then outcomes
    assert records[: len(hops)] == hops
    assert [(o["recipient"], o["status"], o["host"], o["where"]) for o in outcomes] == [
        ("bob@example.org", "delivered", "mx.example.org", "/var/spool/mail/bob")]


def _mailsim_command() -> list[str]:
    # this checkout's code, never an installed mailsim that may come from another tree
    return [sys.executable, "-m", "simulator"]


def _fresh_json(hash_seed: str, *extra: str) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    done = subprocess.run([*_mailsim_command(), "run", str(LAB), "--json", *extra], check=False,
                          capture_output=True, timeout=120, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr.decode()
    assert b"Traceback" not in done.stderr
    return done.stdout


def test_json_byte_identical_in_fresh_processes() -> None:
    # different hash seeds rule out set/dict-order effects of string hashing, too
    first, second = _fresh_json("1"), _fresh_json("2")
    assert first, "no output"
    assert first == second


def test_json_in_process_matches_fresh_process(runner: CliRunner) -> None:
    assert run_lab(runner, "--json").stdout.encode() == _fresh_json("3")


def test_other_seed_still_runs(runner: CliRunner) -> None:
    out = run_lab(runner, "--json", "--seed", "12345").stdout
    records = [json.loads(line) for line in out.splitlines()]
    outcomes = [r for r in records if r["record"] == "outcome"]
    assert [o["status"] for o in outcomes] == ["delivered"]
    assert run_lab(runner, "--json", "--seed", "12345").stdout == out  # the new seed is stable too


# ---------------------------------------------------------------------- --export

def _files(root: Path) -> set[Path]:
    return set(root.rglob("*"))


def test_export_writes_openable_mailboxes_only_under_dir(runner: CliRunner, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # stray relative writes would land here and be seen
    (tmp_path / "keep.txt").write_text("untouched")
    before = _files(tmp_path)
    out_dir = tmp_path / "out"
    result = run_lab(runner, "--export", str(out_dir))
    assert re.search(r"exported \d+ file\(s\) under ", result.stderr)
    new = _files(tmp_path) - before
    assert new, "nothing exported"
    outside = sorted(str(p) for p in new if out_dir not in p.parents and p != out_dir)
    assert not outside, outside
    assert (tmp_path / "keep.txt").read_text() == "untouched"

    inbox = out_dir / "bob-pc" / "home" / "bob" / "Mail" / "Inbox"
    box = mailbox.mbox(inbox, create=False)
    try:
        messages = list(box)
    finally:
        box.close()
    assert len(messages) == 1
    msg = messages[0]
    assert msg["Delivered-To"] == "bob@example.org"
    assert msg["Subject"] == "Lunch on Friday?"
    first_received = " ".join(msg.get_all("Received")[0].split())
    assert "by mx.example.org (Postfix) with ESMTP id " in first_received, first_received
    assert first_received.startswith("from mail.example.net (mail.example.net [203.0.113.25])")
    assert re.search(r"for <bob@example\.org>; \w{3}, \d{1,2} \w{3} \d{4} ", first_received)

    spool = out_dir / "mx.example.org" / "var" / "spool" / "mail" / "bob"
    if spool.exists():  # POP3 downloaded and deleted the message: the spool is empty
        box = mailbox.mbox(spool, create=False)
        try:
            assert len(box) == 0
        finally:
            box.close()
    assert (out_dir / "mx.example.org" / "var" / "log" / "maillog").read_text().count("status=sent")


# ------------------------------------------------------------- check and validate

def test_check_scenario_01_passes(runner: CliRunner, n_checks: int) -> None:
    result = mailsim(runner, "check", str(LAB))
    assert f"{LAB}: {n_checks}/{n_checks} expectations met" in result.stdout
    assert "✗" not in result.stdout


def test_check_fails_when_an_expectation_is_wrong(runner: CliRunner, tmp_path: Path,
                                                  n_checks: int) -> None:
    text = LAB.read_text(encoding="utf-8")
    wrong = text.replace("      path: /home/bob/Mail/Inbox\n      messages: 1\n",
                         "      path: /home/bob/Mail/Inbox\n      messages: 2\n")
    assert wrong != text
    copy = tmp_path / "01-wrong.yaml"
    copy.write_text(wrong, encoding="utf-8")
    result = mailsim(runner, "check", str(copy), code=1)
    assert f"{copy}: {n_checks - 1}/{n_checks} expectations met" in result.stdout
    assert "✗ bob-pc:/home/bob/Mail/Inbox holds 2 message(s)" in result.stdout
    assert "(got 1 messages)" in result.stdout


def test_validate_prints_ok(runner: CliRunner) -> None:
    result = mailsim(runner, "validate", str(LAB))
    assert result.stdout.strip() == f"{LAB}: ok"


# ------------------------------------------------------------------------ --until

def test_until_1s_stops_before_the_fetch(runner: CliRunner, n_checks: int) -> None:
    out = run_lab(runner, "--until", "1s").stdout
    assert not re.search(r"fetched \d+ message\(s\) by POP3", out)  # no fetch happened yet
    assert "POP3/110" not in out
    assert f"expectations: {n_checks}/{n_checks} met" not in out
    assert "✗ bob-pc: bob fetched 1 message(s) (got 0)" in out


def test_until_200ms_leaves_the_message_queued(runner: CliRunner) -> None:
    out = run_lab(runner, "--json", "--until", "200ms").stdout
    outcomes = [r for r in map(json.loads, out.splitlines()) if r["record"] == "outcome"]
    assert [(o["status"], o["host"]) for o in outcomes] == [("queued", "mail.example.net")]
    assert all(r["t"] <= 0.2 for r in map(json.loads, out.splitlines()))


def test_until_mid_relay_names_the_active_queue(runner: CliRunner) -> None:
    """At 200 ms qmgr has moved the message to the active queue (its log line says
    "(queue active)", a queue_active hop is shown) and smtp is relaying it: the queued
    outcome must say so, as mailq would with its '*'."""
    out = run_lab(runner, "--json", "--until", "200ms").stdout
    records = list(map(json.loads, out.splitlines()))
    assert any(r.get("action") == "queue_active" for r in records)
    where = next(r["where"] for r in records if r["record"] == "outcome")
    assert "active" in where and "incoming" not in where, where


def test_until_shows_nothing_after_the_stop_time(runner: CliRunner) -> None:
    """Stopped at 100 ms, mid-submission: the transcript must not show later lines."""
    out = run_lab(runner, "--view", "transcript", "--until", "100ms").stdout
    stamps = re.findall(r"^09:00:(\d\d\.\d{3}) [CS]: ", out, re.MULTILINE)
    late = [s for s in stamps if float(s) > 0.1]
    assert not late, f"{len(late)} dialogue line(s) after the stop time, e.g. 09:00:{late[0]}"
    assert "✓ a server replied '250 2.0.0 Ok: queued as'" not in out


def test_until_banana_is_a_clear_error(runner: CliRunner) -> None:
    result = run_lab(runner, "--until", "banana", code=1)
    assert result.stdout == ""
    assert result.stderr.strip() == (
        "--until: expected a duration like 300s, 5m, 2h, 5d (units s, m, h, d, w, ms)"
        " (got 'banana')")


@pytest.mark.parametrize("until", ["0s", "0ms"])
def test_until_zero_is_not_a_crash(runner: CliRunner, until: str) -> None:
    """Stopping at the very start is a fair question ("what is set up before anything
    happens?"); it may show an empty run or refuse with a clear message, never crash."""
    result = runner.invoke(app, ["run", str(LAB), "--width", WIDTH, "--until", until])
    assert not (result.exception and not isinstance(result.exception, SystemExit)), \
        f"crashed: {result.exception!r}"
    assert result.exit_code in (0, 1)
    if result.exit_code == 1:
        assert result.stderr.startswith("--until: ") and "0" in result.stderr, result.stderr


@pytest.mark.parametrize("width", ["0", "-5"])
def test_nonsense_width_is_refused(runner: CliRunner, width: str) -> None:
    """A width that cannot show anything must not be accepted silently (exit 0, no output)."""
    result = runner.invoke(app, ["run", str(LAB), "--width", width])
    assert "Traceback" not in result.output
    assert result.exit_code in (1, 2), (result.exit_code, result.stdout[:200])
    assert "--width" in result.output


def test_bad_view_and_lang_are_usage_errors(runner: CliRunner) -> None:
    for args in (("--view", "nonsense"), ("--lang", "xx")):
        result = runner.invoke(app, ["run", str(LAB), *args])
        assert result.exit_code == 2  # click's usage error, with the allowed choices
        assert "Traceback" not in result.output
        assert "Invalid value" in result.output


# ------------------------------------------------------------------------- --help

def test_help_in_process(runner: CliRunner) -> None:
    out = mailsim(runner, "--help").stdout
    for command in ("run", "check", "validate"):
        assert command in out


def test_help_of_installed_command() -> None:
    exe = shutil.which("mailsim")
    done = subprocess.run([*([exe] if exe else _mailsim_command()), "--help"], check=False,
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, "COLUMNS": WIDTH})
    assert done.returncode == 0, done.stderr
    assert "Usage:" in done.stdout and "run" in done.stdout
    assert "Traceback" not in done.stderr
