"""The qmail family: formats from netqmail 1.06 (qmail-smtpd.c, received.c, qmail-queue.c,
date822fmt.c, qmail-qread.c, qmail-qstat.sh, sendmail.c) and qmail-local's .qmail rules."""

from __future__ import annotations

import random
from datetime import datetime
from zoneinfo import ZoneInfo

from simulator.agents.mda.dotqmail import candidates, owner_of
from simulator.agents.mta import qmail
from simulator.commands import run_command
from simulator.host import User
from tests.unit.test_queue_formats import deferred_world

TOKYO = datetime(2026, 4, 1, 9, 5, 7, tzinfo=ZoneInfo("Asia/Tokyo"))


def test_dates_are_gmt_without_week_day_or_leading_zero() -> None:
    assert qmail.date822(TOKYO) == "1 Apr 2026 00:05:07 -0000"


def test_greeting_is_the_host_name_and_esmtp() -> None:
    assert qmail.banner("mx.example.org") == "mx.example.org ESMTP"


def test_received_headers_from_the_network() -> None:
    value = qmail.smtp_received(4567, "mx.example.org", "mail.example.net", "203.0.113.25",
                                "mail.example.net", TOKYO)
    assert value == ("(qmail 4567 invoked from network); 1 Apr 2026 00:05:07 -0000\n"
                     "Received: from mail.example.net (203.0.113.25)\n"
                     "  by mx.example.org with SMTP; 1 Apr 2026 00:05:07 -0000")


def test_received_shows_a_differing_helo_and_unknown_without_ptr() -> None:
    value = qmail.smtp_received(1, "mx.example.org", None, "198.51.100.7", "My PC", TOKYO)
    assert "Received: from unknown (HELO My?PC) (198.51.100.7)\n" in value


def test_message_numbers_are_unique_and_seeded() -> None:
    a, b = qmail.QmailIds(random.Random(3)), qmail.QmailIds(random.Random(3))
    first = [a.next(0.0) for _ in range(50)]
    assert first == [b.next(0.0) for _ in range(50)]
    assert len(set(first)) == 50 and all(x.isdigit() for x in first)


def test_qmail_getpw_splits_at_dashes_and_sends_root_to_alias() -> None:
    users = {"alice": User("alice", 1000, "/home/alice", None),
             "root": User("root", 0, "/root", None)}
    assert owner_of(users, "alice") == ("alice", "", "")
    assert owner_of(users, "alice-list-x") == ("alice", "-", "list-x")
    assert owner_of(users, "root") == (None, "-", "root")
    assert owner_of(users, "postmaster") == (None, "-", "postmaster")


def test_dot_qmail_search_order() -> None:
    assert candidates("", "") == [".qmail"]
    assert candidates("-", "list-x.y") == [".qmail-list-x:y", ".qmail-list-default",
                                           ".qmail-default"]


def test_qmail_qread_and_qstat_on_a_deferred_message() -> None:
    world = deferred_world("qmail")
    host = world.hosts["mx.example.jp"]
    qf = next(iter(host.mta.qmgr.queues["deferred"].values()))
    listing = run_command(host, host.users["root"], "qmail-qread")
    assert listing.output == (f"1 Apr 2026 00:00:00 GMT  #{qf.qid}  {len(qf.content)}  "
                              "<frank@mx.example.jp> \n\tremote\tbob@example.org\n")
    assert run_command(host, host.users["root"], "sendmail -bp").output == listing.output
    assert run_command(host, host.users["root"], "qmail-qstat").output == (
        "messages in queue: 1\nmessages in queue but not yet preprocessed: 0\n")
    denied = run_command(host, host.users["frank"], "qmail-qread")
    assert (denied.output, denied.status) == ("fatal: unable to chdir: access denied\n", 111)


def test_the_sendmail_wrapper_refuses_what_qmail_lacks() -> None:
    world = deferred_world("qmail")
    host = world.hosts["mx.example.jp"]
    frank = host.users["frank"]
    usage = qmail_usage()
    assert run_command(host, frank, "sendmail -bi").output == usage
    assert run_command(host, frank, "sendmail -bv bob").status == 100
    assert run_command(host, frank, "sendmail -I").output == \
        "sendmail: illegal option -- I\n" + usage
    assert run_command(host, frank, "newaliases").status == 127
    assert run_command(host, frank, "mailq").output == "bash: mailq: command not found\n"
    assert run_command(host, frank, "qmail-qread").status == 111
    other = deferred_world("postfix").hosts["mx.example.jp"]
    assert run_command(other, other.users["frank"], "qmail-qstat").status == 127


def qmail_usage() -> str:
    return ("sendmail: usage: sendmail [ -t ] [ -fsender ] [ -Fname ] [ -bp ] [ -bs ] "
            "[ arg ... ]\n")


def test_a_local_submission_gets_qmail_queues_line() -> None:
    world = deferred_world("qmail")
    host = world.hosts["mx.example.jp"]
    qf = next(iter(host.mta.qmgr.queues["deferred"].values()))
    top = qf.content.split(b"\n", 1)[0].decode()
    assert top.startswith("Received: (qmail ") and top.endswith(
        f" invoked by uid {host.users['frank'].uid}); 1 Apr 2026 00:00:00 -0000")


def qmail_world(files: dict[str, object], to: str) -> object:
    """One qmail host; root sends one message to ``to`` with sendmail."""
    from simulator.scenario import Scenario
    from simulator.world import World

    spec = {
        "name": "t", "title": {"en": "t"}, "start": "2026-04-01T09:00:00",
        "timezone": "Asia/Tokyo", "links": [], "expect": {}, "dns": "",
        "hosts": {"mx.example.org": {"role": "server", "ip": "192.0.2.25",
                                     "mta_family": "qmail", "services": ["smtp"],
                                     "users": {"alice": {}, "bob": {}},
                                     "mta": {"mydestination": "$myhostname, $mydomain"},
                                     "files": files}},
        "commands": [{"at": "0s", "host": "mx.example.org", "user": "root", "id": "m",
                      "run": f"sendmail {to}", "stdin": "Subject: hi\n\nhello\n"}],
    }
    return World(Scenario.model_validate(spec)).run(until="1m")


def test_forwarding_to_oneself_loops_with_qmails_words() -> None:
    world = qmail_world({"/home/alice/.qmail": {"content": "&alice@example.org\n",
                                                "owner": "alice"}}, "alice@example.org")
    outcome = world.trace.outcome("m", "alice@example.org")
    assert outcome is not None and outcome.status == "bounced"
    assert outcome.where == ("This message is looping: it already has my Delivered-To "
                             "line. (#5.4.6)")


def test_an_extension_file_and_a_forward_only_file() -> None:
    files = {"/home/alice/.qmail-list": {"content": "&bob\n", "owner": "alice"},
             "/home/bob/.qmail": {"content": "./Maildir/\n", "owner": "bob", "mode": "0744"}}
    world = qmail_world(files, "alice-list@example.org")
    bob = world.trace.outcome("m", "bob@mx.example.org")
    assert bob is not None and bob.status == "queued"  # x bit: forward-only, file line
    assert "Uh-oh: .qmail has file delivery but has x bit set. (#4.7.0)" in bob.where


def test_no_file_for_an_extension_bounces() -> None:
    world = qmail_world({}, "alice-nothing@example.org")
    outcome = world.trace.outcome("m", "alice-nothing@example.org")
    assert outcome is not None and outcome.status == "bounced"
    assert outcome.where == "Sorry, no mailbox here by that name. (#5.1.1)"
    mailbox = world.hosts["mx.example.org"].fs.read("/home/alice/Mailbox")
    assert mailbox is None


def test_a_dot_qmail_without_deliveries_ends_silently_in_qmails_words() -> None:
    world = qmail_world({"/home/alice/.qmail": {"content": "# nothing here\n",
                                                "owner": "alice"}}, "alice@example.org")
    from simulator.i18n import explain

    hop = next(h for h in world.trace.hops if h.action == "no_destination")  # type: ignore[attr-defined]
    assert hop.detail.endswith("no copy is made and qmail logs nothing for it")
    assert "Postfix" not in hop.detail
    assert "qmail-local(8) counts it as done" in explain(hop.action, hop.args, "en")
    assert "qmail-local(8) は" in explain(hop.action, hop.args, "ja")
