"""Unit tests for simulator.protocol.smtp: the smtpd(8) dialogue as a state machine.

The policy is a small fake written here, so each test decides what is accepted. Expected
replies are Postfix 3.x's (postfix/src/smtpd/smtpd.c, smtpd_sasl_proto.c,
smtpd_sasl_glue.c at 17830e5c13c1; docs/reference/postfix-formats.md §1). Line numbers
cited as ``L1234`` are smtpd.c lines at that commit unless another file is named.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st
from smtp_fakes import AcceptingPolicy

from simulator.agents.mta.smtpd import SMTP, Smtpd
from simulator.model.status import S250_QUEUED, Reply
from simulator.protocol.smtp import SmtpServer, SmtpSession, encode_plain

HOST = "mail.example.com"
EHLO_WORDS = ["PIPELINING", "SIZE 10240000", "VRFY", "ETRN", "ENHANCEDSTATUSCODES",
              "8BITMIME", "DSN", "SMTPUTF8", "CHUNKING"]
SENDER_REFUSED = Reply(554, "5.7.1", "<spam@example.com>: Sender address rejected: Access denied")
RELAY_REFUSED = Reply(554, "5.7.1", "<bob@example.net>: Relay access denied")


@dataclass
class FakePolicy(AcceptingPolicy):
    """An SmtpPolicy whose decisions each test sets; it records what it was asked."""

    host = HOST

    helo_required_: bool = False
    sasl: bool = False
    users: dict[str, str] = field(default_factory=lambda: {"alice": "secret"})
    refuse_mail: dict[str, Reply] = field(default_factory=dict)
    refuse_rcpt: dict[str, Reply] = field(default_factory=dict)
    eod_reply: Reply | None = None
    opened: list[list[str]] = field(default_factory=list)  # recipients when the file opened
    messages: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    rejects: list[tuple[str, str, str]] = field(default_factory=list)
    _qids: Iterator[int] = field(default_factory=lambda: iter(range(1, 1000)))

    def helo_required(self) -> bool:
        return self.helo_required_

    def sasl_enabled(self, session: SmtpSession) -> bool:
        return self.sasl

    def ehlo_keywords(self, session: SmtpSession) -> list[str]:
        words = list(EHLO_WORDS)
        if self.sasl:
            words.insert(4, "AUTH PLAIN LOGIN")  # smtpd.c ehlo_cmd(): after ETRN/STARTTLS
        return words

    def check_mail(self, session: SmtpSession, sender: str) -> Reply | None:
        return self.refuse_mail.get(sender)

    def check_rcpt(self, session: SmtpSession, recipient: str) -> Reply | None:
        return self.refuse_rcpt.get(recipient)

    def open_queue_file(self, session: SmtpSession) -> str:
        self.opened.append(list(session.recipients))
        return f"4A1B2C3D{next(self._qids):02d}"

    def end_of_data(self, session: SmtpSession, data: bytes) -> Reply:
        assert session.sender is not None
        self.messages.append((session.sender, list(session.recipients), data))
        if self.eod_reply is not None:
            return self.eod_reply
        return S250_QUEUED.with_text(S250_QUEUED.text.format(session.queue_id))

    def on_reject(self, session: SmtpSession, stage: str, reply: Reply, arg: str) -> None:
        self.rejects.append((stage, str(reply), arg))


def new_server(**policy: object) -> tuple[SmtpServer, FakePolicy]:
    fake = FakePolicy(**policy)  # type: ignore[arg-type]
    session = SmtpSession("192.0.2.10", "client.example.com", 25)
    return SmtpServer(fake, session), fake


def talk(server: SmtpServer, *lines: str) -> list[str]:
    """Send command lines; return the reply lines of the last one."""
    reply: list[str] = []
    for line in lines:
        reply = server.handle(line)
    return reply


def send_data(server: SmtpServer, *body: bytes) -> list[str]:
    """The content lines after 354, then the lone dot; the end-of-data reply."""
    for line in body:
        assert server.data_line(line) == []
    return server.data_line(b".\r\n")


# --- greeting, HELO, EHLO ------------------------------------------------------------------
def test_greeting_is_220_banner_without_enhanced_code() -> None:
    server, _ = new_server()
    assert server.greeting() == ["220 mail.example.com ESMTP Postfix"]


def test_ehlo_reply_is_multiline_with_hostname_first() -> None:
    server, _ = new_server()
    reply = talk(server, "EHLO client.example.com")
    # smtpd.c ehlo_cmd() L2162: "250%c%s" with '-' on every line but the last.
    assert reply == ["250-mail.example.com", *[f"250-{w}" for w in EHLO_WORDS[:-1]],
                     "250 CHUNKING"]
    assert all(line.startswith("250-") for line in reply[:-1])
    assert reply[-1].startswith("250 ")
    assert server.session.helo_name == "client.example.com"
    assert server.session.protocol == "ESMTP"


def test_ehlo_lists_auth_only_when_the_policy_offers_it() -> None:
    plain, _ = new_server()
    sasl, _ = new_server(sasl=True)
    assert "250-AUTH PLAIN LOGIN" not in talk(plain, "EHLO c")
    assert talk(sasl, "EHLO c")[5] == "250-AUTH PLAIN LOGIN"


def test_ehlo_without_argument() -> None:
    server, _ = new_server()
    assert talk(server, "EHLO") == ["501 Syntax: EHLO hostname"]
    assert server.session.helo_name is None


def test_helo() -> None:
    server, _ = new_server()
    assert talk(server, "HELO client.example.com") == ["250 mail.example.com"]
    assert server.session.helo_name == "client.example.com"
    assert server.session.protocol == "SMTP"
    assert server.session.received_protocol == "SMTP"


def test_helo_without_argument_has_no_enhanced_code() -> None:
    server, _ = new_server()
    # smtpd.c helo_cmd() L1892: RFC 2034 exempts HELO/EHLO replies from status codes.
    assert talk(server, "HELO") == ["501 Syntax: HELO hostname"]


def test_helo_after_ehlo_keeps_the_esmtp_protocol() -> None:
    # smtpd.c helo_cmd() L1932-L1937: "Downgrading the protocol name breaks the
    # unauthorized pipelining test": HELO sets SMTP only when the protocol is neither.
    server, _ = new_server()
    talk(server, "EHLO client.example.com", "HELO client.example.com")
    assert server.session.protocol == "ESMTP"


def test_helo_and_ehlo_abort_a_transaction() -> None:
    # smtpd.c helo_cmd() L1928-L1929 and ehlo_cmd(): mail_reset(), rcpt_reset().
    for verb in ("HELO", "EHLO"):
        server, _ = new_server()
        talk(server, "EHLO c", "MAIL FROM:<alice@example.com>", "RCPT TO:<bob@example.org>")
        talk(server, f"{verb} c")
        assert server.session.sender is None and server.session.recipients == []
        assert talk(server, "RCPT TO:<bob@example.org>") == ["503 5.5.1 Error: need MAIL command"]


def test_commands_are_case_insensitive() -> None:
    server, _ = new_server()
    assert talk(server, "ehlo c")[-1] == "250 CHUNKING"
    assert talk(server, "mail from:<alice@example.com>") == ["250 2.1.0 Ok"]
    assert talk(server, "Rcpt To:<bob@example.org>") == ["250 2.1.5 Ok"]


# --- MAIL, RCPT, DATA order ----------------------------------------------------------------
def test_mail_before_ehlo_is_accepted_by_default() -> None:
    server, _ = new_server()  # smtpd_helo_required = no (mail_params.h)
    assert talk(server, "MAIL FROM:<alice@example.com>") == ["250 2.1.0 Ok"]
    assert server.session.sender == "alice@example.com"


def test_mail_before_ehlo_refused_when_helo_is_required() -> None:
    server, _ = new_server(helo_required_=True)
    assert talk(server, "MAIL FROM:<alice@example.com>") == [
        "503 5.5.1 Error: send HELO/EHLO first"]
    assert server.session.sender is None
    talk(server, "HELO c")
    assert talk(server, "MAIL FROM:<alice@example.com>") == ["250 2.1.0 Ok"]


def test_nested_mail() -> None:
    server, _ = new_server()
    talk(server, "EHLO c", "MAIL FROM:<alice@example.com>")
    assert talk(server, "MAIL FROM:<carol@example.com>") == [
        "503 5.5.1 Error: nested MAIL command"]
    assert server.session.sender == "alice@example.com"


def test_null_sender_is_accepted() -> None:
    server, _ = new_server()
    assert talk(server, "EHLO c", "MAIL FROM:<>") == ["250 2.1.0 Ok"]
    assert server.session.sender == ""


def test_mail_with_space_after_colon_and_parameters() -> None:
    # smtpd_token.c: "FROM:" is a token of its own, so "FROM: <a>" parses as "FROM:<a>".
    server, _ = new_server()
    assert talk(server, "EHLO c", "MAIL FROM: <alice@example.com> SIZE=1234 BODY=8BITMIME") == [
        "250 2.1.0 Ok"]
    assert server.session.sender == "alice@example.com"


def test_rcpt_before_mail() -> None:
    server, _ = new_server()
    assert talk(server, "EHLO c", "RCPT TO:<bob@example.org>") == [
        "503 5.5.1 Error: need MAIL command"]


def test_data_before_mail() -> None:
    server, _ = new_server()
    assert talk(server, "EHLO c", "DATA") == ["503 5.5.1 Error: need RCPT command"]
    assert server.in_data is False


def test_data_after_mail_with_every_rcpt_refused() -> None:
    server, fake = new_server(refuse_rcpt={"bob@example.net": RELAY_REFUSED})
    talk(server, "EHLO c", "MAIL FROM:<alice@example.com>")
    assert talk(server, "RCPT TO:<bob@example.net>") == [str(RELAY_REFUSED)]
    assert talk(server, "DATA") == ["554 5.5.1 Error: no valid recipients"]
    assert server.in_data is False
    assert fake.rejects == [("RCPT", str(RELAY_REFUSED), "bob@example.net")]


def test_data_after_mail_without_any_rcpt() -> None:
    # smtpd.c data_cmd() L3459-L3461: inside a transaction with rcpt_count == 0 the reply
    # is 554 whether the RCPTs were refused or never sent.
    server, _ = new_server()
    talk(server, "EHLO c", "MAIL FROM:<alice@example.com>")
    assert talk(server, "DATA") == ["554 5.5.1 Error: no valid recipients"]


def test_refused_mail_is_reported_and_leaves_no_transaction() -> None:
    server, fake = new_server(refuse_mail={"spam@example.com": SENDER_REFUSED})
    talk(server, "EHLO c")
    assert talk(server, "MAIL FROM:<spam@example.com>") == [str(SENDER_REFUSED)]
    assert server.session.sender is None
    assert fake.rejects == [("MAIL", str(SENDER_REFUSED), "spam@example.com")]
    assert talk(server, "RCPT TO:<bob@example.org>") == ["503 5.5.1 Error: need MAIL command"]


# --- syntax ---------------------------------------------------------------------------------
MAIL_SYNTAX = "501 5.5.4 Syntax: MAIL FROM:<address>"
RCPT_SYNTAX = "501 5.5.4 Syntax: RCPT TO:<address>"


def test_mail_syntax_errors() -> None:
    # smtpd.c mail_cmd() L2665: fewer than 3 tokens, or the 2nd is not "from:".
    for line in ("MAIL", "MAIL FROM:", "MAIL TO:<alice@example.com>", "MAIL <alice@example.com>"):
        server, _ = new_server()
        assert talk(server, "EHLO c", line) == [MAIL_SYNTAX], line
        assert server.session.sender is None


def test_rcpt_syntax_errors() -> None:
    # smtpd.c rcpt_cmd() L3078.
    for line in ("RCPT", "RCPT TO:", "RCPT FROM:<bob@example.org>"):
        server, _ = new_server()
        talk(server, "EHLO c", "MAIL FROM:<alice@example.com>")
        assert talk(server, line) == [RCPT_SYNTAX], line
        assert server.session.recipients == []


def test_mail_with_unclosed_bracket_is_bad_sender_syntax() -> None:
    # smtpd_token.c smtp_quoted(): a missing ">" makes the token SMTPD_TOK_ERROR, and
    # mail_cmd() L2691 replies "501 5.1.7 Bad sender address syntax".
    server, _ = new_server()
    assert talk(server, "EHLO c", "MAIL FROM:<alice@example.com") == [
        "501 5.1.7 Bad sender address syntax"]


def test_mail_without_angle_brackets_is_accepted() -> None:
    # smtpd.c extract_addr(): brackets are optional unless strict_rfc821_envelopes = yes
    # (default no), so Postfix takes "MAIL FROM:alice@example.com".
    server, _ = new_server()
    assert talk(server, "EHLO c", "MAIL FROM:alice@example.com") == ["250 2.1.0 Ok"]
    assert server.session.sender == "alice@example.com"


def test_empty_recipient_is_bad_recipient_syntax() -> None:
    # smtpd.c rcpt_cmd() L3104: extract_addr(..., REJECT_EMPTY_ADDR, ...) fails for "<>".
    server, _ = new_server()
    talk(server, "EHLO c", "MAIL FROM:<alice@example.com>")
    assert talk(server, "RCPT TO:<>") == ["501 5.1.3 Bad recipient address syntax"]


def test_unknown_command() -> None:
    server, _ = new_server()
    assert talk(server, "FOO bar") == ["500 5.5.2 Error: command not recognized"]
    assert talk(server, "X-HELO c") == ["500 5.5.2 Error: command not recognized"]


def test_empty_line_is_bad_syntax() -> None:
    # smtpd.c smtpd_proto() L6171-L6173: a line with no token at all.
    server, _ = new_server()
    assert talk(server, "") == ["500 5.5.2 Error: bad syntax"]


def test_data_with_an_argument() -> None:
    # smtpd.c data_cmd(): argc != 1 -> "501 5.5.4 Syntax: DATA" (after the RCPT checks).
    server, _ = new_server()
    talk(server, "EHLO c", "MAIL FROM:<alice@example.com>", "RCPT TO:<bob@example.org>")
    assert talk(server, "DATA now") == ["501 5.5.4 Syntax: DATA"]
    assert server.in_data is False


# --- AUTH -----------------------------------------------------------------------------------
def auth_line(user: str = "alice", password: str = "secret") -> str:
    return f"AUTH PLAIN {encode_plain(user, password)}"


def test_auth_plain_ok() -> None:
    server, _ = new_server(sasl=True)
    assert talk(server, "EHLO c", auth_line()) == ["235 2.7.0 Authentication successful"]
    assert (server.session.sasl_user, server.session.sasl_method) == ("alice", "PLAIN")
    assert server.session.received_protocol == "ESMTPA"  # RFC 3848


def test_auth_plain_wrong_password() -> None:
    server, _ = new_server(sasl=True)
    assert talk(server, "EHLO c", auth_line(password="guess")) == [
        "535 5.7.8 Error: authentication failed: authentication failure"]
    assert server.session.sasl_user is None
    assert server.session.received_protocol == "ESMTP"


def test_auth_when_not_offered() -> None:
    server, _ = new_server(sasl=False)
    assert talk(server, "EHLO c", auth_line()) == ["503 5.5.1 Error: authentication not enabled"]
    assert server.session.sasl_user is None


def test_auth_twice() -> None:
    server, _ = new_server(sasl=True)
    talk(server, "EHLO c", auth_line())
    assert talk(server, auth_line()) == ["503 5.5.1 Error: already authenticated"]


def test_auth_inside_a_transaction() -> None:
    server, _ = new_server(sasl=True)
    talk(server, "EHLO c", "MAIL FROM:<alice@example.com>")
    assert talk(server, auth_line()) == ["503 5.5.1 Error: MAIL transaction in progress"]
    assert server.session.sasl_user is None


def test_auth_again_inside_a_transaction_reports_the_transaction() -> None:
    # smtpd_sasl_proto.c smtpd_sasl_auth_cmd(): the transaction check (L166) comes
    # before the already-authenticated check (L192).
    server, _ = new_server(sasl=True)
    talk(server, "EHLO c", auth_line(), "MAIL FROM:<alice@example.com>")
    assert talk(server, auth_line()) == ["503 5.5.1 Error: MAIL transaction in progress"]


def test_auth_before_ehlo_is_allowed_when_helo_is_not_required() -> None:
    # smtpd_sasl_proto.c L155: "send HELO/EHLO first" only with smtpd_helo_required = yes;
    # SASL is active from the greeting on (smtpd.c L6102-L6110).
    server, _ = new_server(sasl=True)
    assert talk(server, auth_line()) == ["235 2.7.0 Authentication successful"]


def test_auth_after_helo_is_allowed() -> None:
    server, _ = new_server(sasl=True)
    assert talk(server, "HELO c", auth_line()) == ["235 2.7.0 Authentication successful"]


def test_auth_before_ehlo_when_helo_is_required() -> None:
    server, _ = new_server(sasl=True, helo_required_=True)
    assert talk(server, auth_line()) == ["503 5.5.1 Error: send HELO/EHLO first"]


def test_auth_without_mechanism() -> None:
    # smtpd_sasl_proto.c L197: argc < 2 -> "501 5.5.4 Syntax: AUTH mechanism".
    server, _ = new_server(sasl=True)
    assert talk(server, "EHLO c", "AUTH") == ["501 5.5.4 Syntax: AUTH mechanism"]


def test_auth_plain_with_undecodable_response() -> None:
    # xsasl_cyrus_server.c L549-L556: a base64 error is XSASL_AUTH_FORM with the text of
    # sasl_errstring(SASL_BADPROT); smtpd_sasl_glue.c L359 sends it in a 535 reply.
    server, _ = new_server(sasl=True)
    assert talk(server, "EHLO c", "AUTH PLAIN !!!notbase64") == [
        "535 5.7.8 Error: authentication failed: bad protocol / cancel"]


def test_auth_plain_with_non_ascii_response_is_a_reply_not_a_crash() -> None:
    # Found by the property below: base64.b64decode() raises ValueError (not
    # binascii.Error) for non-ASCII text. Cyrus sasl_decode64() fails with SASL_BADPROT
    # (xsasl_cyrus_server.c L549-L556), answered as in the test above.
    server, _ = new_server(sasl=True)
    assert talk(server, "EHLO c", "AUTH PLAIN \u00e9t\u00e9") == [
        "535 5.7.8 Error: authentication failed: bad protocol / cancel"]


# --- the queue file, DATA and the dot -------------------------------------------------------
def test_queue_file_opens_at_the_first_accepted_rcpt_only() -> None:
    server, fake = new_server(refuse_rcpt={"bob@example.net": RELAY_REFUSED})
    talk(server, "EHLO c", "MAIL FROM:<alice@example.com>")
    assert fake.opened == [] and server.session.queue_id is None
    talk(server, "RCPT TO:<bob@example.net>")  # refused: still no queue file
    assert fake.opened == [] and server.session.queue_id is None
    assert talk(server, "RCPT TO:<bob@example.org>") == ["250 2.1.5 Ok"]
    assert fake.opened == [[]]  # opened before the recipient was added
    assert server.session.queue_id == "4A1B2C3D01"
    talk(server, "RCPT TO:<carol@example.org>")
    assert len(fake.opened) == 1
    assert server.session.recipients == ["bob@example.org", "carol@example.org"]


def test_message_is_taken_at_the_lone_dot_and_unstuffed() -> None:
    server, fake = new_server()
    talk(server, "EHLO c", "MAIL FROM:<alice@example.com>", "RCPT TO:<bob@example.org>")
    assert talk(server, "DATA") == ["354 End data with <CR><LF>.<CR><LF>"]
    assert server.in_data is True
    reply = send_data(server, b"Subject: dots\r\n", b"\r\n", b"..x\r\n", b"...\r\n",
                      b" .\r\n", b"..\r\n")
    assert reply == ["250 2.0.0 Ok: queued as 4A1B2C3D01"]
    assert server.in_data is False
    # RFC 5321 §4.5.2: the first dot of each line goes; " ." is data, not the end.
    assert fake.messages == [("alice@example.com", ["bob@example.org"],
                              b"Subject: dots\r\n\r\n.x\r\n..\r\n .\r\n.\r\n")]


def test_transaction_is_reset_after_the_message() -> None:
    server, _ = new_server()
    talk(server, "EHLO c", "MAIL FROM:<alice@example.com>", "RCPT TO:<bob@example.org>", "DATA")
    send_data(server, b"hi\r\n")
    session = server.session
    assert (session.sender, session.recipients, session.queue_id) == (None, [], None)
    assert session.helo_name == "c"
    # a second message on the same connection gets a fresh queue file
    talk(server, "MAIL FROM:<alice@example.com>", "RCPT TO:<bob@example.org>", "DATA")
    assert send_data(server, b"again\r\n") == ["250 2.0.0 Ok: queued as 4A1B2C3D02"]


def test_a_refused_message_is_reported_and_reset() -> None:
    refused = Reply(552, "5.3.4", "Error: message file too big")
    server, _ = new_server(eod_reply=refused)
    talk(server, "EHLO c", "MAIL FROM:<alice@example.com>", "RCPT TO:<bob@example.org>", "DATA")
    assert send_data(server, b"big\r\n") == ["552 5.3.4 Error: message file too big"]
    assert server.session.sender is None and server.in_data is False


def test_rset_clears_the_transaction() -> None:
    server, _ = new_server()
    talk(server, "EHLO c", "MAIL FROM:<alice@example.com>", "RCPT TO:<bob@example.org>")
    assert talk(server, "RSET") == ["250 2.0.0 Ok"]
    session = server.session
    assert (session.sender, session.recipients, session.queue_id) == (None, [], None)
    assert session.helo_name == "c" and session.protocol == "ESMTP"  # not the connection
    assert talk(server, "RCPT TO:<bob@example.org>") == ["503 5.5.1 Error: need MAIL command"]
    assert talk(server, "MAIL FROM:<carol@example.com>") == ["250 2.1.0 Ok"]


def test_rset_with_an_argument() -> None:
    # smtpd.c rset_cmd(): argc != 1 -> "501 5.5.4 Syntax: RSET", transaction kept.
    server, _ = new_server()
    talk(server, "EHLO c", "MAIL FROM:<alice@example.com>")
    assert talk(server, "RSET now") == ["501 5.5.4 Syntax: RSET"]
    assert server.session.sender == "alice@example.com"


def test_noop() -> None:
    server, _ = new_server()
    assert talk(server, "NOOP") == ["250 2.0.0 Ok"]
    assert talk(server, "NOOP with args") == ["250 2.0.0 Ok"]  # RFC 5321 §4.1.1.9


def test_quit() -> None:
    server, _ = new_server()
    assert server.closed is False
    assert talk(server, "QUIT") == ["221 2.0.0 Bye"]
    assert server.closed is True


# --- the disconnect counts ------------------------------------------------------------------
def full_session(server: SmtpServer) -> None:
    talk(server, "EHLO c", "MAIL FROM:<alice@example.com>", "RCPT TO:<bob@example.org>", "DATA")
    send_data(server, b"hi\r\n")
    talk(server, "QUIT")


def test_counts_of_a_clean_session() -> None:
    server, _ = new_server()
    full_session(server)
    assert server.session.counts == {"ehlo": [1, 1], "mail": [1, 1], "rcpt": [1, 1],
                                     "data": [1, 1], "quit": [1, 1]}


def test_counts_include_unknown_and_repeated_commands() -> None:
    server, _ = new_server()
    talk(server, "EHLO c", "NOOP", "NOOP", "FOO", "BAR", "QUIT")
    assert server.session.counts == {"ehlo": [1, 1], "noop": [2, 2], "unknown": [0, 2],
                                     "quit": [1, 1]}


def disconnect_line(session: SmtpSession) -> str:
    """What Smtpd.log_disconnect() logs, with a stand-in MTA that only collects log text."""
    logged: list[str] = []
    host = SimpleNamespace(log=lambda program, text, fresh=False, t=0.0, args=():
                           logged.append(text % args if args else text))
    Smtpd(SimpleNamespace(host=host), SMTP, None).log_disconnect(session)  # type: ignore[arg-type]
    assert len(logged) == 1
    return logged[0]


PREFIX = "disconnect from client.example.com[192.0.2.10]"


def test_disconnect_line_of_a_clean_session() -> None:
    server, _ = new_server()
    full_session(server)
    assert disconnect_line(server.session) == (
        f"{PREFIX} ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5")


def test_disconnect_line_counts_failed_commands_as_ok_slash_total() -> None:
    # smtpd.c smtpd_format_cmd_stats() L6352-L6387: "name=success" and "/total" when they
    # differ; commands= likewise. A refused RCPT is rcpt=0/1.
    server, _ = new_server(refuse_rcpt={"bob@example.net": RELAY_REFUSED})
    talk(server, "EHLO c", "MAIL FROM:<alice@example.com>", "RCPT TO:<bob@example.net>", "QUIT")
    assert disconnect_line(server.session) == (
        f"{PREFIX} ehlo=1 mail=1 rcpt=0/1 quit=1 commands=3/4")


def test_disconnect_line_follows_the_command_table_order() -> None:
    # smtpd.c smtpd_cmd_table L5739-L5768: HELO EHLO XCLIENT XFORWARD STARTTLS AUTH MAIL RCPT
    # DATA BDAT RSET NOOP VRFY ETRN QUIT HELP, then "unknown" (the last table entry).
    server, _ = new_server()
    talk(server, "NOOP", "FOO", "EHLO c", "QUIT")
    assert disconnect_line(server.session) == (
        f"{PREFIX} ehlo=1 noop=1 quit=1 unknown=0/1 commands=3/4")


def test_disconnect_line_without_commands() -> None:
    # smtpd.c L6385-L6387: no command at all is logged as commands=0/0.
    server, _ = new_server()
    assert disconnect_line(server.session) == f"{PREFIX} commands=0/0"


# --- property: the dialogue never crashes ---------------------------------------------------
REPLY_LINE = re.compile(r"^[2-5]\d\d[ -]")
VERBS = ["HELO c", "EHLO c", "MAIL FROM:<a@example.com>", "MAIL FROM:<>", "RCPT TO:<b@example.org>",
         "RCPT TO:<x@example.net>", "DATA", ".", "..x", "RSET", "NOOP", "QUIT",
         auth_line(), auth_line(password="bad"), "AUTH PLAIN", "AUTH LOGIN", "VRFY bob", ""]
printable = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp")),
                    max_size=60)
command_line = st.one_of(st.sampled_from(VERBS), printable,
                         st.tuples(st.sampled_from(VERBS), printable).map(" ".join))


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(command_line, max_size=30), sasl=st.booleans(), helo=st.booleans())
def test_any_command_sequence_gives_well_formed_replies(lines: list[str], sasl: bool,
                                                        helo: bool) -> None:
    server, _ = new_server(sasl=sasl, helo_required_=helo,
                           refuse_rcpt={"x@example.net": RELAY_REFUSED})
    for line in lines:
        if server.closed:
            break
        was_in_data = server.in_data
        reply = server.data_line(line.encode() + b"\r\n") if was_in_data else server.handle(line)
        if was_in_data and line != ".":
            assert reply == []
            continue
        assert reply, f"no reply to {line!r}"
        for i, text in enumerate(reply):
            assert REPLY_LINE.match(text), f"{line!r} -> {text!r}"
            assert text[3] == ("-" if i < len(reply) - 1 else " ")
            assert text[:3] == reply[0][:3]
