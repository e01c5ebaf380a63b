"""What a DSN request (RFC 3461) changes in Postfix 3.7's notices: the success report of
NOTIFY=SUCCESS (bounce_trace_service.c with the "success" template), NOTIFY=NEVER and
NOTIFY without DELAY (bounce_notify_service.c / bounce_warn_service.c drop such recipients
and a notice left empty), RET=HDRS (bounce_original() with DSN_RET_HDRS), ENVID
(Original-Envelope-Id:, bounce_header_dsn()), a client's ORCPT (Original-Recipient:), the
"expanded" report of an alias (local/alias.c) and "relayed" by smtp(8) (smtp_rcpt.c).
Golden files as in test_notice_golden.py (whole mbox bytes after masking)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_notice_golden import DOWN, LAB, check, lab

from simulator.commands import run_command
from simulator.scenario import load_scenario
from simulator.world import World
from simulator.yamlsource import ScenarioError
from tests.queue_world import MSA, message, world


def _send(tmp_path: Path, line: str) -> World:
    w = lab(tmp_path)
    host = w.hosts["mx.example.org"]
    run_command(host, host.users["alice"], line, "Subject: hi\n\nhello\n")
    w.run(until="1h")
    return w


def _actions(w: World, action: str) -> list[str]:
    return [h.detail for h in w.trace.hops if h.action == action]


def test_success_notice_for_a_mailbox_delivery(tmp_path: Path) -> None:
    """sendmail -N success -V ...: "Successful Mail Delivery Report", Action: delivered,
    the headers only, Original-Envelope-Id: between Reporting-MTA and the queue ID."""
    w = _send(tmp_path, "sendmail -N success -V QQ314159 bob")
    host = w.hosts["mx.example.org"]
    check("success", host.fs.read("/var/spool/mail/alice"))
    assert "sender delivery status notification: " in host.maillog()


def test_alias_with_notify_success_reports_expanded_only(tmp_path: Path) -> None:
    """team: alice, bob. The alias reports "expanded" (alias expanded); its members get
    NOTIFY without SUCCESS, so neither reports "delivered"."""
    w = _send(tmp_path, "sendmail -N success team")
    box = (w.hosts["mx.example.org"].fs.read("/var/spool/mail/alice") or b"").decode()
    report = box.split("Subject: Successful Mail Delivery Report", 1)[1]
    assert "Final-Recipient: rfc822; team@example.org\nOriginal-Recipient: rfc822; team\n" \
           "Action: expanded\nStatus: 2.0.0\nDiagnostic-Code: X-Postfix; delivery via " \
           "local: alias expanded\n" in report
    assert "Action: delivered" not in report


def test_ret_hdrs_returns_only_the_headers(tmp_path: Path) -> None:
    w = _send(tmp_path, "sendmail -R hdrs -N failure lost")
    check("bounce-hdrs", w.hosts["mx.example.org"].fs.read("/var/spool/mail/alice"))


def test_notify_never_sends_no_notice_but_logs_and_traces_it(tmp_path: Path) -> None:
    """The recipient is logged status=bounced; the sender gets nothing; the trace says
    why; the postmaster copy (notify_classes has bounce) ignores NOTIFY."""
    w = _send(tmp_path, "sendmail -N never lost")
    host = w.hosts["mx.example.org"]
    assert host.fs.read("/var/spool/mail/alice") is None
    assert "status=bounced (unknown user: \"nosuch\")" in host.maillog()
    assert "sender non-delivery notification" not in host.maillog()
    assert "postmaster non-delivery notification" in host.maillog()
    [why] = _actions(w, "bounce_suppressed")
    assert "<nosuch@example.org>" in why and "NOTIFY without FAILURE" in why
    [outcome] = [o for o in w.trace.outcomes.values() if o.recipient == "nosuch@example.org"]
    assert outcome.status == "bounced"


def test_notify_without_delay_sends_no_delay_warning() -> None:
    msg = {**message("m1", "0s", "bob@example.org"), "dsn": {"notify": "failure"}}
    w = world(events=DOWN, messages=[msg], msa={"delay_warning_time": "1h"})
    w.run(until="2h")
    assert w.hosts[MSA].fs.read("/var/spool/mail/alice") is None
    assert _actions(w, "delay_suppressed")
    plain = world(events=DOWN, messages=[message("m1", "0s", "bob@example.org")],
                  msa={"delay_warning_time": "1h"})
    plain.run(until="2h")
    assert b"Delayed Mail" in (plain.hosts[MSA].fs.read("/var/spool/mail/alice") or b"")


def test_mua_request_survives_relaying_and_the_final_hop_reports_delivered() -> None:
    """The MUA sends NOTIFY=SUCCESS ENVID; the MSA relays to mx1, which announced DSN, so
    the MSA reports nothing and passes NOTIFY, ORCPT and ENVID on; mx1 delivers and
    sends the success report back to alice."""
    msg = {**message("m1", "0s", "bob@example.org"),
           "dsn": {"notify": "success,failure", "envid": "abc+1", "ret": "hdrs"}}
    w = world(messages=[msg])
    w.run(until="1h")
    lines = [line for s in w.trace.sessions for _, _, line in s.lines]
    mails = [x for x in lines if x.startswith("MAIL FROM:<alice@example.net> ")]
    assert len(mails) == 2 and all(x.endswith(" ENVID=abc+2B1 RET=HDRS") for x in mails)
    assert "RCPT TO:<bob@example.org> NOTIFY=SUCCESS,FAILURE" in lines  # the MUA's
    assert "RCPT TO:<bob@example.org> ORCPT=rfc822;bob@example.org " \
           "NOTIFY=SUCCESS,FAILURE" in lines  # smtp(8) adds ORCPT
    assert "sender delivery status notification" not in w.hosts[MSA].maillog()
    assert "sender delivery status notification" in w.hosts["mx1.example.org"].maillog()
    [hop] = [h for h in w.trace.hops if h.action == "success_notice"]
    assert hop.src_host == "mx1.example.org"


def test_relay_to_a_server_without_dsn_reports_relayed() -> None:
    msg = {**message("m1", "0s", "bob@example.org"), "dsn": {"notify": "success"}}
    w = world(messages=[msg], mx1={"smtpd_discard_ehlo_keywords": "dsn"})
    w.run(until="1h")
    box = (w.hosts[MSA].fs.read("/var/spool/mail/alice") or b"").decode()
    assert box.count("Subject: Successful Mail Delivery Report") == 1
    assert "Action: relayed\nStatus: 2.0.0\nRemote-MTA: dns; mx1.example.org\n" in box


def test_client_orcpt_and_envid_typed_by_hand(tmp_path: Path) -> None:
    """ORCPT=rfc822;Bob+2BX@... (xtext) becomes ``Original-Recipient: rfc822;Bob+X@...``
    exactly as recorded; ENVID becomes Original-Envelope-Id:."""
    (tmp_path / "l.yaml").write_text(LAB.replace("ip: 192.0.2.25\n",
                                                 "ip: 192.0.2.25\n    services: [smtp]\n"))
    w = load_scenario(tmp_path / "l.yaml").build()
    w.run(until="10s")
    host = w.hosts["mx.example.org"]
    out = run_command(host, host.users["alice"], "telnet localhost 25",
                      "EHLO x\nMAIL FROM:<alice@example.org> ENVID=t1\n"
                      "RCPT TO:<bob@example.org> NOTIFY=SUCCESS ORCPT=rfc822;Bob+2BX@example.org\n"
                      "DATA\nSubject: t\n\nx\n.\nQUIT\n").output
    assert "250 2.1.5 Ok\n" in out
    w.run(until="1h")
    box = (host.fs.read("/var/spool/mail/alice") or b"").decode()
    assert "Reporting-MTA: dns; mx.example.org\nOriginal-Envelope-Id: t1\n" in box
    assert "Final-Recipient: rfc822; bob@example.org\n" \
           "Original-Recipient: rfc822;Bob+X@example.org\nAction: delivered\n" in box


def test_sendmail_bad_dsn_options_are_warned_about_and_ignored(tmp_path: Path) -> None:
    """sendmail.c: a bad -N, -R or -V value is a warning, never fatal; the mail goes."""
    w = lab(tmp_path)
    host = w.hosts["mx.example.org"]
    result = run_command(host, host.users["alice"], "sendmail -N sometimes -Rall bob",
                         "Subject: hi\n\nhello\n")
    warned = ("sendmail: warning: bad -N option value -- ignored\n"
              "sendmail: warning: bad -R option value -- ignored\n")
    assert (result.status, result.output) == (0, warned)
    w.run(until="1h")
    assert b"hello" in (host.fs.read("/var/spool/mail/bob") or b"")
    assert "postfix/sendmail[" in host.maillog()


def test_scenario_dsn_field_errors_name_the_field(tmp_path: Path) -> None:
    text = (Path(__file__).resolve().parents[2] / "scenarios" / "57-dsn.yaml").read_text()
    path = tmp_path / "bad.yaml"
    path.write_text(text.replace('dsn: {notify: never}', 'dsn: {notify: "never,success"}')
                    .replace("dsn: {ret: hdrs}", "dsn: {ret: headers}"))
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    msg = str(err.value)
    assert "messages[1].dsn.notify" in msg or "messages.1.dsn.notify" in msg, msg
    assert "expected NEVER, or some of SUCCESS, FAILURE, DELAY" in msg
    assert "expected full or hdrs" in msg
    assert f"{path}:" in msg
