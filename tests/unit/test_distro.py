"""The host's os: (simulator/distro.py): spool paths, Postfix versions, mail(1) flavours,
and hostname: as the system's own name (syslog, Maildir names)."""

from __future__ import annotations

from typing import Any

import pytest

from simulator.commands import run_command
from simulator.commands.mailx_box import load
from simulator.commands.mailx_bsd import header_line
from simulator.distro import DISTROS, known
from simulator.scenario import Scenario
from simulator.world import World
from simulator.yamlsource import ScenarioError
from tests.queue_world import spec


def two_os_world(mx1: dict[str, Any] | None = None, **extra: Any) -> World:
    data = spec(messages=[{"id": "m1", "at": "0s", "client": "pc", "from": "alice@example.net",
                           "to": ["bob@example.org", "alice@example.net"], "subject": "hi",
                           "body": "hello\n"}])
    data["hosts"]["mail.example.net"]["os"] = "rhel-9"
    data["hosts"]["mx1.example.org"] |= {"os": "debian-12", **(mx1 or {})}
    data |= extra
    return World(Scenario.model_validate(data)).run(until=60)


def test_two_hosts_with_different_os_deliver_to_different_spool_paths() -> None:
    w = two_os_world()
    rhel, debian = w.hosts["mail.example.net"], w.hosts["mx1.example.org"]
    assert rhel.fs.exists("/var/spool/mail/alice") and not rhel.fs.exists("/var/mail/alice")
    assert debian.fs.exists("/var/mail/bob") and not debian.fs.exists("/var/spool/mail/bob")
    assert w.mailbox_paths(debian) == ["/var/mail/bob"]


def test_main_cf_still_overrides_the_distribution() -> None:
    w = two_os_world(mx1={"mta": {"mydestination": "$myhostname, $mydomain",
                                  "mail_spool_directory": "/var/spool/mail"}})
    assert w.hosts["mx1.example.org"].fs.exists("/var/spool/mail/bob")


def test_default_os_keeps_the_labs_settings() -> None:
    w = World(Scenario.model_validate(spec())).run(until=60)
    host = w.hosts["mx1.example.org"]
    assert host.distro.id == "textbook"
    assert host.cf is not None and host.cf["mail_spool_directory"] == "/var/spool/mail"
    assert host.cf["mail_version"] == "3.7.11"
    assert host.fs.exists("/var/spool/mail/bob")


def test_versions_and_paths_per_distribution() -> None:
    assert DISTROS["debian-12"].version == "3.7.11"
    assert DISTROS["rhel-9"].version == "3.5.25"
    assert DISTROS["rhel-9"].defaults["smtpd_tls_protocols"] == "!SSLv2, !SSLv3"
    assert DISTROS["debian-12"].defaults["daemon_directory"] == "/usr/lib/postfix/sbin"
    assert (DISTROS["debian-12"].mail, DISTROS["rhel-9"].mail) == ("bsd", "heirloom")
    assert not known("smtpd_hide_client_session", "3.7.11")
    assert known("smtpd_hide_client_session", "3.10.1") and known("relayhost", "3.5.25")


def test_unknown_os_is_a_scenario_error(tmp_path: Any) -> None:
    import yaml

    data = spec()
    data["hosts"]["mx1.example.org"]["os"] = "ubuntu"
    data["questions"] = []
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data))
    from simulator import load_scenario

    with pytest.raises(ScenarioError) as found:
        load_scenario(path)
    assert 'hosts["mx1.example.org"].os' in str(found.value)
    assert "debian-12" in str(found.value)


def test_hostname_names_syslog_and_maildir_but_not_myhostname() -> None:
    w = two_os_world(mx1={"hostname": "mx01.internal",
                          "mta": {"mydestination": "$myhostname, $mydomain",
                                  "home_mailbox": "Maildir/"}})
    host = w.hosts["mx1.example.org"]
    new = [p for p in host.fs.files if p.startswith("/home/bob/Maildir/new/")]
    assert len(new) == 1 and new[0].endswith(".mx01.internal")
    assert " mx01 postfix/local[" in host.maillog()
    assert host.cf is not None and host.cf["myhostname"] == "mx1.example.org"
    postconf = run_command(host, host.users["root"], "postconf -d myhostname mydomain")
    assert postconf.output == "myhostname = mx01.internal\nmydomain = internal\n"
    assert run_command(host, host.users["root"], "postconf -h myhostname").output == \
        "mx1.example.org\n"


def test_bsd_mailx_reads_var_mail_and_says_no_mail() -> None:
    w = two_os_world()
    debian = w.hosts["mx1.example.org"]
    held = run_command(debian, debian.users["bob"], "mail", "q\n")
    assert held.output.endswith("& q\nHeld 1 message in /var/mail/bob\n")  # not read: kept
    read = run_command(debian, debian.users["bob"], "mail", "1\nq\n")
    lines = read.output.splitlines()
    assert lines[0] == "Mail version 8.1.2 01/15/2001.  Type ? for help."
    assert lines[1] == '"/var/mail/bob": 1 message 1 unread'
    assert lines[2].startswith(">U  1 alice@example.net  Wed Apr  1 09:00 ")
    assert "Message 1:" in lines and "Status: O" not in read.output  # mail.rc ignores it
    assert lines[2].endswith(" hi")
    assert lines[-1] == "Saved 1 message in mbox"  # Debian's mail.rc sets no "hold"
    assert debian.fs.exists("/home/bob/mbox")
    again = run_command(debian, debian.users["bob"], "mail")
    assert (again.output, again.status) == ("No mail for bob\n", 1)
    assert run_command(debian, debian.users["carol"], "mail -e").status == 1


def test_heirloom_on_rhel_keeps_its_own_texts() -> None:
    w = two_os_world()
    rhel = w.hosts["mail.example.net"]
    out = run_command(rhel, rhel.users["alice"], "mail", "q\n").output
    assert out.startswith("Heirloom Mail version 12.5 7/5/10.  Type ? for help.\n"
                          '"/var/spool/mail/alice": 1 message 1 new\n')


def test_bsd_header_line_format() -> None:
    chunk = (b"From bob@example.org  Sun Dec  6 10:00:00 2026\n"
             b"From: Bob <bob@example.org>\nSubject: " + b"x" * 80 + b"\n\nbody\n\n")
    entries = load(chunk)
    line = header_line(entries, 0, 0)
    assert line.startswith(">N  1 bob@example.org    Sun Dec  6 10:00    6/")
    assert len(line) == 80  # printhead() cuts the line at the screen width
