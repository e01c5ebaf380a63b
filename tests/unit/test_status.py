"""Unit tests for simulator.model.status: named reply codes (STYLE.md convention 4).

Every ``S<code>_...`` constant must carry the code its name promises, render as Postfix
prints it (``code dsn text``), and pair the code with an RFC 3463 enhanced status of the
same class. The expected texts are the ones in docs/reference/postfix-formats.md §1
(checked against postfix/src/smtpd/smtpd.c, smtpd_check.c, smtpd_sasl_glue.c).
"""

from __future__ import annotations

import re

import pytest

from simulator.model import status
from simulator.model.status import Reply

NAME = re.compile(r"^S(\d{3})_[A-Z0-9_]+$")
CONSTANTS = sorted((name, value) for name, value in vars(status).items()
                   if NAME.match(name) and isinstance(value, Reply))
DSN = re.compile(r"^[245]\.\d{1,3}\.\d{1,3}$")  # RFC 3463 §2: class.subject.detail


def test_the_module_defines_named_replies() -> None:
    # Guards the tests below against an empty parametrisation.
    assert len(CONSTANTS) >= 20
    names = {name for name, _ in CONSTANTS}
    assert {"S250_OK", "S221_BYE", "S554_RELAY_DENIED", "S550_USER_UNKNOWN"} <= names


def test_every_name_that_looks_like_a_reply_is_a_reply() -> None:
    # A constant named S<3 digits>_ that is not a Reply would escape every check here.
    odd = [n for n, v in vars(status).items() if NAME.match(n) and not isinstance(v, Reply)]
    assert odd == []


@pytest.mark.parametrize(("name", "reply"), CONSTANTS, ids=[n for n, _ in CONSTANTS])
def test_code_equals_the_digits_in_the_name(name: str, reply: Reply) -> None:
    match = NAME.match(name)
    assert match is not None
    assert reply.code == int(match.group(1))


@pytest.mark.parametrize(("name", "reply"), CONSTANTS, ids=[n for n, _ in CONSTANTS])
def test_str_renders_code_dsn_text(name: str, reply: Reply) -> None:
    if reply.dsn is None:
        assert str(reply) == f"{reply.code} {reply.text}"
    else:
        assert str(reply) == f"{reply.code} {reply.dsn} {reply.text}"


@pytest.mark.parametrize(("name", "reply"), CONSTANTS, ids=[n for n, _ in CONSTANTS])
def test_dsn_class_matches_the_reply_code(name: str, reply: Reply) -> None:
    if reply.dsn is None:
        # RFC 2034 / smtpd.c helo_cmd(): the greeting, HELO/EHLO, 334 and 354 carry none.
        assert reply.code in (220, 334, 354), f"{name}: only 220/334/354 may lack a DSN"
        return
    assert DSN.match(reply.dsn), f"{name}: {reply.dsn!r} is not an RFC 3463 status"
    assert reply.dsn[0] == str(reply.code)[0]


# The exact replies Postfix 3.x sends (docs/reference/postfix-formats.md §1).
POSTFIX_TEXT = {
    "S220_GREETING": "220 {} ESMTP Postfix",
    "S221_BYE": "221 2.0.0 Bye",
    "S235_AUTH_OK": "235 2.7.0 Authentication successful",
    "S250_OK": "250 2.0.0 Ok",
    "S250_MAIL_OK": "250 2.1.0 Ok",
    "S250_RCPT_OK": "250 2.1.5 Ok",
    "S250_QUEUED": "250 2.0.0 Ok: queued as {}",
    "S354_DATA": "354 End data with <CR><LF>.<CR><LF>",
    "S454_RELAY_DENIED": "454 4.7.1 <{}>: Relay access denied",
    "S500_UNRECOGNIZED": "500 5.5.2 Error: command not recognized",
    "S502_UNRECOGNIZED": "502 5.5.2 Error: command not recognized",
    "S503_NEED_MAIL": "503 5.5.1 Error: need MAIL command",
    # smtpd_check.c smtpd_check_size(); smtpd.c receive_data() with CLEANUP_STAT_SIZE
    "S552_SIZE_LIMIT": "552 5.3.4 Message size exceeds fixed limit",
    "S552_FILE_TOO_BIG": "552 5.3.4 Error: message file too big",
    "S503_NEED_RCPT": "503 5.5.1 Error: need RCPT command",
    "S503_NESTED_MAIL": "503 5.5.1 Error: nested MAIL command",
    "S503_ALREADY_AUTH": "503 5.5.1 Error: already authenticated",
    "S503_AUTH_NOT_ENABLED": "503 5.5.1 Error: authentication not enabled",
    "S503_AUTH_IN_MAIL": "503 5.5.1 Error: MAIL transaction in progress",
    "S503_NEED_EHLO": "503 5.5.1 Error: send HELO/EHLO first",
    "S535_AUTH_FAILED": "535 5.7.8 Error: authentication failed: authentication failure",
    "S550_USER_UNKNOWN": "550 5.1.1 <{}>: Recipient address rejected: "
                         "User unknown in local recipient table",
    "S554_NO_VALID_RCPT": "554 5.5.1 Error: no valid recipients",
    "S554_RELAY_DENIED": "554 5.7.1 <{}>: Relay access denied",
}


@pytest.mark.parametrize(("name", "expected"), sorted(POSTFIX_TEXT.items()))
def test_reply_text_is_the_one_postfix_prints(name: str, expected: str) -> None:
    assert str(getattr(status, name)) == expected


def test_syntax_reply_takes_its_whole_text_from_with_text() -> None:
    reply = status.S501_SYNTAX.with_text("Syntax: MAIL FROM:<address>")
    assert str(reply) == "501 5.5.4 Syntax: MAIL FROM:<address>"
    assert str(status.S501_SYNTAX).startswith("501 5.5.4 ")  # the constant is unchanged


def test_with_text_keeps_code_and_dsn() -> None:
    reply = status.S554_RELAY_DENIED.with_text("<bob@example.net>: Relay access denied")
    assert (reply.code, reply.dsn) == (554, "5.7.1")
    assert str(reply) == "554 5.7.1 <bob@example.net>: Relay access denied"


@pytest.mark.parametrize(("code", "positive", "temporary"), [
    (220, True, False), (235, True, False), (250, True, False), (334, True, False),
    (354, True, False), (399, True, False), (400, False, True), (421, False, True),
    (454, False, True), (499, False, True), (500, False, False), (535, False, False),
    (554, False, False),
])
def test_positive_and_temporary(code: int, positive: bool, temporary: bool) -> None:
    # RFC 5321 §4.2.1: 2yz and 3yz are positive, 4yz transient negative, 5yz permanent.
    reply = Reply(code, None, "x")
    assert reply.positive is positive
    assert reply.temporary is temporary


def test_reply_is_immutable() -> None:
    with pytest.raises(AttributeError):
        status.S250_OK.code = 251  # type: ignore[misc]
