"""Golden tests: every kind of notice Postfix 3.7's bounce(8) writes, whole message bytes
as local(8) stores them in the mbox, after masking what changes from run to run (dates,
queue IDs, the boundary's time stamp, Message-IDs).

The expected files in tests/unit/golden/ were checked line by line against Postfix
3.7.11's bounce/bounce_notify_util.c (bounce_header(), bounce_recipient_log(),
bounce_header_dsn(), bounce_recipient_dsn(), bounce_original()), bounce_notify_service.c,
bounce_warn_service.c, bounce_trace_service.c, global/post_mail.c and global/mail_date.c.
Set MAILSIM_REGEN_GOLDEN=1 to rewrite them after a deliberate change, then read the diff.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from simulator.commands import run_command
from simulator.scenario import load_scenario
from simulator.world import World
from tests.queue_world import MSA, message, world

GOLDEN = Path(__file__).parent / "golden"
ROOT = Path(__file__).parents[2]
DOWN = [{"at": "0s", "do": "service_down", "host": h, "service": "smtp"}
        for h in ("mx1.example.org", "mx2.example.org")]

LAB = """
name: notices
title: {en: notices}
seed: 9
start: 2026-06-01T10:00:00
hosts:
  mx.example.org:
    role: server
    ip: 192.0.2.25
    mta: {myorigin: example.org, mydestination: "$myhostname, localhost, example.org",
          notify_classes: "resource, software, bounce"}
    users: {alice: {}, bob: {}}
    files:
      /etc/aliases: "postmaster: root\\nroot: bob\\nlost: nosuch\\nteam: alice, bob\\n"
links: []
expect: {}
"""

DATE = re.compile(r"\w{3}, [ \d]\d \w{3} \d{4} \d\d:\d\d:\d\d [+-]\d{4} \(\w+\)")
FROM_LINE = re.compile(r"^(From \S+  )\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$",
                       re.MULTILINE)
QID = re.compile(r"\b[0-9A-F]{10,11}\b")
EPOCH = re.compile(r"\.\d{10}/")
MSGID = re.compile(r"<\d{14}\.[0-9A-F]+@|<[0-9a-f-]{36}@")


def mask(text: str) -> str:
    """Dates become DATE, queue IDs QID1, QID2 ... in order of first appearance."""
    text = FROM_LINE.sub(r"\1DATE", DATE.sub("DATE", text))
    text = MSGID.sub("<MSGID@", EPOCH.sub(".EPOCH/", text))
    ids: dict[str, str] = {}
    return QID.sub(lambda m: ids.setdefault(m.group(0), f"QID{len(ids) + 1}"), text)


def check(name: str, mbox: bytes | None) -> None:
    assert mbox is not None, f"no mailbox for {name}"
    got = mask(mbox.decode())
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("MAILSIM_REGEN_GOLDEN"):
        path.write_text(got)
    assert got == path.read_text(), f"{name} differs from {path}"


def lab(tmp_path: Path) -> World:
    path = tmp_path / "lab.yaml"
    path.write_text(LAB)
    return load_scenario(path).build()


def test_bounce_from_a_remote_550() -> None:
    """A non-delivery notice for mail submitted over SMTP: smtpd recorded the DSN ORCPT,
    so Original-Recipient is ``rfc822;ADDR`` without a space; the whole message returns."""
    w = world(messages=[message("m1", "0s", "nosuch@example.org")])
    w.run(until="1h")
    check("bounce-remote", w.hosts[MSA].fs.read("/var/spool/mail/alice"))


def test_bounce_of_an_alias_and_its_postmaster_copy(tmp_path: Path) -> None:
    """sendmail lost -> alias lost: nosuch, no such user: "(expanded from <lost>)" and
    ``Original-Recipient: rfc822; lost`` (with a space: from the original address, no
    DSN ORCPT); notify_classes has bounce, so postmaster (root -> bob) gets a headers-only
    copy from double-bounce@, X-Original-To: postmaster as cleanup received it."""
    w = lab(tmp_path)
    host = w.hosts["mx.example.org"]
    run_command(host, host.users["alice"], "sendmail lost", "Subject: hi\n\nhello\n")
    w.run(until="1h")
    check("bounce-alias", host.fs.read("/var/spool/mail/alice"))
    check("bounce-postmaster-copy", host.fs.read("/var/spool/mail/bob"))


def test_delay_warning_and_postmaster_warning() -> None:
    w = world(events=DOWN, messages=[message("m1", "0s", "bob@example.org")],
              msa={"delay_warning_time": "1h", "notify_classes": "resource, software, delay"})
    w.run(until="2h")
    check("delay", w.hosts[MSA].fs.read("/var/spool/mail/alice"))
    check("delay-postmaster", w.hosts[MSA].fs.read("/var/spool/mail/root"))


def test_sendmail_bv_report(tmp_path: Path) -> None:
    w = lab(tmp_path)
    host = w.hosts["mx.example.org"]
    assert run_command(host, host.users["alice"], "sendmail -bv postmaster team").status == 0
    w.run(until="1h")
    check("verify", host.fs.read("/var/spool/mail/alice"))


def test_postmaster_copy_of_a_double_bounce() -> None:
    """Lab 38: the bounce to noreply@example.com fails too; 2bounce_notice_recipient
    (root) gets the whole failed bounce, and X-Original-To holds "root" as it arrived."""
    w = load_scenario(ROOT / "scenarios" / "38-double-bounce.yaml").build()
    w.run(until="1h")
    check("double-bounce", w.hosts["mail.example.com"].fs.read("/var/spool/mail/root"))


@pytest.mark.parametrize("version,present", [("3.5.0", False), ("3.7.11", True)])
def test_threaded_bounces_need_3_6_and_the_parameter(version: str, present: bool) -> None:
    """enable_threaded_bounces (Postfix >= 3.6, default no) adds References: and
    In-Reply-To: with the original Message-ID; the default notice has neither."""
    msa: dict[str, Any] = {"mail_version": version, "enable_threaded_bounces": "yes"}
    w = world(messages=[message("m1", "0s", "nosuch@example.org")], msa=msa)
    w.run(until="1h")
    box = (w.hosts[MSA].fs.read("/var/spool/mail/alice") or b"").decode()
    head = box.split("\n\n", 1)[0]
    assert ("\nReferences: <" in head and "\nIn-Reply-To: <" in head) is present
