"""SMTP typed by hand (telnet/nc) and ss/netstat, through the command registry."""

from pathlib import Path

from simulator import load_scenario
from simulator.agents.mta.smtpd import command_stats
from simulator.commands import run_command

ROOT = Path(__file__).resolve().parents[2]


def _world(name: str):
    world = load_scenario(ROOT / "scenarios" / name).build()
    world.run(until="30s")
    return world


def _run(world, host: str, line: str, stdin: str = "", user: str = "root"):
    h = world.hosts[host]
    return run_command(h, h.users[user], line, stdin)


def test_counters_as_smtpd_format_cmd_stats():
    assert command_stats({"ehlo": [1, 1], "rcpt": [0, 1], "quit": [1, 1]}) == \
        " ehlo=1 rcpt=0/1 quit=1 commands=2/3"
    assert command_stats({}) == " commands=0/0"


def test_telnet_replies_are_postfix_texts():
    world = _world("55-smtp-by-hand.yaml")
    out = _run(world, "alice-pc", "telnet mx.example.org 25",
               "EHLO x\nXYZZY\nDATA\nMAIL FROM:<a@example.net>\nMAIL FROM:<a@example.net>\n"
               "RCPT TO:<nobody@example.org>\nRCPT TO:<c@example.com>\nVRFY bob\nQUIT\n",
               "alice").output
    for line in ("500 5.5.2 Error: command not recognized", "503 5.5.1 Error: need RCPT command",
                 "503 5.5.1 Error: nested MAIL command",
                 ("550 5.1.1 <nobody@example.org>: Recipient address rejected: "
                 "User unknown in local recipient table"),
                 "454 4.7.1 <c@example.com>: Relay access denied", "252 2.0.0 bob",
                 "221 2.0.0 Bye"):
        assert line + "\n" in out


def test_size_limit_and_vrfy_unknown():
    world = _world("55-smtp-by-hand.yaml")
    out = _run(world, "alice-pc", "telnet mx.example.org 25",
               "HELO x\nMAIL FROM:<a@example.net> SIZE=99999999\nVRFY nobody\nQUIT\n",
               "alice").output
    assert "552 5.3.4 Message size exceeds fixed limit\n" in out
    assert "550 5.1.1 <nobody>: Recipient address rejected: User unknown in local " \
           "recipient table\n" in out


def test_ss_all_vs_loopback_only():
    world = _world("56-listening-ports.yaml")
    everywhere = _run(world, "mx.example.org", "ss -ltn").output
    local = _run(world, "web.example.org", "ss -ltn").output
    assert "0.0.0.0:25 " in everywhere and "127.0.0.1:25" not in everywhere
    assert "127.0.0.1:25 " in local and "[::1]:25 " in local and "0.0.0.0:25" not in local
    net = _run(world, "web.example.org", "netstat -antp").output
    assert "tcp        0      0 127.0.0.1:25            0.0.0.0:*               LISTEN" in net


def test_stopped_postfix_refuses_and_listens_nowhere():
    world = _world("56-listening-ports.yaml")
    assert _run(world, "web.example.org", "systemctl stop postfix").status == 0
    assert ":25 " not in _run(world, "web.example.org", "ss -ltn").output
    out = _run(world, "web.example.org", "telnet localhost 25", "QUIT\n")
    assert out.output == ("Trying 127.0.0.1...\n"
                          "telnet: Unable to connect to remote host: Connection refused\n")
    assert out.status == 1
