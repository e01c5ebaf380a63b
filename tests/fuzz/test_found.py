"""What the fuzz campaign found, each kept as a plain test: inputs that once raised
half-way through a run, or were accepted although they could never work."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from simulator import commands
from simulator.expect import check
from simulator.scenario import load_scenario
from simulator.yamlsource import ScenarioError

LABS = Path(__file__).resolve().parents[2] / "scenarios"


def _variant(tmp_path: Path, lab: str, old: str, new: str, count: int = 1) -> Path:
    text = (LABS / lab).read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / lab
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return path


def _error(path: Path) -> str:
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    return str(err.value)


def test_a_wrong_imap_password_is_refused_not_a_crash(tmp_path: Path) -> None:
    text = (LABS / "11-pop3-vs-imap.yaml").read_text(encoding="utf-8")
    wrong = re.sub(r"(protocol: imap.*?password: )[^\s,}]+", r"\1WRONG", text, count=1, flags=re.DOTALL)
    assert wrong != text
    (tmp_path / "lab.yaml").write_text(wrong, encoding="utf-8")
    world = load_scenario(tmp_path / "lab.yaml").build().run()
    lines = [line for s in world.trace.sessions if s.proto == "IMAP" for _, _, line in s.lines]
    assert any("NO [AUTHENTICATIONFAILED] Authentication failed." in x for x in lines), lines


def _mail_host():  # type: ignore[no-untyped-def]
    world = load_scenario(LABS / "13-mail-command.yaml").build()
    world.run("2m")
    return world, world.hosts["mail.example.org"]


def test_mail_with_japanese_and_latin1_bodies_writes_their_octets() -> None:
    world, host = _mail_host()
    ken = host.users["ken"]
    assert commands.run_command(host, ken, "mail -s 'café' yuki", "café\n.\n").status == 0
    assert commands.run_command(host, ken, "mail -s '名前' yuki", "名前です\n.\n").status == 0
    world.run()
    data = bytes(host.fs.files["/var/spool/mail/yuki"].data)
    assert b"charset=iso-8859-1\nContent-Transfer-Encoding: 8bit" in data
    assert b"\n\ncaf\xe9\n" in data  # iso-8859-1 octets, as the header says
    assert "\n\n名前です\n".encode() in data and b"charset=utf-8" in data


def test_cat_and_ls_resolve_dot_dot_as_the_kernel_does() -> None:
    _world, host = _mail_host()
    ken = host.users["ken"]
    up = commands.run_command(host, ken, "ls ../..")
    assert up.status == 0 and up.output == commands.run_command(host, ken, "ls /").output
    assert commands.run_command(host, ken, "cat ../../etc/aliases").output == \
        commands.run_command(host, ken, "cat /etc/aliases").output
    assert commands.run_command(host, ken, "cat /../../etc/hostname-none").status == 1


@pytest.mark.parametrize(("old", "new", "said"), [
    ("at: 0s", "at: 99999999w", "at most 400d"),
    ("at: 0s", "at: 1e300", "at most 400d"),
    ("to: [bob@example.org]", "to: ['@']", "expected an address like user@example.com"),
    ("to: [bob@example.org]", "to: ['a@@b.example']", "with one @"),
    ("subject: Lunch on Friday?", "subject: \"Lunch\\nBcc: all@example.net\"", "one line"),
    ("start: 2026-04-01T09:00:00", "start: 9999-12-31T09:00:00", "between 1971 and 9998"),
    ("timezone: Asia/Tokyo", "timezone: " + "x" * 5000, "expected an IANA time zone"),
    ("timezone: Asia/Tokyo", "timezone: ../../../etc/passwd", "expected an IANA time zone"),
])
def test_values_that_once_failed_mid_run_are_scenario_errors(tmp_path: Path, old: str,
                                                             new: str, said: str) -> None:
    assert said in _error(_variant(tmp_path, "01-basic-delivery.yaml", old, new))


def test_a_relative_or_climbing_mailbox_path_is_refused(tmp_path: Path) -> None:
    path = _variant(tmp_path, "10-mbox-vs-maildir.yaml", "path: /var/spool/mail/",
                    "path: ../var/spool/mail/")
    assert "expected an absolute path without '..'" in _error(path)


def test_an_account_server_that_is_nowhere_is_named(tmp_path: Path) -> None:
    path = _variant(tmp_path, "01-basic-delivery.yaml", "server: mail.example.net",
                    "server: mial.example.net")
    assert "unknown server 'mial.example.net'" in _error(path)


def test_main_cf_references_are_checked_after_expansion(tmp_path: Path) -> None:
    path = _variant(tmp_path, "35-mailq-and-flush.yaml", "myorigin: $mydomain",
                    "myorigin: $mydomain\n      maximal_backoff_time: $myhostname")
    assert "maximal_backoff_time: expected a duration" in _error(path)


def test_lab_13_still_meets_its_expectations() -> None:
    world = load_scenario(LABS / "13-mail-command.yaml").build().run()
    assert all(c.ok for c in check(world))


def test_a_drac_expiry_of_zero_is_refused_not_a_hang(tmp_path: Path) -> None:
    path = _variant(tmp_path, "42-pop-before-smtp.yaml", "drac: {expire: 30m}",
                    "drac: {expire: 0m}")
    assert "expected whole minutes, at least 1m" in _error(path)


def test_a_zero_queue_run_delay_is_refused_as_qmgr_would(tmp_path: Path) -> None:
    path = _variant(tmp_path, "35-mailq-and-flush.yaml", "myorigin: $mydomain",
                    "myorigin: $mydomain\n      queue_run_delay: 0s")
    assert 'Postfix would stop with "fatal: invalid queue_run_delay: 0 (min 1)"' in _error(path)
