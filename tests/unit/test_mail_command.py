"""The mail(1) command (Heirloom mailx 12.5) on a simulated host, and cleanup's header work."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.agents.mta.header_rewrite import drop_headers, fold, rewrite_local
from simulator.agents.mta.params import MainCf
from simulator.commands import run_command
from simulator.commands.mail import parse_options
from simulator.commands.mailx_box import align, header_line, load
from simulator.commands.mailx_send import _elide, _fmt
from simulator.scenario import load_scenario

LAB = """
name: t
title: {en: t}
start: 2026-04-01T09:00:00
timezone: Asia/Tokyo
hosts:
  mail.example.org:
    role: server
    ip: 192.0.2.25
    mta: {myorigin: $mydomain, mydestination: "$myhostname, $mydomain"}
    users: {alice: {gecos: Alice Sato}, yuki: {gecos: Yuki Tanaka}, ken: {}}
    files: {FILES}
links: []
expect: {}
"""


def world(tmp: Path, files: str = "{}"):  # type: ignore[no-untyped-def]
    path = tmp / "lab.yaml"
    path.write_text(LAB.replace("{FILES}", files))
    return load_scenario(path).build()


def send(w, who: str, line: str, body: str):  # type: ignore[no-untyped-def]
    host = w.hosts["mail.example.org"]
    result = run_command(host, host.users[who], line, body)
    w.run(w.engine.now + 1)
    return result


def test_sending_prints_eot_and_travels_the_pickup_path(tmp_path: Path) -> None:
    w = world(tmp_path)
    out = send(w, "alice", "mail -s Hello -c ken -b alice yuki", "Hi,\nsee you.\n.\nignored\n")
    assert out.output == "Hi,\nsee you.\n.\nEOT\n" and out.status == 0
    data = (w.hosts["mail.example.org"].fs.read("/var/spool/mail/yuki") or b"").decode()
    head = data.split("\n\n", 1)[0]
    assert "\nReceived: by mail.example.org (Postfix, from userid 1000)\n" in head
    # mailx's headers in bsdcompat order; cleanup rewrote bare names and dropped Bcc:
    assert ("\nTo: yuki@example.org\nSubject: Hello\nCc: ken@example.org\n"
            "User-Agent: Heirloom mailx 12.5 7/5/10\nMIME-Version: 1.0\n"
            "Content-Type: text/plain; charset=us-ascii\nContent-Transfer-Encoding: 7bit\n") in head
    assert "Bcc" not in head and "From: Alice Sato <alice@example.org>" in head
    assert data.endswith("\n\nHi,\nsee you.\n\n")  # the "." line ended the body
    assert "X-Original-To: yuki\n" in head  # the recipient as typed (orig_to)
    for user in ("ken", "alice"):  # Cc and Bcc were delivered too
        assert w.hosts["mail.example.org"].fs.exists(f"/var/spool/mail/{user}")


def test_subject_is_asked_when_not_given_and_empty_body_is_reported(tmp_path: Path) -> None:
    w = world(tmp_path)
    out = send(w, "alice", "mail yuki", "Lunch?\n.\n")
    assert out.output == "Subject: Lunch?\n.\nEOT\nNull message body; hope that's ok\n"


def test_option_errors_and_usage(tmp_path: Path) -> None:
    w = world(tmp_path)
    host = w.hosts["mail.example.org"]
    out = run_command(host, host.users["alice"], "mail -s", "")
    assert out.status == 2 and out.output.startswith("mail: option requires an argument -- 's'\n"
                                                     "Usage: mail -eiIUdEFntBDNHRV~ -T FILE")
    out = run_command(host, host.users["alice"], "mail -s hi", "")
    assert out.output.startswith("Send options without primary recipient specified.\n")
    assert parse_options(["-s", "a b", "-cken", "-c", "bob", "-N", "x"]) == (
        {"s": "a b", "c": "ken, bob", "N": ""}, ["x"])


def _fill(w) -> None:  # type: ignore[no-untyped-def]
    send(w, "alice", "mail -s 'Meeting moved' yuki", "At 3pm.\n.\n")
    send(w, "ken", "mail -s 'From Ken' yuki", "Hello\n.\n")


def test_reading_without_hold_moves_read_messages_to_mbox(tmp_path: Path) -> None:
    # a ~/.mailrc that unsets hold: mailx then saves what was read in ~/mbox on quit
    w = world(tmp_path, '{"/home/yuki/.mailrc": {content: "unset hold\\n", owner: yuki}}')
    _fill(w)
    host = w.hosts["mail.example.org"]
    out = run_command(host, host.users["yuki"], "mail", "2\nq\n").output
    assert out.endswith("& q\nSaved 1 message in mbox\nHeld 1 message in /var/spool/mail/yuki\n")
    assert len(load(host.fs.read("/home/yuki/mbox") or b"")) == 1
    spool = load(host.fs.read("/var/spool/mail/yuki") or b"")
    assert len(spool) == 1 and b"Status: O\n" in spool[0].chunk


def test_delete_and_xit(tmp_path: Path) -> None:
    w = world(tmp_path)
    _fill(w)
    host = w.hosts["mail.example.org"]
    before = host.fs.read("/var/spool/mail/yuki")
    out = run_command(host, host.users["yuki"], "mail", "d 1\nx\n").output
    assert out.endswith("& d 1\n& x\n") and host.fs.read("/var/spool/mail/yuki") == before
    out = run_command(host, host.users["yuki"], "mail", "d 1\nh\nq\n").output
    assert "& h\n>N  2 " in out and out.endswith("Held 1 message in /var/spool/mail/yuki\n")
    assert len(load(host.fs.read("/var/spool/mail/yuki") or b"")) == 1


def test_reading_errors_and_empty_input(tmp_path: Path) -> None:
    w = world(tmp_path)
    host = w.hosts["mail.example.org"]
    assert run_command(host, host.users["ken"], "mail", "").output == "No mail for ken\n"
    assert run_command(host, host.users["ken"], "mail -e", "").status == 1
    _fill(w)
    out = run_command(host, host.users["yuki"], "mail", "7\nfrob\nreply\n").output
    assert "& 7\n7: Invalid message number\n" in out
    assert '& frob\nUnknown command: "frob"\n' in out
    assert '& reply\nmailsim: the mailx command "reply" is not modelled\n' in out
    # ^D at the prompt quits as q does
    assert out.endswith("& Held 2 messages in /var/spool/mail/yuki\n")


def test_header_line_formats() -> None:
    entry = (b"From alice@example.org  Wed Apr  1 09:00:00 2026\nFrom: Alice Sato "
             b"<alice@example.org>\nSubject: A subject that is much longer than the room left\n"
             b"\nbody\n\n")
    entries = load(entry)
    bsd = header_line(entries, 0, 0, {"bsdcompat": "", "showname": ""})
    assert bsd == ('>N  1 Alice Sato            Wed Apr  1 09:00   6/151   '
                   '"A subject that is muc"')
    assert len(bsd) == 78
    plain = header_line(entries, 0, 0, {})  # upstream default: no quotes, R/O letters
    assert plain == (">N  1 alice@example.org  Wed Apr  1 09:00    6/151   "
                     "A subject that is much lo")


def test_wide_characters_take_two_columns() -> None:
    assert align("田中ゆき", 7) == "田中ゆ "
    assert align("ab", 4) == "ab  "


def test_recipient_list_formatting() -> None:
    assert _elide(["Yuki <yuki@x>", "bob", "yuki@x", "Alice@x"]) == ["Alice@x", "bob", "yuki@x"]
    names = [f"user{i}@example.org" for i in range(5)]
    assert _fmt("To:", names) == ("To: user0@example.org, user1@example.org, user2@example.org,\n"
                                  " user3@example.org, user4@example.org")


# --- cleanup ------------------------------------------------------------------------------
def _message(**headers: str) -> bytes:
    head = "".join(f"{name.replace('_', '-')}: {value}\n" for name, value in headers.items())
    return (head + "\nbody\n").encode()


def test_cleanup_qualifies_bare_header_addresses_in_the_local_context() -> None:
    cf = MainCf("mail.example.org", "192.0.2.25", {"myorigin": "example.org"})
    msg = _message(To="yuki, Ken Mori <ken>, bob@example.net", Cc="group: a, b;",
                   From="alice (Alice)", Subject="yuki")
    out, changed = rewrite_local(msg, cf)
    assert changed == ["To", "From"]
    assert out == (b"To: yuki@example.org, Ken Mori <ken@example.org>, bob@example.net\n"
                   b"Cc: group: a, b;\nFrom: alice@example.org (Alice)\nSubject: yuki\n\nbody\n")
    assert rewrite_local(_message(To="a@b"), cf) == (_message(To="a@b"), [])


def test_cleanup_drops_message_drop_headers() -> None:
    cf = MainCf("mail.example.org", None, {})
    msg = _message(To="a@x", Bcc="b@x", Return_Path="<c@x>", Content_Length="9")
    assert drop_headers(msg, cf) == (b"To: a@x\n\nbody\n",
                                     ["Bcc", "Return-Path", "Content-Length"])


def test_a_long_rewritten_list_is_folded_under_70_columns() -> None:
    items = [f"someone{i}@example.org" for i in range(4)]
    # "To: " and three addresses make 69 characters: still one line (cleanup_fold_header)
    assert fold("To", items) == ("someone0@example.org, someone1@example.org, "
                                 "someone2@example.org,\n\tsomeone3@example.org")


@pytest.mark.parametrize("line", ["cat /var/spool/mail/yuki", "ls /var/spool/mail/nobody"])
def test_file_commands_refuse_like_coreutils(tmp_path: Path, line: str) -> None:
    w = world(tmp_path)
    _fill(w)
    host = w.hosts["mail.example.org"]
    out = run_command(host, host.users["ken"], line, "")
    assert out.output in ("cat: /var/spool/mail/yuki: Permission denied\n",
                          "ls: cannot access '/var/spool/mail/nobody': No such file or directory\n")
    assert out.status in (1, 2)
    send(w, "yuki", "mail -s hi alice", "x\n.\n")
    assert run_command(host, host.users["root"], "ls /var/spool/mail", "").output == (
        "alice  yuki\n")
