"""postfix start/stop/status/reload and systemctl: refused connections, a kept queue,
resumed deliveries, and the messages postfix-script and systemd print."""

from __future__ import annotations

from typing import Any

from simulator.commands import run_command
from simulator.scenario import Scenario
from simulator.world import World
from tests.queue_world import MSA, message, spec

MX = "mx1.example.org"


def stopped_world(os_id: str | None = None) -> World:
    """mx1 and mx2 are stopped from 09:00 by a command; m1 is sent at 09:00:10."""
    data = spec(messages=[message("m1", "10s", "bob@example.org")],
                commands=[{"at": "0s", "host": h, "run": "systemctl stop postfix"}
                          for h in (MX, "mx2.example.org")])
    if os_id:
        data["hosts"][MX]["os"] = os_id
    return World(Scenario.model_validate(data))


def run(w: World, host: str, line: str, user: str = "root") -> Any:
    h = w.hosts[host]
    return run_command(h, h.users[user], line)


def test_stopped_mta_refuses_and_the_sender_keeps_the_mail() -> None:
    w = stopped_world().run(until=60)
    assert w.connect(w.hosts[MSA], "192.0.2.25", 25, 30).failure == "Connection refused"
    log = w.hosts[MSA].maillog()
    assert "connect to mx1.example.org[192.0.2.25]:25: Connection refused" in log
    assert "status=deferred" in log
    assert len(w.hosts[MSA].mta.qmgr.queues["deferred"]) == 1
    assert run(w, MX, "postfix status").output == \
        "postfix/postfix-script: the Postfix mail system is not running\n"
    assert run(w, MX, "systemctl start postfix").output == ""
    assert w.connect(w.hosts[MSA], "192.0.2.25", 25, 30).failure is None
    run(w, MSA, "postqueue -f")
    w.run(until=120)
    assert w.hosts[MX].fs.exists("/var/spool/mail/bob")
    assert not w.hosts[MSA].mta.qmgr.queues["deferred"]


def test_local_submission_waits_in_maildrop_until_start() -> None:
    w = stopped_world().run(until=5)
    run_command(w.hosts[MX], w.hosts[MX].users["root"], "mail -s x bob", "hi\n.\n")
    w.run(until=30)
    assert not w.hosts[MX].fs.exists("/var/spool/mail/bob")
    assert "warning: unable to look up public/pickup" in w.hosts[MX].maillog()
    assert run(w, MX, "postfix start").output == \
        "postfix/postfix-script: starting the Postfix mail system\n"
    w.run(until=40)
    assert w.hosts[MX].fs.exists("/var/spool/mail/bob")


def test_postfix_script_messages() -> None:
    w = World(Scenario.model_validate(spec(messages=[])))
    status = run(w, MX, "postfix status")
    assert status.status == 0
    assert status.output.startswith("postfix/postfix-script: the Postfix mail system is "
                                    "running: PID: ")
    assert run(w, MX, "postfix start").output == \
        "postfix/postfix-script: fatal: the Postfix mail system is already running\n"
    assert run(w, MX, "postfix stop").output == \
        "postfix/postfix-script: stopping the Postfix mail system\n"
    assert (run(w, MX, "postfix reload").output, run(w, MX, "postfix reload").status) == (
        "postfix/postfix-script: fatal: the Postfix mail system is not running\n", 1)
    assert run(w, MX, "postfix").output == \
        "postfix: fatal: usage: postfix [-c config_dir] [-Dv] command\n"
    assert run(w, MX, "postfix status", user="bob").output == \
        "postfix: fatal: to submit mail, use the Postfix sendmail command\n"
    assert run(w, MX, "postfix bogus").output.startswith(
        "postfix/postfix-script: fatal: unknown command: 'bogus'. Usage: postfix start (or "
        "stop, reload,")
    log = w.hosts[MX].maillog()
    assert "postfix/master[" in log and "terminating on signal 15" in log


def test_systemctl_verbs_and_units() -> None:
    w = World(Scenario.model_validate(spec(messages=[])))
    assert (run(w, MX, "systemctl is-active postfix").output,
            run(w, MX, "systemctl is-active postfix").status) == ("active\n", 0)
    assert run(w, MX, "systemctl restart postfix").status == 0
    assert run(w, MX, "systemctl is-active postfix.service").output == "active\n"
    assert run(w, MX, "systemctl stop postfix", user="bob").status == 1
    missing = run(w, MX, "systemctl status sendmail")
    assert (missing.output, missing.status) == ("Unit sendmail.service could not be found.\n", 4)
    assert run(w, MX, "systemctl start postfix@-").status == 5  # Debian's unit only
    assert run(w, MX, "systemctl stop postfix").status == 0
    assert run(w, MX, "systemctl reload postfix").output == \
        "Failed to reload postfix.service: Unit postfix.service is not active.\n"
    status = run(w, MX, "systemctl status postfix")
    assert status.status == 3 and status.output.startswith("○ postfix.service - Postfix")


def test_status_text_per_distribution() -> None:
    w = stopped_world("debian-12")
    run(w, MX, "systemctl start postfix")
    wrapper = run(w, MX, "systemctl status postfix").output
    assert "Active: active (exited) since Wed 2026-04-01 09:00:00 UTC; now" in wrapper
    unit = run(w, MX, "systemctl status postfix@-").output.splitlines()
    assert unit[0] == "● postfix@-.service - Postfix Mail Transport Agent (instance -)"
    assert unit[1] == ("     Loaded: loaded (/lib/systemd/system/postfix@.service; "
                       "enabled-runtime; preset: enabled)")
    assert any(line.endswith("/usr/lib/postfix/sbin/master -w") for line in unit)
    assert any("daemon started -- version 3.7.11, configuration /etc/postfix" in line
               for line in unit)


def test_systemd_relative_times() -> None:
    from simulator.commands.systemd_units import relative

    assert [relative(s) for s in (0, 11, 60, 301, 3900, 7 * 3600, 26 * 3600, 3 * 86400)] == [
        "now", "11s ago", "1min 0s ago", "5min ago", "1h 5min ago", "7h ago", "1 day 2h ago",
        "3 days ago"]
