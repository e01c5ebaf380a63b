"""DSN parameters in the SMTP dialogue (RFC 3461) as Postfix 3.7's smtpd.c mail_cmd() and
rcpt_cmd() take them, and the unknown-command reply per release (HISTORY 20210810)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_smtp_server import new_server, talk

from simulator import load_scenario
from simulator.commands import run_command
from simulator.model.status import S502_UNRECOGNIZED
from simulator.protocol.smtp import ServerFeatures, SmtpServer, SmtpSession
from simulator.protocol.smtp_dsn import (
    NOTIFY_DELAY,
    NOTIFY_FAILURE,
    NOTIFY_NEVER,
    NOTIFY_SUCCESS,
    notify_mask,
    notify_str,
    xtext_quote,
    xtext_unquote,
)

ROOT = Path(__file__).resolve().parents[2]
MAIL = "MAIL FROM:<alice@example.com>"


@pytest.mark.parametrize(("value", "mask"), [
    ("NEVER", NOTIFY_NEVER), ("never", NOTIFY_NEVER), ("SUCCESS", NOTIFY_SUCCESS),
    ("SUCCESS,FAILURE,DELAY", NOTIFY_SUCCESS | NOTIFY_FAILURE | NOTIFY_DELAY),
    ("NEVER,SUCCESS", 0), ("SOMETIMES", 0), ("", 0)])
def test_notify_mask_as_dsn_mask_c(value: str, mask: int) -> None:
    assert notify_mask(value) == mask


def test_notify_str_and_xtext() -> None:
    assert notify_str(NOTIFY_SUCCESS | NOTIFY_DELAY) == "SUCCESS,DELAY"
    assert xtext_unquote("a+2Bb+3Dc") == "a+b=c"
    assert xtext_unquote("a+2") is None and xtext_unquote("a+00") is None
    assert xtext_quote("a+b=c d") == "a+2Bb+3Dc+20d"


@pytest.mark.parametrize(("line", "reply"), [
    (f"{MAIL} RET=FULL", "250 2.1.0 Ok"), (f"{MAIL} RET=hdrs ENVID=QQ+2B1", "250 2.1.0 Ok"),
    (f"{MAIL} RET=ALL", "501 5.5.4 Bad RET parameter syntax"),
    (f"{MAIL} RET=FULL RET=HDRS", "501 5.5.4 Bad RET parameter syntax"),
    (f"{MAIL} ENVID=a+zz", "501 5.5.4 Bad ENVID parameter syntax"),
    (f"{MAIL} ENVID=a ENVID=b", "501 5.5.4 Bad ENVID parameter syntax"),
    (f"{MAIL} ENVID=a+0Ab", "501 5.5.4 Bad ENVID parameter syntax")])
def test_mail_from_dsn_parameters(line: str, reply: str) -> None:
    server, _ = new_server()
    assert talk(server, "EHLO c", line) == [reply]


@pytest.mark.parametrize(("line", "reply"), [
    ("RCPT TO:<bob@example.com> NOTIFY=SUCCESS,DELAY", "250 2.1.5 Ok"),
    ("RCPT TO:<bob@example.com> NOTIFY=NEVER ORCPT=rfc822;b+2Bx@example.com", "250 2.1.5 Ok"),
    ("RCPT TO:<bob@example.com> NOTIFY=NEVER,DELAY",
     "501 5.5.4 Error: Bad NOTIFY parameter syntax"),
    ("RCPT TO:<bob@example.com> NOTIFY=SUCCESS NOTIFY=FAILURE",
     "501 5.5.4 Error: Bad NOTIFY parameter syntax"),
    ("RCPT TO:<bob@example.com> ORCPT=bob@example.com",
     "501 5.5.4 Error: Bad ORCPT parameter syntax"),
    ("RCPT TO:<bob@example.com> ORCPT=;bob@example.com",
     "501 5.5.4 Error: Bad ORCPT parameter syntax"),
    ("RCPT TO:<bob@example.com> ORCPT=rfc822;a ORCPT=rfc822;b",
     "501 5.5.4 Error: Bad ORCPT parameter syntax")])
def test_rcpt_to_dsn_parameters(line: str, reply: str) -> None:
    server, _ = new_server()
    assert talk(server, "EHLO c", MAIL, line) == [reply]


def test_recorded_rcpt_dsn_is_per_recipient_and_reset_by_rset() -> None:
    server, _ = new_server()
    talk(server, "EHLO c", f"{MAIL} RET=HDRS ENVID=e1",
         "RCPT TO:<a@example.com> NOTIFY=NEVER ORCPT=rfc822;x+2By@example.com",
         "RCPT TO:<b@example.com>")
    s = server.session
    assert (s.dsn.ret, s.dsn.envid) == ("HDRS", "e1")
    assert [(d.notify, d.orcpt) for d in s.rcpt_dsn] == [
        (NOTIFY_NEVER, "rfc822;x+y@example.com"), (0, None)]
    talk(server, "RSET")
    assert s.rcpt_dsn == [] and s.dsn.ret is None


def test_dsn_discarded_refuses_its_parameters() -> None:
    server, _ = new_server()
    server.features = ServerFeatures(dsn=False)
    assert talk(server, "EHLO c", f"{MAIL} RET=FULL") == ["501 5.7.1 DSN support is disabled"]
    talk(server, MAIL)
    assert talk(server, "RCPT TO:<b@example.com> NOTIFY=NEVER") == [
        "501 5.7.1 DSN support is disabled"]


def test_unknown_command_reply_follows_the_feature() -> None:
    server, _ = new_server()
    old = SmtpServer(server.policy, SmtpSession("192.0.2.1", "c", 25),
                     features=ServerFeatures(unrecognized=S502_UNRECOGNIZED))
    assert talk(old, "XYZZY") == ["502 5.5.2 Error: command not recognized"]


def _typed(tmp_path: Path, yaml_edit: tuple[str, str], lines: str) -> str:
    text = (ROOT / "scenarios" / "55-smtp-by-hand.yaml").read_text()
    lab = tmp_path / "55.yaml"
    lab.write_text(text.replace(*yaml_edit))
    world = load_scenario(lab).build()
    world.run(until="30s")
    host = world.hosts["alice-pc"]
    return run_command(host, host.users["alice"], "telnet mx.example.org 25", lines).output


MYDEST = "      mydestination: $myhostname, localhost.$mydomain, localhost, $mydomain\n"


@pytest.mark.parametrize(("version", "code"), [("3.5.9", "502"), ("3.6.4", "502"),
                                               ("3.7.11", "500"), ("3.9.1", "500")])
def test_unknown_command_by_mail_version(tmp_path: Path, version: str, code: str) -> None:
    """RHEL 9 ships 3.5: 502; 3.7 changed it to 500 (smtpd.c, HISTORY 20210810)."""
    out = _typed(tmp_path, (MYDEST, MYDEST + f"      mail_version: {version}\n"),
                 "EHLO x\nXYZZY\nQUIT\n")
    assert f"{code} 5.5.2 Error: command not recognized\n" in out


def test_discard_ehlo_keyword_dsn_hides_it(tmp_path: Path) -> None:
    out = _typed(tmp_path, (MYDEST, MYDEST + "      smtpd_discard_ehlo_keywords: dsn\n"),
                 "EHLO x\nMAIL FROM:<a@example.net> RET=HDRS\nQUIT\n")
    assert "250-DSN" not in out and "250 DSN" not in out
    assert "501 5.7.1 DSN support is disabled\n" in out
