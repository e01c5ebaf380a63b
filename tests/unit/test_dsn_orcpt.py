"""The per-recipient DSN block of a notice, field by field, as Postfix 3.7's
bounce/bounce_notify_util.c bounce_recipient_dsn() writes it: Final-Recipient, then
Original-Recipient (the DSN ORCPT as recorded, "rfc822;ADDR" without a space, which smtpd
always records from RCPT TO (smtpd.c rcpt_cmd()); else the original address
"rfc822; ADDR" when it differs from the final one (bounce_append_service.c keeps it only
then); else no such field), Action, Status, Remote-MTA, Diagnostic-Code, Will-Retry-Until.
"""

from __future__ import annotations

from pathlib import Path

from simulator.commands import run_command
from simulator.scenario import load_scenario
from simulator.world import World
from tests.queue_world import MSA, message, world

LAB = """
name: orcpt
title: {en: orcpt}
seed: 9
start: 2026-06-01T10:00:00
hosts:
  mx.example.org:
    role: server
    ip: 192.0.2.25
    mta: {myorigin: example.org, mydestination: "$myhostname, localhost, example.org"}
    users: {alice: {}, bob: {}, carol: {}}
    files:
      /etc/aliases: "postmaster: root\\nroot: bob\\nstaff: :include:/etc/mail/staff\\n"
      /etc/mail/staff: "ghost1\\n"
      /home/carol/.forward: {content: "ghost2\\n", owner: carol, mode: "0644"}
links: []
expect: {}
"""


def dsn_blocks(box: bytes) -> list[list[str]]:
    """The per-recipient field blocks of the first notice's message/delivery-status."""
    part = box.decode().split("Content-Type: message/delivery-status\n\n", 1)[1]
    part = part.split("\n--", 1)[0]
    return [b.splitlines() for b in part.strip("\n").split("\n\n")[1:]]


def lab(tmp_path: Path) -> World:
    (tmp_path / "lab.yaml").write_text(LAB)
    return load_scenario(tmp_path / "lab.yaml").build()


def bounce_for(tmp_path: Path, rcpt: str) -> list[list[str]]:
    w = lab(tmp_path)
    host = w.hosts["mx.example.org"]
    run_command(host, host.users["alice"], f"sendmail {rcpt}", "Subject: x\n\nx\n")
    w.run(until="1h")
    return dsn_blocks(host.fs.read("/var/spool/mail/alice") or b"")


def test_smtp_recipient_has_the_recorded_orcpt_without_a_space() -> None:
    w = world(messages=[message("m1", "0s", "nosuch@example.org")])
    w.run(until="1h")
    [block] = dsn_blocks(w.hosts[MSA].fs.read("/var/spool/mail/alice") or b"")
    assert block[:4] == ["Final-Recipient: rfc822; nosuch@example.org",
                         "Original-Recipient: rfc822;nosuch@example.org",
                         "Action: failed", "Status: 5.1.1"]
    assert block[4] == "Remote-MTA: dns; mx1.example.org"
    assert block[5].startswith("Diagnostic-Code: smtp; 550 5.1.1 ")


def test_include_member_has_the_alias_as_original(tmp_path: Path) -> None:
    [block] = bounce_for(tmp_path, "staff")
    assert block == ["Final-Recipient: rfc822; ghost1@example.org",
                     "Original-Recipient: rfc822; staff", "Action: failed", "Status: 5.1.1",
                     'Diagnostic-Code: X-Postfix; unknown user: "ghost1"']


def test_forward_target_has_the_forwarding_user_as_original(tmp_path: Path) -> None:
    [block] = bounce_for(tmp_path, "carol")
    assert block[:2] == ["Final-Recipient: rfc822; ghost2@example.org",
                         "Original-Recipient: rfc822; carol"]


def test_unchanged_recipient_without_orcpt_has_no_original_recipient(tmp_path: Path) -> None:
    """sendmail records no DSN ORCPT, and the address did not change: no such field."""
    [block] = bounce_for(tmp_path, "nosuch@example.org")
    assert block[0] == "Final-Recipient: rfc822; nosuch@example.org"
    assert not any(line.startswith("Original-Recipient:") for line in block)
    assert block[1:3] == ["Action: failed", "Status: 5.1.1"]


def test_verify_report_entries_have_the_alias_as_original(tmp_path: Path) -> None:
    w = lab(tmp_path)
    host = w.hosts["mx.example.org"]
    run_command(host, host.users["alice"], "sendmail -bv staff alice")
    w.run(until="1h")
    blocks = dsn_blocks(host.fs.read("/var/spool/mail/alice") or b"")
    assert [b[:2] for b in blocks] == [
        ["Final-Recipient: rfc822; ghost1@example.org", "Original-Recipient: rfc822; staff"],
        ["Final-Recipient: rfc822; alice@example.org", "Original-Recipient: rfc822; alice"]]


def test_verify_report_of_a_missing_include_file_is_undeliverable(tmp_path: Path) -> None:
    """local/include.c: stat_as() fails, "unable to lookup :include: file ..." is logged,
    and the recipient bounces 5.3.5 "mail system configuration error"; -bv reports it
    undeliverable, never deliverable."""
    (tmp_path / "lab.yaml").write_text(LAB.replace("staff: :include:/etc/mail/staff",
                                                   "staff: bob, :include:/etc/mail/gone"))
    w = load_scenario(tmp_path / "lab.yaml").build()
    host = w.hosts["mx.example.org"]
    run_command(host, host.users["alice"], "sendmail -bv staff")
    w.run(until="1h")
    blocks = dsn_blocks(host.fs.read("/var/spool/mail/alice") or b"")
    assert [b[0] for b in blocks] == ["Final-Recipient: rfc822; bob@example.org",
                                      "Final-Recipient: rfc822; staff@example.org"]
    assert blocks[0][2] == "Action: deliverable"
    assert blocks[1][2:] == ["Action: undeliverable", "Status: 5.3.5",
                             ("Diagnostic-Code: X-Postfix; delivery via local: mail system "
                             "configuration error")]
    assert "warning: unable to lookup :include: file /etc/mail/gone: No such file or " \
           "directory" in host.maillog()
