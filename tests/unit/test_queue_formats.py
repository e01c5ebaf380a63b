"""The mailq layouts of Sendmail and Exim, and what newaliases prints, from queue files.

The expected strings are written out from the C formats, not from the code under test:
Sendmail 8.17.1.9 queue.c print_single_queue() / printqueue(), alias.c readaliases();
Exim 4.98.2 queue.c queue_list(), string.c string_format_size().
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest

if TYPE_CHECKING:
    from simulator.world import World

from simulator.agents.mta.queue import QueueFile, QueueRecipient
from simulator.commands.newaliases_formats import sendmail_newaliases
from simulator.commands.queue_formats import exim_bp, format_size, sendmail_mailq, sendmail_status
from simulator.engine import Clock

CLOCK = Clock(datetime(2026, 4, 1, 9, 0, tzinfo=ZoneInfo("Asia/Tokyo")))
CONTENT = (b"Received: from x (x [192.0.2.9])\n\tby mx id 1\nSubject: hi\n\n"
           b"Hello Bob,\nsee you.\n")  # 20 bytes of body
REFUSED = "connect to mx.example.org[192.0.2.25]:25: Connection refused"


def qf(qid: str, queue: str = "deferred", at: float = 0.0, sender: str = "alice@example.net",
       rcpts: tuple[tuple[str, str, str | None], ...] = (("bob@example.org", "deferred", REFUSED),),
       attempts: int = 1) -> QueueFile:
    recipients = [QueueRecipient(a, a, status, None, reason, defer_reason=reason)
                  for a, status, reason in rcpts]
    f = QueueFile(qid, "m", sender, recipients, CONTENT, arrival=at, queue=queue)
    f.size = len(CONTENT)
    f.attempts = [at] * attempts
    return f


# --- sendmail --------------------------------------------------------------------------------
def test_sendmail_empty_queue() -> None:
    assert sendmail_mailq([], CLOCK) == "/var/spool/mqueue is empty\n\t\tTotal requests: 0\n"


def test_sendmail_one_deferred_message() -> None:
    assert sendmail_mailq([qf("631000Ab012345")], CLOCK) == (
        "\t\t/var/spool/mqueue (1 request)\n"
        "-----Q-ID----- --Size-- -----Q-Time----- ------------Sender/Recipient-----------\n"
        "631000Ab012345       20 Wed Apr  1 09:00 <alice@example.net>\n"
        "                 (Deferred: Connection refused by mx.example.org.)\n"
        "\t\t\t\t\t <bob@example.org>\n"
        "\t\tTotal requests: 1\n")


def test_sendmail_orders_by_priority_and_marks_the_active_message() -> None:
    busy = qf("631009Cd012399", queue="active", at=600.0, attempts=0,
              rcpts=(("carol@example.org", "pending", None),))
    tried = qf("631000Ab012345", attempts=3)  # 90000 per attempt: listed after
    out = sendmail_mailq([tried, busy], CLOCK)
    assert out.splitlines()[0] == "\t\t/var/spool/mqueue (2 requests)"
    assert out.splitlines()[2] == "631009Cd012399*      20 Wed Apr  1 09:10 <alice@example.net>"
    assert out.splitlines()[3] == "\t\t\t\t\t <carol@example.org>"  # no status line yet
    assert out.splitlines()[4].startswith("631000Ab012345 ")


def test_sendmail_lists_only_recipients_still_to_deliver_and_skips_hold() -> None:
    mixed = qf("631000Ab012345", rcpts=(("bob@example.org", "sent", None),
                                        ("dan@example.net", "deferred", REFUSED)))
    held = qf("631000Zz012346", queue="hold")
    out = sendmail_mailq([mixed, held], CLOCK)
    assert "<bob@example.org>" not in out and "\t\t\t\t\t <dan@example.net>\n" in out
    assert "(1 request)" in out and "631000Zz012346" not in out


@pytest.mark.parametrize(("reason", "status"), [
    (REFUSED, "Deferred: Connection refused by mx.example.org."),
    ("connect to mx.example.org[192.0.2.25]:25: Connection timed out",
     "Deferred: Connection timed out with mx.example.org."),
    (("host mx.example.org[192.0.2.25] said: 451 4.7.1 Please try again later (in reply to "
     "RCPT TO command)"), "Deferred: 451 4.7.1 Please try again later"),
    (("Host or domain name not found. Name service error for name=example.org type=MX: Host "
     "not found, try again"), "Deferred: Name server: example.org: host name lookup failure"),
])
def test_sendmail_status(reason: str, status: str) -> None:
    assert sendmail_status(reason) == status


def test_sendmail_status_line_is_cut_at_60() -> None:
    long = qf("631000Ab012345", rcpts=(("bob@example.org", "deferred",
                                        "host mx[192.0.2.25] said: 451 4.3.0 " + "x" * 80 +
                                        " (in reply to end of DATA command)"),))
    line = sendmail_mailq([long], CLOCK).splitlines()[3]
    assert line == "                 (" + ("Deferred: 451 4.3.0 " + "x" * 80)[:60] + ")"


# --- exim ------------------------------------------------------------------------------------
def test_exim_empty_queue_prints_nothing() -> None:
    assert exim_bp([], 0.0) == ""


def test_exim_entries() -> None:
    one = qf("1wQbyG-00000002x1p-0PRg")
    frozen = qf("1wQbyH-00000002x1q-0ABC", queue="hold", sender="",
                rcpts=(("bob@example.org", "sent", None), ("x@example.net", "deferred", None)))
    assert exim_bp([frozen, one], now=25 * 60 + 59) == (
        f"25m    {len(CONTENT)} 1wQbyG-00000002x1p-0PRg <alice@example.net>\n"
        "          bob@example.org\n"
        "\n"
        f"25m    {len(CONTENT)} 1wQbyH-00000002x1q-0ABC <> *** frozen ***\n"
        "        D bob@example.org\n"
        "          x@example.net\n"
        "\n")


@pytest.mark.parametrize(("age", "shown"), [
    (0, " 0m "), (90 * 60, "90m "), (91 * 60, " 2h "), (72 * 3600 + 29 * 60, "72h "),
    (73 * 3600, " 3d "), (6 * 86400, " 6d ")])
def test_exim_age(age: int, shown: str) -> None:
    assert exim_bp([qf("1wQbyG-00000002x1p-0PRg")], now=age).startswith(shown)


@pytest.mark.parametrize(("size", "text"), [
    (0, "     "), (437, "  437"), (1023, " 1023"), (1024, " 1.0K"), (2970, " 2.9K"),
    (10 * 1024, "  10K"), (1024 * 1024 - 1, "1024K"), (1024 * 1024, " 1.0M"),
    (20 * 1024 * 1024, "  20M")])
def test_exim_size(size: int, text: str) -> None:
    assert format_size(size) == text


# --- newaliases ------------------------------------------------------------------------------
def test_sendmail_newaliases_counts_names_and_right_hand_sides() -> None:
    text = ("# comment\n"
            "\n"
            "mailer-daemon:\tpostmaster\n"      # 13 + 10
            "PostMaster: root\n"                 # 10 + 4
            "staff: alice,\n"
            "\tbob\n"                            # 5 + len("alice,\tbob") = 10
            "broken line without colon\n"
            "empty:\n")
    assert sendmail_newaliases(text) == (
        "/etc/aliases: 3 aliases, longest 10 bytes, 52 bytes total\n")


def test_sendmail_newaliases_backslash_continuation() -> None:
    # contline() removes the backslash and the newline, and keeps the next line's blank
    assert sendmail_newaliases("list: a,\\\n b\n") == (
        "/etc/aliases: 1 aliases, longest 4 bytes, 8 bytes total\n")


# --- on a running host -----------------------------------------------------------------------
def deferred_world(family: str) -> World:
    """A host of the family whose message to example.org cannot go out (its MX does not
    answer): after the connect timeout it waits in the deferred queue."""
    from simulator.scenario import Scenario
    from simulator.world import World

    spec = {
        "name": "t", "title": {"en": "t"}, "start": "2026-04-01T09:00:00",
        "timezone": "Asia/Tokyo", "links": [{"between": ["mx.example.jp", "gone"],
                                             "latency": "5ms"}],
        "dns": "example.org. MX 10 mx.example.org.\nmx.example.org. A 192.0.2.99\n",
        "expect": {},
        "hosts": {"mx.example.jp": {"role": "server", "ip": "192.0.2.45", "mta_family": family,
                                    "services": ["smtp"],
                                    "users": {"frank": {}},
                                    "mta": {"mydestination": "$myhostname, $mydomain"},
                                    "files": {"/etc/aliases": "postmaster: root\nroot: frank\n"}},
                  "gone": {"role": "router"}},
        "commands": [{"at": "0s", "host": "mx.example.jp", "user": "frank", "id": "out",
                      "run": "sendmail bob@example.org", "stdin": "Subject: hi\n\nhello\n"}],
    }
    return World(Scenario.model_validate(spec)).run(until="5m")


def test_exim_command_lists_the_queue_of_an_exim_host() -> None:
    from simulator.commands import run_command

    world = deferred_world("exim")
    host = world.hosts["mx.example.jp"]
    listing = run_command(host, host.users["frank"], "exim -bp")
    qf = next(iter(host.mta.qmgr.queues["deferred"].values()))
    assert listing.status == 0
    assert listing.output == (f" 5m {format_size(len(qf.content))} {qf.qid} "
                              f"<frank@mx.example.jp>\n          bob@example.org\n\n")
    assert run_command(host, host.users["frank"], "exim4 -bpc").output == "1\n"
    assert run_command(host, host.users["frank"], "exim -bi").output == ""


def test_exim_command_does_not_exist_on_other_hosts() -> None:
    from simulator.commands import run_command

    world = deferred_world("sendmail")
    host = world.hosts["mx.example.jp"]
    result = run_command(host, host.users["frank"], "exim -bp")
    assert (result.output, result.status) == ("bash: exim: command not found\n", 127)


def test_family_mailq_and_newaliases() -> None:
    from simulator.commands.newaliases_formats import family_newaliases
    from simulator.commands.queue_formats import family_mailq

    sendmail_host = deferred_world("sendmail").hosts["mx.example.jp"]
    listing = family_mailq(sendmail_host)
    assert listing is not None
    lines = listing.output.splitlines()
    assert lines[0] == "\t\t/var/spool/mqueue (1 request)"
    assert lines[3] == ("                 (Deferred: Connection timed out with "
                        "mx.example.org.)")
    assert lines[4] == "\t\t\t\t\t <bob@example.org>"
    said = family_newaliases(sendmail_host)
    assert said is not None and said.output == (
        "/etc/aliases: 2 aliases, longest 5 bytes, 23 bytes total\n")  # 10+4, 4+5
    postfix_host = deferred_world("postfix").hosts["mx.example.jp"]
    assert family_mailq(postfix_host) is None and family_newaliases(postfix_host) is None


def test_mailq_and_sendmail_bp_follow_the_family() -> None:
    from simulator.commands import run_command
    from simulator.commands.queue_formats import family_mailq

    host = deferred_world("sendmail").hosts["mx.example.jp"]
    user = host.users["frank"]
    expected = family_mailq(host)
    assert expected is not None and expected.output.startswith("\t\t/var/spool/mqueue")
    assert run_command(host, user, "mailq").output == expected.output
    assert run_command(host, user, "sendmail -bp").output == expected.output
    # Postfix's own queue commands do not exist there; sendmail -q still flushes
    assert run_command(host, user, "postqueue -p").status == 127
    assert run_command(host, host.users["root"], "postsuper -d ALL").output == (
        "bash: postsuper: command not found\n")
    assert run_command(host, user, "sendmail -q").status == 0
    exim_host = deferred_world("exim").hosts["mx.example.jp"]
    assert run_command(exim_host, exim_host.users["frank"], "mailq").output == run_command(
        exim_host, exim_host.users["frank"], "exim -bp").output
