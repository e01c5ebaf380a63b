"""``mailsim run`` on the queue labs: the timeline view, --msg, and the final mailq of each
host that still has mail queued."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from simulator.cli import app

ROOT = Path(__file__).resolve().parents[2]
OUTAGE = ROOT / "scenarios" / "31-all-mx-down-2h.yaml"
SIX_DAYS = ROOT / "scenarios" / "32-down-6-days-bounce.yaml"


def mailsim(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(app, list(args), env={"NO_COLOR": "1"})
    assert result.exit_code == code, (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.output
    return result.output


def test_the_timeline_shows_the_retry_minutes() -> None:
    out = mailsim("run", str(OUTAGE), "--view", "timeline", "--width", "160")
    starts = re.findall(r"│ (\d\d:\d\d:\d\d)\.\d+ │\s+([\d.]+) │.*attempt \d+: active queue", out)
    assert [minutes for _, minutes in starts] == ["0", "5", "10", "20", "40", "80", "150", "150"]
    assert "maximal_backoff_time" in out and "11:30:00.000" in out


def test_timeline_of_one_message_and_an_unknown_one() -> None:
    out = mailsim("run", str(SIX_DAYS), "--view", "timeline", "--msg", "letter", "--width", "160",
                  "--until", "5h")
    assert "letter:" in out and "delay_warning" in out
    err = mailsim("run", str(SIX_DAYS), "--view", "timeline", "--msg", "nope", code=1)
    assert "--msg: no message 'nope'" in err


def test_the_run_ends_with_mailq_of_hosts_with_mail_queued() -> None:
    out = mailsim("run", str(SIX_DAYS), "--until", "1d", "--width", "160")
    assert "── mail.example.net: mailq ──" in out
    assert "(connect to mx.example.org[192.0.2.25]:25: Connection timed out)" in out
    assert "-- 0 Kbytes in 1 Request." in out
    flat = " ".join(out.split())
    assert re.search(r"bob@example.org \(letter\): queued at .* next try at \+1d 09:05:00", flat)
    ja = mailsim("run", str(SIX_DAYS), "--until", "1d", "--lang", "ja", "--width", "160")
    assert "── mail.example.net のメールキュー (mailq) ──" in ja


def test_nothing_queued_at_the_end_prints_no_queue_section() -> None:
    assert ": mailq ──" not in mailsim("run", str(OUTAGE), "--width", "160")
