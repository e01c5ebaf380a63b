"""newaliases, sendmail -bi/-I, postalias and sendmail -bv on a simulated host: what the
terminal shows (Postfix's words, nothing on success) and what they change."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from simulator.agents.mda import aliases
from simulator.commands import run_command
from simulator.scenario import load_scenario

LAB = """
name: cmds
title: {en: cmds}
seed: 4
start: 2026-06-01T10:00:00
hosts:
  mx.example.org:
    role: server
    ip: 192.0.2.25
    mta: {myorigin: example.org, mydestination: "$myhostname, localhost, example.org"}
    users: {alice: {}, bob: {}}
    files:
      /etc/aliases: "postmaster: root\\nroot: alice\\nteam: alice, bob\\n"
links: []
expect: {}
"""


@pytest.fixture
def world(tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "lab.yaml"
    path.write_text(LAB)
    return load_scenario(path).build()


def host_and_user(world, name: str = "root"):  # type: ignore[no-untyped-def]
    host = world.hosts["mx.example.org"]
    return host, host.users[name]


def edit(host, text: str, t: float = 0.0) -> None:  # type: ignore[no-untyped-def]
    host.fs.write("/etc/aliases", text.encode(), "root", 0o644, t)


@pytest.mark.parametrize("line", ["newaliases", "sendmail -bi", "sendmail -I",
                                  "postalias /etc/aliases", "postalias hash:/etc/aliases"])
def test_rebuild_prints_nothing_on_success(world, line: str) -> None:  # type: ignore[no-untyped-def]
    host, root = host_and_user(world)
    edit(host, "sales: bob\n")
    result = run_command(host, root, line)
    assert (result.output, result.status) == ("", 0)
    db = aliases.open_db(host.fs, aliases.MapName("hash", "/etc/aliases"))
    assert db.get("sales") == "bob" and db.get("team") is None


def test_warnings_go_to_the_terminal_and_the_log(world) -> None:  # type: ignore[no-untyped-def]
    host, root = host_and_user(world)
    edit(host, "ok: bob\nbroken line\nroot: alice\nRoot: bob\n")
    result = run_command(host, root, "newaliases")
    assert result.output == ("postalias: warning: /etc/aliases, line 2: need name:value pair\n"
                             'postalias: warning: /etc/aliases.db: duplicate entry: "root"\n')
    assert result.status == 0
    assert any("postfix/postalias[" in x.line and "need name:value pair" in x.line
               for x in world.trace.logs)


def test_a_user_may_not_rebuild_roots_database(world) -> None:  # type: ignore[no-untyped-def]
    host, alice = host_and_user(world, "alice")
    result = run_command(host, alice, "newaliases")
    assert result.output == "postalias: fatal: open /etc/aliases.db: Permission denied\n"
    assert result.status == 1


def test_newaliases_takes_no_recipient(world) -> None:  # type: ignore[no-untyped-def]
    host, root = host_and_user(world)
    result = run_command(host, root, "newaliases bob")
    assert result.status == 64 and "alias initialization mode requires no recipient" in \
        result.output


def test_postalias_query(world) -> None:  # type: ignore[no-untyped-def]
    host, root = host_and_user(world)
    assert run_command(host, root, "postalias -q TEAM /etc/aliases").output == "alice, bob\n"
    missing = run_command(host, root, "postalias -q nobody /etc/aliases")
    assert (missing.output, missing.status) == ("", 1)


def test_sendmail_bv_prints_one_line_and_mails_a_report(world) -> None:  # type: ignore[no-untyped-def]
    host, alice = host_and_user(world, "alice")
    result = run_command(host, alice, "sendmail -bv postmaster team")
    assert (result.output, result.status) == (
        "Mail Delivery Status Report will be mailed to <alice>.\n", 0)
    world.run()
    box = (host.fs.read("/var/spool/mail/alice") or b"").decode()
    assert "Subject: Mail Delivery Status Report" in box
    assert "<alice@example.org> (expanded from <postmaster>): delivery via local: delivers" \
        in box
    assert "Action: deliverable" in box
    assert "Content-Description: Message Headers" in box
    # nothing was delivered for the probe: bob's mailbox does not exist
    assert host.fs.read("/var/spool/mail/bob") is None
    assert not any(o.msg == "cmd1" for o in world.trace.outcomes.values())


def test_sendmail_bv_refuses_t_and_needs_recipients(world) -> None:  # type: ignore[no-untyped-def]
    host, alice = host_and_user(world, "alice")
    assert run_command(host, alice, "sendmail -bv -t").output == \
        "sendmail: fatal: -t option cannot be used with -bv\n"
    result = run_command(host, alice, "sendmail -bv")
    assert result.status == 64 and "Recipient addresses must be specified" in result.output


def test_default_aliases_when_the_lab_gives_none(tmp_path: Path) -> None:
    spec = yaml.safe_load(LAB)
    del spec["hosts"]["mx.example.org"]["files"]
    path = tmp_path / "lab.yaml"
    path.write_text(yaml.safe_dump(spec))
    host = load_scenario(path).build().hosts["mx.example.org"]
    db = aliases.open_db(host.fs, aliases.MapName("hash", "/etc/aliases"))
    assert db.get("mailer-daemon") == "postmaster" and db.get("postmaster") == "root"
