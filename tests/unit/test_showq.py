"""The mailq and postqueue -j layouts (showq_compat.c, showq_json.c), checked field by field
against docs/reference/postfix-formats.md §7."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from simulator.agents.mta.showq import Entry, Recipient, json_lines, mailq, quote
from simulator.engine import Clock

CLOCK = Clock(datetime(2026, 3, 3, 10, 0, 0, tzinfo=ZoneInfo("UTC")))
REFUSED = "connect to mx.example.org[192.0.2.1]:25: Connection refused"


def entry(queue: str, qid: str, size: int, sender: str, *rcpts: Recipient,
          arrival: float = 0.0, expired: bool = False) -> Entry:
    return Entry(queue, qid, arrival, size, expired, sender, rcpts)


def test_the_documented_example() -> None:
    items = [entry("active", "4A1B2C3D4E", 1234, "alice@example.com",
                   Recipient("bob@example.org", "bob@example.org", "")),
             entry("deferred", "5B6C7D8E9F", 3456, "MAILER-DAEMON",
                   Recipient("carol@example.org", "carol@example.org", REFUSED),
                   arrival=-48 * 60)]
    assert mailq(items, CLOCK) == (
        "-Queue ID-  --Size-- ----Arrival Time---- -Sender/Recipient-------\n"
        "4A1B2C3D4E*    1234 Tue Mar  3 10:00:00  alice@example.com\n"
        "                                         bob@example.org\n"
        "\n"
        "5B6C7D8E9F     3456 Tue Mar  3 09:12:00  MAILER-DAEMON\n"
        "                 (connect to mx.example.org[192.0.2.1]:25: Connection refused)\n"
        "                                         carol@example.org\n"
        "\n"
        "-- 4 Kbytes in 2 Requests.\n")


def test_empty_queue() -> None:
    assert mailq([], CLOCK) == "Mail queue is empty\n"


def test_reason_lines_only_when_the_reason_changes() -> None:
    items = [entry("deferred", "4A1B2C3D4E", 2047, "alice@example.com",
                   Recipient("a@x", "a@x", REFUSED), Recipient("b@x", "b@x", REFUSED),
                   Recipient("c@x", "c@x", ""))]
    lines = mailq(items, CLOCK).splitlines()
    assert lines[2].endswith(f"({REFUSED})") and lines[2].index("(") == 76 - len(REFUSED)
    assert lines[3:5] == [" " * 41 + "a@x", " " * 41 + "b@x"]
    assert lines[5] == " " * (76 - len("reason unavailable")) + "(reason unavailable)"
    assert lines[-1] == "-- 1 Kbytes in 1 Request."  # 2047 // 1024, singular


def test_long_reasons_are_not_padded_or_wrapped() -> None:
    long = "host mx.example.org[192.0.2.1] said: " + "x" * 80
    text = mailq([entry("deferred", "4A1B2C3D4E", 10, "a@b", Recipient("c@d", "c@d", long))],
                 CLOCK)
    assert f"\n({long})\n" in text


def test_hold_and_forced_expiry_markers() -> None:
    text = mailq([entry("hold", "4A1B2C3D4E", 10, "a@b", expired=True)], CLOCK)
    assert text.splitlines()[1].startswith("4A1B2C3D4E!#      10 ")


def test_long_queue_ids() -> None:
    text = mailq([entry("deferred", "4fQB9r0sf8z1mZh", 10, "a@b")], CLOCK, long_ids=True)
    assert text.splitlines() == [
        "----Queue ID----- --Size-- ---Arrival Time---- --Sender/Recipient------",
        "4fQB9r0sf8z1mZh         10 Tue Mar  3 10:00:00 a@b", "",
        "-- 0 Kbytes in 1 Request."]


def test_json_lines() -> None:
    """Postfix 3.7 (showq_json.c format_json()): address and delay_reason only."""
    items = [entry("deferred", "5B6C7D8E9F", 3456, "alice@example.com",
                   Recipient("bob", "bob@example.org", REFUSED),
                   Recipient("carol@example.org", "carol@example.org", ""))]
    line = json_lines(items, CLOCK)
    assert line == (
        '{"queue_name": "deferred", "queue_id": "5B6C7D8E9F", "arrival_time": 1772532000, '
        '"message_size": 3456, "forced_expire": false, "sender": "alice@example.com", '
        '"recipients": [{"address": "bob@example.org", '
        f'"delay_reason": "{REFUSED}"}}, {{"address": "carol@example.org"}}]}}\n')
    assert json.loads(line)["arrival_time"] == 1772532000


def test_json_lines_orig_address_from_3_11() -> None:
    items = [entry("active", "5B6C7D8E9F", 10, "a@b", Recipient("bob", "bob@example.org", ""))]
    assert '"recipients": [{"orig_address": "bob", "address": "bob@example.org"}]' in \
        json_lines(items, CLOCK, orig_address=True)


def test_json_quote_as_showq_json() -> None:
    """json_quote(): upper-case \\u escapes, DEL escaped, UTF-8 and "/" left alone."""
    assert quote('a"b\\c\n\x01\x7f/é') == 'a\\"b\\\\c\\n\\u0001\\u007F/é'
