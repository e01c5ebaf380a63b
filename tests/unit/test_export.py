"""--export writes real mailboxes that Python's mailbox module reads, and nothing outside DIR;
a user name that would escape a directory is refused before the run."""

from __future__ import annotations

import mailbox
from pathlib import Path

import pytest

from simulator.scenario import load_scenario
from simulator.yamlsource import ScenarioError

LABS = Path(__file__).parents[2] / "scenarios"


def test_exported_mbox_and_maildir_open_with_the_mailbox_module(tmp_path: Path) -> None:
    world = load_scenario(LABS / "10-mbox-vs-maildir.yaml").build().run()
    written = world.export(tmp_path)
    assert all(tmp_path.resolve() in p.resolve().parents for p in written)
    mbox = mailbox.mbox(tmp_path / "mx.example.org/var/spool/mail/yuki", create=False)
    maildir = mailbox.Maildir(tmp_path / "mx.example.com/home/ken/Maildir", create=False)
    assert len(mbox) == 3 and len(maildir) == 3
    assert sorted(m["Subject"] for m in mbox) == sorted(m["Subject"] for m in maildir) == [
        "Directions", "See you", "Train times"]
    # the mbox quotes the body line that begins with "From ", the Maildir file does not
    body = {m["Subject"]: m.get_payload() for m in mbox}["Directions"]
    assert body.startswith(">From the station")
    assert {m["Subject"]: m.get_payload() for m in maildir}["Directions"].startswith("From the")


def test_exported_maildir_after_imap_reading_has_cur_files_with_flags(tmp_path: Path) -> None:
    world = load_scenario(LABS / "11-pop3-vs-imap.yaml").build().run()
    world.export(tmp_path)
    maildir = mailbox.Maildir(tmp_path / "mail.example.org/home/yuki/Maildir", create=False)
    assert len(maildir) == 2
    assert all(m.get_subdir() == "cur" and "S" in m.get_flags() for m in maildir)
    client = mailbox.mbox(tmp_path / "bob-pc/home/bob/Mail/Inbox", create=False)
    assert len(client) == 3


BAD_USER = """
name: t
title: {en: t}
start: 2026-04-01T09:00:00
hosts:
  mx.example.org:
    role: server
    ip: 192.0.2.25
    users:
      "../x": {}
      ok: {home: /home/../etc}
links: []
expect: {}
"""


def test_a_user_name_that_climbs_out_is_refused_with_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD_USER)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    text = str(err.value)
    where = f'{path}:10: hosts["mx.example.org"].users["../x"]'
    assert f"{where}: the key '../x' is not valid: user name '../x': expected a login" in text
    assert "it becomes /var/spool/mail/NAME" in text
    assert "expected an absolute path without '..' (got '/home/../etc')" in text


BAD_FETCH = """
name: t
title: {en: t}
start: 2026-04-01T09:00:00
hosts:
  mx.example.org: {role: server, ip: 192.0.2.25, services: [pop3], users: {bob: {password: p}}}
  pc:
    role: client
    ip: 192.0.2.9
    accounts:
      bob:
        address: bob@example.org
        smtp: {server: mx.example.org}
        incoming: {server: mx.example.org, user: bob, password: p}
links: []
fetches:
  - {at: 1m, client: pc, account: bob, delete: [nope]}
expect: {}
"""


def test_imap_actions_on_a_pop3_account_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD_FETCH)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    text = str(err.value)
    assert "fetches[0].delete: read/delete are IMAP actions; this account uses POP3" in text
    assert "fetches[0].delete[0]: unknown message 'nope'" in text
