"""TLS as modelled: what is agreed, how many round trips it costs, how Postfix writes it.

Round trips (RFC 8446 §2, RFC 5246 §7.3, no resumption): TLS 1.3 lets the client send
application data after one round trip, TLS 1.2 after two; with implicit TLS (port 465)
the server's greeting arrives two round trips after the ClientHello in both versions.
Texts: postfix/src/smtpd/smtpd.c common_pre_message_handling() (Received: comment),
src/tls/tls_misc.c tls_log_summary() and tls_get_signature_params() (TLS 1.3 only).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from smtp_fakes import AcceptingPolicy

from simulator.model.message import Envelope
from simulator.protocol.sasl import encode_plain
from simulator.protocol.smtp import SmtpServer, SmtpSession, TlsOffer
from simulator.protocol.smtp_client import (
    NO_STARTTLS,
    ClientOptions,
    SmtpClientResult,
    run_smtp_client,
)
from simulator.protocol.tls import TLS12, TLS13, check_protocols, negotiate


@pytest.mark.parametrize(("protocols", "expected"), [
    (">=TLSv1", "TLSv1.3"),          # Postfix >= 3.6 default
    ("", "TLSv1.3"),                 # empty: every protocol
    ("!SSLv2, !SSLv3", "TLSv1.3"),   # the old exclusion syntax
    ("<=TLSv1.2", "TLSv1.2"),
    ("!TLSv1.3", "TLSv1.2"),
    (">=TLSv1.2 <=TLSv1.2", "TLSv1.2"),
    (">=TLSv1.3", "TLSv1.3"),
    ("<=TLSv1.1", None),             # a modern client offers only 1.2 and 1.3
])
def test_negotiate(protocols: str, expected: str | None) -> None:
    agreed = negotiate(protocols)
    assert (agreed.protocol if agreed else None) == expected


def test_check_protocols() -> None:
    assert check_protocols(">=TLSv1, !SSLv2") is None
    assert check_protocols(">=TLSv1.4") == ("unknown TLS protocol 'TLSv1.4' (expected one of: "
                                            "SSLv2, SSLv3, TLSv1, TLSv1.1, TLSv1.2, TLSv1.3)")


def test_round_trips() -> None:
    assert (TLS13.rtts, TLS12.rtts) == (1, 2)
    assert len(TLS13.flights()) == 3 and len(TLS12.flights()) == 4


def test_summary_and_received_comment_tls13() -> None:
    assert TLS13.summary() == ("TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) "
                               "key-exchange X25519 server-signature RSA-PSS (2048 bits) "
                               "server-digest SHA256")
    assert TLS13.received_comment() == [
        "(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)",
        " key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256)",
        "(No client certificate requested)"]


def test_received_comment_tls12_has_no_signature_details() -> None:
    # tls_get_signature_params() returns early below TLS 1.3
    assert TLS12.received_comment() == [
        "(using TLSv1.2 with cipher ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits))",
        "(No client certificate requested)"]


# --- the client's timing against a server that offers TLS -----------------------------------
T0, RTT = 100.0, 0.02
BASE_WORDS = ["PIPELINING", "SIZE 10240000", "ETRN"]


@dataclass
class Policy(AcceptingPolicy):
    """A small SmtpPolicy: STARTTLS offered until TLS is on, AUTH only under TLS."""

    starttls: bool = True
    users: dict[str, str] = field(default_factory=lambda: {"alice": "secret"})

    def sasl_enabled(self, session: SmtpSession) -> bool:
        return session.tls is not None

    def ehlo_keywords(self, session: SmtpSession) -> list[str]:
        words = list(BASE_WORDS)
        if self.starttls and session.tls is None:
            words.append("STARTTLS")
        if session.tls is not None:
            words.append("AUTH PLAIN LOGIN")
        return words + ["ENHANCEDSTATUSCODES"]

    def open_queue_file(self, session: SmtpSession) -> str:
        return "4A1B2C3D4E"



def session_with(offer: TlsOffer, options: ClientOptions,
                 starttls: bool = True) -> tuple[SmtpServer, SmtpClientResult]:
    server = SmtpServer(Policy(starttls=starttls), SmtpSession("192.0.2.9", "unknown", 587),
                        offer)
    return server, run_smtp_client(server, T0, RTT, Envelope("alice@example.net",
                                                             ("bob@example.org",)),
                                   b"Subject: x\n\nhi\n", options)


STARTTLS13 = TlsOffer(use=True, enforce=True, wrapper=False, session=TLS13)
STARTTLS12 = TlsOffer(use=True, enforce=True, wrapper=False, session=TLS12)
WRAPPER13 = TlsOffer(use=True, enforce=True, wrapper=True, session=TLS13)
MUA = ClientOptions(ehlo_name="[192.0.2.9]", auth=("alice", "secret"), starttls="require",
                    pipelining=False, postfix_habits=False)


def line_time(result: SmtpClientResult, side: str, text: str) -> float:
    return next(t for t, s, line in result.lines if s == side and line.startswith(text))


@pytest.mark.parametrize(("offer", "rtts"), [(STARTTLS13, 1), (STARTTLS12, 2)])
def test_starttls_costs_the_handshake_round_trips(offer: TlsOffer, rtts: int) -> None:
    _, result = session_with(offer, MUA)
    ready = line_time(result, "S", "220 2.0.0 Ready")
    hello = line_time(result, "TLS-C", "ClientHello")
    assert hello == pytest.approx(ready + RTT / 2)  # the client has the 220 half an RTT later
    second_ehlo = [t for t, s, line in result.lines if s == "C" and line.startswith("EHLO")][1]
    assert second_ehlo == pytest.approx(hello + rtts * RTT)
    assert result.tls is offer.session and result.data_reply is not None
    assert result.data_reply.startswith("250 2.0.0 Ok: queued")
    # everything after the "TLS" summary line travelled encrypted
    assert result.encrypted_from is not None
    assert result.lines[result.encrypted_from - 1][1] == "TLS"
    assert result.lines[result.encrypted_from][2] == "EHLO [192.0.2.9]"


def test_implicit_tls_greeting_comes_two_round_trips_after_the_client_hello() -> None:
    options = ClientOptions(ehlo_name="[192.0.2.9]", auth=("alice", "secret"),
                            implicit_tls=True, pipelining=False, postfix_habits=False)
    _, result = session_with(WRAPPER13, options)
    hello = line_time(result, "TLS-C", "ClientHello")
    assert hello == pytest.approx(T0 + RTT)  # right after the TCP handshake
    assert line_time(result, "S", "220 mx.example.org") == pytest.approx(hello + 1.5 * RTT)
    assert line_time(result, "C", "EHLO") == pytest.approx(hello + 2 * RTT)
    assert result.encrypted_from == 4  # three flights and the summary line precede it


def test_auth_login_answers_both_challenges() -> None:
    options = ClientOptions(ehlo_name="c", auth=("alice", "secret"), auth_mechanism="LOGIN",
                            starttls="require", pipelining=False, postfix_habits=False)
    _, result = session_with(STARTTLS13, options)
    said = [(s, line) for _, s, line in result.lines if s in ("C", "S")]
    i = said.index(("C", "AUTH LOGIN"))
    assert said[i:i + 6] == [("C", "AUTH LOGIN"), ("S", "334 VXNlcm5hbWU6"), ("C", "YWxpY2U="),
                             ("S", "334 UGFzc3dvcmQ6"), ("C", "c2VjcmV0"),
                             ("S", "235 2.7.0 Authentication successful")]


def test_a_client_that_requires_starttls_stops_when_it_is_not_offered() -> None:
    offer = TlsOffer(use=False, enforce=False, wrapper=False, session=TLS13)
    _, result = session_with(offer, MUA, starttls=False)
    assert (result.failure, result.failed_command) == (NO_STARTTLS, "EHLO")
    assert [line for _, s, line in result.lines if s == "C"] == ["EHLO [192.0.2.9]", "QUIT"]


def test_may_goes_on_in_plain_text_when_starttls_is_not_offered() -> None:
    offer = TlsOffer(use=False, enforce=False, wrapper=False, session=TLS13)
    options = ClientOptions(ehlo_name="mail.example.net", starttls="may")
    _, result = session_with(offer, options, starttls=False)
    assert result.tls is None and result.failure is None
    assert result.data_reply == "250 2.0.0 Ok: queued as 4A1B2C3D4E"


# --- property: an enforcing server never lets mail through before TLS ------------------------
LINES = ["EHLO c", "HELO c", "STARTTLS", "NOOP", "RSET",
         f"AUTH PLAIN {encode_plain('alice', 'secret')}", "AUTH LOGIN", "YWxpY2U=", "c2VjcmV0",
         "*", "MAIL FROM:<a@example.com>",
         "RCPT TO:<b@example.org>", "DATA", "VRFY b", "QUIT", ""]


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(st.sampled_from(LINES), max_size=25))
def test_nothing_but_pre_tls_commands_succeed_before_the_handshake(lines: list[str]) -> None:
    server = SmtpServer(Policy(), SmtpSession("192.0.2.9", "unknown", 587), STARTTLS13)
    for line in lines:
        if server.closed:
            break
        before_tls = server.session.tls is None
        in_sasl = server._sasl is not None
        reply = server.handle(line)
        assert reply and all(r[:3].isdigit() and r[3] in " -" for r in reply), (line, reply)
        verb = line.split(" ")[0].upper()
        if before_tls and not in_sasl and verb in ("AUTH", "MAIL", "RCPT", "DATA", "VRFY", "RSET"):
            assert reply == ["530 5.7.0 Must issue a STARTTLS command first"], (line, reply)
        if server.starttls_pending:
            server.start_tls()
    assert server.session.tls is not None or server.session.sasl_user is None
