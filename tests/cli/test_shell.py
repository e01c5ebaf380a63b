"""mailsim shell with a script on stdin: one transcript per lab group, and bad input.

Each session is typed as a student would (CliRunner feeds stdin, which is no terminal, so
the shell echoes every line after its prompt); the assertions read the transcript.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from simulator.cli import app

ROOT = Path(__file__).resolve().parents[2]


def shell(*args: str, script: list[str], code: int = 0) -> str:
    result = CliRunner().invoke(app, ["shell", *args], input="\n".join(script) + "\n",
                                env={"NO_COLOR": "1"})
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result.output


def test_flow_and_mx_step_by_step() -> None:
    out = shell("scenarios/03-dns-mx.yaml", script=["clock", *["step"] * 12, "run", "status"])
    assert out.count("root@mail:~# step") == 12  # the first server, as root
    assert "Simulated clock: 14:00:00.000" in out  # time stood still until the first step
    # each hop as the compact view (render/compact.py) shows it at 80 columns
    assert "14:00:00.261  pc MUA → mail.example.net smtpd  ESMTPSA/587  submit\n" \
           "    250 2.0.0 Ok: queued as " in out
    assert "after SMTP AUTH" in out  # each step is explained
    assert "dns_mx [" in out  # the MX lookup of the relay
    status = out.split("root@mail:~# status")[1]
    assert "ren@example.com (pref): delivered to mx1.example.com:/var/spool/mail/ren" in status


def test_mailboxes_mbox_and_maildir() -> None:
    out = shell("scenarios/10-mbox-vs-maildir.yaml", "--host", "mx.example.com", "--user",
                "ken", script=["run 10m", "ls -a Maildir", "ssh mx.example.org",
                               "ssh yuki@mx.example.org", "cat /var/spool/mail/yuki", "exit",
                               "ls Maildir/new"])
    assert "ken@mx:~$ ls -a Maildir\n.  ..  cur  new  tmp\n" in out
    assert "ken@mx.example.org: Permission denied (publickey,password)." in out  # no ken there
    assert "yuki@mx:~$ cat /var/spool/mail/yuki\nFrom alice@example.net " in out
    assert "Connection to mx.example.org closed." in out
    assert out.split("ken@mx:~$ ls Maildir/new\n")[1].count(".mx") == 3


def test_aliases_edit_newaliases_and_forward() -> None:
    out = shell("scenarios/20-aliases.yaml", "--host", "mx.example.org", script=[
        "cat >> /etc/aliases <<EOF", "sales: dave", "EOF",
        "mail -s before sales </etc/hostname",  # a missing file: bash's own error
        "mail -s first sales <<EOF", "hi", "EOF", "run 1s", "status",
        "newaliases", "mail -s second sales <<EOF", "hi again", "EOF", "run 1s",
        "su bob", "cat > ~/.forward <<EOF", "\\bob, carol", "EOF", "cat .forward",
        "edit /etc/aliases", "x: y", ".", "exit", "mail -s third bob <<EOF", "copy?", "EOF",
        "run 1s", "status"])
    assert "bash: /etc/hostname: No such file or directory" in out
    # before newaliases the new alias is unknown (aliases.db is the old one)
    assert 'sales@example.org (cmd1, for sales): bounced at 10:00:00.005 on mx.example.org: ' \
           'unknown user: "sales"' in out
    assert "dave@example.org (cmd2, for sales): delivered" in out
    assert "bob@mx:~$ cat .forward\n\\bob, carol\n" in out
    assert "edit: /etc/aliases: Permission denied" in out  # bob may not edit it
    # \bob keeps a copy in bob's mailbox, carol gets the other
    assert "bob@example.org (cmd3, for bob): delivered to mx.example.org:/var/spool/mail/bob" in out
    assert "carol@example.org (cmd3, for bob): delivered" in out


def test_queue_fills_and_drains_as_the_student_moves_the_clock() -> None:
    out = shell("scenarios/31-all-mx-down-2h.yaml", script=[
        "events", "run 10m", "mailq", "events", "run until 11:00", "status",
        "postqueue -f", "run 1m", "status", "mailq"])
    first_events = out.split("root@mail:~# run 10m")[0]
    assert "09:00:00.000  service_down host=mx1.example.org service=smtp" in first_events
    assert "11:00:00.000  service_up host=mx2.example.org service=smtp" in first_events
    assert "(connect to mx2.example.org[192.0.2.26]:25: Connection refused)" in out
    assert "09:10:00.000  mail.example.net: the deferred-queue scan retries" in out
    assert "queued at 10:20:00.053 on mail.example.net" in out
    assert "next try at 11:30:00.000" in out  # the MXs are back, but the queue waits ...
    assert "queued" not in out.split("root@mail:~# status")[2]  # ... unless flushed
    assert "bob@example.org (report): delivered to mx1.example.org:/var/spool/mail/bob" in out
    assert out.rstrip().endswith("Mail queue is empty")


def test_submission_and_relay_control() -> None:
    out = shell("scenarios/43-relay-control.yaml", "--host", "mx-a.example.net", script=[
        "postconf smtpd_relay_restrictions", "run", "status"])
    assert ("root@mx-a:~# postconf smtpd_relay_restrictions\nsmtpd_relay_restrictions = "
            "permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination\n") in out
    assert ("bob@example.org (relay-a): rejected at 10:00:00.276 on mx-a.example.net: "
            "454 4.7.1 <bob@example.org>: Relay access denied") in out
    assert "(relay-b): rejected at 10:00:10.276 on mx-b.example.jp: 554 5.7.1" in out
    assert "bob@example.org (roaming): delivered" in out  # submission with AUTH relays


def test_mta_families_and_their_commands() -> None:
    out = shell("scenarios/45-mta-families.yaml", script=[
        "help", "ssh mx.example.jp", "exim -bp", "exit", "ssh carol@mail.example.com",
        "mailq", "exit", "systemctl is-active postfix", "postconf mail_version", "run",
        "status"])
    assert "  Mail alternatives cat exim exim4 ls mail mailq" in out  # help lists the registry's programs
    assert "root@mx:~# exim -bp\nroot@mx:~# exit\nlogout\nConnection to mx.example.jp closed." \
        in out  # Exim prints nothing for an empty queue
    assert "carol@mail:~$ mailq\n/var/spool/mqueue is empty\n\t\tTotal requests: 0\n" in out
    assert "root@mail:~# systemctl is-active postfix\nactive\n" in out
    assert "root@mail:~# postconf mail_version\nmail_version = 3." in out
    assert "dave@example.jp (news): delivered to mx.example.jp:/var/spool/mail/dave" in out


@pytest.mark.parametrize("line, answer, status", [
    ("ssh nowhere.example", ("ssh: Could not resolve hostname nowhere.example: Name or service "
                            "not known"), 255),
    ("ssh mallory@mx.example.org", ("mallory@mx.example.org: Permission denied "
                                   "(publickey,password)."), 255),
    ("su mallory", ("su: user mallory does not exist or the user entry does not contain all "
                   "the required fields"), 1),
    ("run 5x", "run: expected a duration like 5m, 2h, 1d, or until HH:MM (got '5x')", 2),
    ("run until 25:00", "run: expected a duration like 5m, 2h, 1d, or until HH:MM", 2),
    ("frobnicate --now", "bash: frobnicate: command not found", 127),
    ("mailq | grep bob", "pipes, lists, background jobs) is not modelled", 1),
    ("cat 'unclosed", "bash: syntax error", 2),
    ("edit", "usage: edit FILE", 2),
])
def test_bad_input_is_answered_clearly(line: str, answer: str, status: int) -> None:
    out = shell("scenarios/20-aliases.yaml", script=[line], code=status)
    assert answer in out


def test_unknown_host_or_user_option() -> None:
    result = CliRunner().invoke(app, ["shell", "scenarios/20-aliases.yaml", "--host", "nope"])
    assert result.exit_code == 1
    assert "--host nope: no such host in this lab (hosts: alice-pc" in result.output
    result = CliRunner().invoke(app, ["shell", "scenarios/20-aliases.yaml", "--user", "zed"])
    assert result.exit_code == 1 and "--user zed: no such user on mail.example.net" in result.output


def test_writes_stay_in_the_simulated_filesystem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    out = shell(str(ROOT / "scenarios/20-aliases.yaml"),
                script=["cat > /tmp/x <<EOF", "data", "EOF", "cat /tmp/x"])
    assert "root@mail:~# cat /tmp/x\ndata\n" in out
    assert list(tmp_path.iterdir()) == []


def test_japanese_texts_and_root_prompt() -> None:
    out = shell("scenarios/20-aliases.yaml", "--lang", "ja", "--user", "alice",
                script=["step", "events", "exit"])
    assert "alice@mail:~$ step" in out
    assert "シミュレーション時刻" in out and "時刻 " in out


def test_same_script_same_transcript_and_time_stands_still() -> None:
    script = ["status", "mailq", "status", "step", "run 2m", "events"]
    first = shell("scenarios/31-all-mx-down-2h.yaml", script=script)
    assert first == shell("scenarios/31-all-mx-down-2h.yaml", script=script)
    before_step = first.split("root@mail:~# step")[0]
    assert before_step.count("Simulated clock: 09:00:00.000") == 3  # banner, status, status


def test_words_tilde_and_redirections() -> None:
    from simulator.shell.parse import ParseError, split

    homes = {"bob": "/home/bob", "root": "/root"}
    p = split("cat > ~/.forward <<-'END'", homes, "bob")
    assert (p.words, p.out, p.heredoc, p.strip_tabs) == (["cat"], "/home/bob/.forward", "END",
                                                         True)
    p = split('mail -s "two words" ~root >> ~bob/log', homes, "bob")
    assert p.words == ["mail", "-s", "two words", "/root"] and p.append
    assert p.line == "mail -s 'two words' /root"
    assert split("mailq", homes, "bob").line == "mailq"
    with pytest.raises(ParseError, match="unexpected token"):
        split("cat >", homes, "bob")


def test_telnet_nc_ss_netstat_in_the_shell() -> None:
    out = shell("scenarios/56-listening-ports.yaml", "--host", "web.example.org",
                script=["ss -ltn", "netstat -ltn", "nc localhost 25 <<EOF", "HELO x", "QUIT", "EOF",
                        "systemctl stop postfix", "ss -ltn", "telnet localhost 25 <<EOF", "QUIT",
                        "EOF"], code=1)
    assert "127.0.0.1:25 " in out and "tcp6       0      0 ::1:25" in out
    assert "220 web.example.org ESMTP Postfix" in out and "221 2.0.0 Bye" in out
    after = out.split("systemctl stop postfix")[1]
    assert ":25 " not in after.split("telnet localhost 25")[0]
    assert "telnet: Unable to connect to remote host: Connection refused" in after
