"""Unit tests for simulator.protocol.smtp_client: one whole client session and its timing.

The client talks to a real SmtpServer whose policy is a fake written here. Timing model
(module docstring): the TCP handshake costs one RTT, the server sends its greeting at
its end, the client answers half an RTT later when the greeting arrives, and each
exchange costs one RTT. With PIPELINING, Postfix smtp(8) sends MAIL, RCPT and DATA as one
batch (postfix/src/smtp/smtp_proto.c smtp_loop(); RFC 2920).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from smtp_fakes import AcceptingPolicy

from simulator.model.message import Envelope
from simulator.model.status import S250_QUEUED, Reply
from simulator.protocol.smtp import SmtpServer, SmtpSession
from simulator.protocol.smtp_client import ClientOptions, SmtpClientResult, run_smtp_client

T0, RTT = 100.0, 0.02
ALICE, BOB, CAROL = "alice@example.net", "bob@example.org", "carol@example.org"
DATA = b"Subject: hi\n\nHello\n"
UNKNOWN = Reply(550, "5.1.1", "<carol@example.org>: Recipient address rejected: "
                              "User unknown in local recipient table")
KEYWORDS = ["PIPELINING", "SIZE 10240000", "VRFY", "ETRN", "ENHANCEDSTATUSCODES",
            "8BITMIME", "DSN", "SMTPUTF8", "CHUNKING"]


@dataclass
class FakePolicy(AcceptingPolicy):
    keywords: list[str] = field(default_factory=lambda: list(KEYWORDS))
    users: dict[str, str] = field(default_factory=lambda: {"alice": "secret"})
    refuse_mail: dict[str, Reply] = field(default_factory=dict)
    refuse_rcpt: dict[str, Reply] = field(default_factory=dict)
    eod_reply: Reply | None = None
    messages: list[bytes] = field(default_factory=list)
    eod_times: list[float] = field(default_factory=list)
    _qids: Iterator[int] = field(default_factory=lambda: iter(range(1, 100)))

    def sasl_enabled(self, session: SmtpSession) -> bool:
        return any(k.startswith("AUTH ") for k in self.ehlo_keywords(session))

    def ehlo_keywords(self, session: SmtpSession) -> list[str]:
        return list(self.keywords)

    def check_mail(self, session: SmtpSession, sender: str) -> Reply | None:
        return self.refuse_mail.get(sender)

    def check_rcpt(self, session: SmtpSession, recipient: str) -> Reply | None:
        return self.refuse_rcpt.get(recipient)

    def open_queue_file(self, session: SmtpSession) -> str:
        return f"5B6C7D8E{next(self._qids):02d}"

    def end_of_data(self, session: SmtpSession, data: bytes) -> Reply:
        self.messages.append(data)
        self.eod_times.append(session.now)
        if self.eod_reply is not None:
            return self.eod_reply
        return S250_QUEUED.with_text(S250_QUEUED.text.format(session.queue_id))



class GreetingServer(SmtpServer):
    """A server whose greeting is refused (e.g. smtpd.c L6084 after a Milter tempfail)."""

    def __init__(self, policy: FakePolicy, greeting: str) -> None:
        super().__init__(policy, SmtpSession("192.0.2.10", "client.example.com", 25))
        self._greeting = greeting

    def greeting(self) -> list[str]:
        return [self._greeting]


def run(policy: FakePolicy | None = None, rcpts: tuple[str, ...] = (BOB,), data: bytes = DATA,
        server: SmtpServer | None = None, **options: object) -> SmtpClientResult:
    policy = policy or FakePolicy()
    server = server or SmtpServer(policy, SmtpSession("192.0.2.10", "client.example.com", 25))
    opts = ClientOptions(ehlo_name="client.example.com", **options)  # type: ignore[arg-type]
    return run_smtp_client(server, T0, RTT, Envelope(ALICE, rcpts), data, opts)


def commands(result: SmtpClientResult) -> list[str]:
    return [text for _, who, text in result.lines if who == "C"]


def at(result: SmtpClientResult, who: str, text: str) -> float:
    """The time of the first line ``text`` sent by ``who``."""
    return next(t for t, w, line in result.lines if w == who and line == text)


def rtts(t: float) -> float:
    return (t - T0) / RTT


# --- timing ---------------------------------------------------------------------------------
def test_greeting_comes_after_one_rtt_of_tcp_handshake() -> None:
    result = run()
    assert result.lines[0] == (pytest.approx(T0 + RTT), "S", "220 mx.example.org ESMTP Postfix")
    assert rtts(at(result, "C", "EHLO client.example.com")) == pytest.approx(1.5)
    assert rtts(at(result, "S", "250-mx.example.org")) == pytest.approx(2.0)


def test_pipelined_mail_rcpt_data_cost_one_rtt() -> None:
    result = run()
    assert result.keywords == tuple(KEYWORDS)
    mail = next(c for c in commands(result) if c.startswith("MAIL FROM:"))
    assert rtts(at(result, "C", mail)) == pytest.approx(2.5)
    assert rtts(at(result, "C", f"RCPT TO:<{BOB}>")) == pytest.approx(2.5)
    assert rtts(at(result, "C", "DATA")) == pytest.approx(2.5)
    # the three commands go out before the three replies come back
    texts = [text for _, _, text in result.lines]
    i = texts.index("DATA")
    assert [w for _, w, _ in result.lines[i - 2:i + 4]] == ["C", "C", "C", "S", "S", "S"]
    assert texts[i + 1:i + 4] == ["250 2.1.0 Ok", "250 2.1.5 Ok",
                                  "354 End data with <CR><LF>.<CR><LF>"]
    assert rtts(at(result, "S", "354 End data with <CR><LF>.<CR><LF>")) == pytest.approx(3.0)
    assert rtts(at(result, "C", "Subject: hi")) == pytest.approx(3.5)
    assert rtts(at(result, "C", ".")) == pytest.approx(3.5)
    assert rtts(result.commit_at or 0.0) == pytest.approx(4.0)
    # Postfix's smtp(8) pipelines QUIT with the final dot on an uncached connection
    assert rtts(at(result, "C", "QUIT")) == pytest.approx(3.5)
    assert rtts(at(result, "S", "221 2.0.0 Bye")) == pytest.approx(4.0)
    assert rtts(result.end) == pytest.approx(4.5)


def test_without_pipelining_each_command_waits_one_rtt() -> None:
    result = run(pipelining=False)
    assert rtts(at(result, "C", f"RCPT TO:<{BOB}>")) == pytest.approx(3.5)
    assert rtts(at(result, "C", "DATA")) == pytest.approx(4.5)
    assert rtts(at(result, "C", ".")) == pytest.approx(5.5)
    assert rtts(at(result, "C", "QUIT")) == pytest.approx(6.5)
    assert rtts(result.end) == pytest.approx(7.5)
    # each command is followed by its reply before the next goes out
    texts = [(w, text) for _, w, text in result.lines]
    i = texts.index(("C", f"RCPT TO:<{BOB}>"))
    assert texts[i - 2:i + 3] == [("C", texts[i - 2][1]), ("S", "250 2.1.0 Ok"),
                                  ("C", f"RCPT TO:<{BOB}>"), ("S", "250 2.1.5 Ok"),
                                  ("C", "DATA")]


def test_no_pipelining_when_the_server_does_not_offer_it() -> None:
    policy = FakePolicy(keywords=[k for k in KEYWORDS if k != "PIPELINING"])
    result = run(policy)
    assert rtts(at(result, "C", "DATA")) == pytest.approx(4.5)
    assert rtts(result.end) == pytest.approx(7.5)


def test_each_recipient_costs_one_rtt_without_pipelining() -> None:
    result = run(rcpts=(BOB, CAROL), pipelining=False)
    assert rtts(at(result, "C", f"RCPT TO:<{CAROL}>")) == pytest.approx(4.5)
    assert rtts(result.end) == pytest.approx(8.5)


SASL_KEYWORDS = KEYWORDS[:4] + ["AUTH PLAIN LOGIN"] + KEYWORDS[4:]


def test_auth_costs_one_more_rtt() -> None:
    result = run(FakePolicy(keywords=SASL_KEYWORDS), auth=("alice", "secret"))
    assert at(result, "C", "AUTH PLAIN AGFsaWNlAHNlY3JldA==") == pytest.approx(T0 + 2.5 * RTT)
    assert rtts(at(result, "S", "235 2.7.0 Authentication successful")) == pytest.approx(3.0)
    assert rtts(result.end) == pytest.approx(5.5)  # one RTT more than without AUTH (4.5)


def test_refused_auth_ends_the_session() -> None:
    result = run(FakePolicy(keywords=SASL_KEYWORDS), auth=("alice", "guess"))
    assert result.failure == "535 5.7.8 Error: authentication failed: authentication failure"
    assert [c for c in commands(result) if not c.startswith("EHLO")] == [
        "AUTH PLAIN AGFsaWNlAGd1ZXNz", "QUIT"]
    assert result.accepted == []


def test_server_handles_each_line_at_its_arrival_time() -> None:
    policy = FakePolicy()
    result = run(policy)
    assert policy.eod_times == [pytest.approx(result.commit_at)]


# --- what goes on the wire ------------------------------------------------------------------
def test_size_is_sent_when_offered() -> None:
    result = run()
    mail = next(c for c in commands(result) if c.startswith("MAIL"))
    head, _, size = mail.partition(" SIZE=")
    assert head == f"MAIL FROM:<{ALICE}>"
    assert size.isdigit() and int(size) >= len(DATA)


def test_size_is_not_sent_when_not_offered() -> None:
    policy = FakePolicy(keywords=[k for k in KEYWORDS if not k.startswith("SIZE")])
    assert f"MAIL FROM:<{ALICE}>" in commands(run(policy))


def test_size_is_not_sent_when_the_client_does_not_want_to() -> None:
    assert f"MAIL FROM:<{ALICE}>" in commands(run(send_size=False))


def test_dot_stuffing_on_the_wire() -> None:
    policy = FakePolicy()
    data = b"Subject: dots\n\n.hidden\n..two\nmid.dle\n.\n"
    result = run(policy, data=data)
    body = commands(result)[commands(result).index("DATA") + 1:]
    # RFC 5321 §4.5.2: a line that starts with "." gets one more; then the lone dot.
    assert body[:7] == ["Subject: dots", "", "..hidden", "...two", "mid.dle", "..", "."]
    assert policy.messages == [data]  # the server removed the dots again


def test_end_of_data_and_quit() -> None:
    result = run()
    assert result.data_reply == "250 2.0.0 Ok: queued as 5B6C7D8E01"
    assert result.failure is None
    assert commands(result)[-1] == "QUIT"
    assert result.lines[-1][1:] == ("S", "221 2.0.0 Bye")


# --- failures -------------------------------------------------------------------------------
def test_4xx_greeting_ends_with_failure_and_quit() -> None:
    greeting = "421 mx.example.org Service unavailable - try again later"
    result = run(server=GreetingServer(FakePolicy(), greeting))
    assert result.failure == greeting
    assert commands(result) == ["QUIT"]  # no EHLO (smtp_connect.c L690-L694: smtp_quit())
    assert result.data_reply is None and result.accepted == []
    assert rtts(result.end) == pytest.approx(2.5)


def test_refused_mail_stops_without_pipelining() -> None:
    refused = Reply(553, "5.7.1", f"<{ALICE}>: Sender address rejected: not owned by user bob")
    result = run(FakePolicy(refuse_mail={ALICE: refused}), pipelining=False)
    assert result.failure == str(refused)
    assert result.failed_command == "MAIL FROM"
    sent = commands(result)
    assert not any(c.startswith(("RCPT", "DATA")) for c in sent)
    assert sent[-1] == "QUIT"
    assert result.rcpt_replies == {} and result.accepted == []


def test_refused_mail_when_pipelining() -> None:
    refused = Reply(553, "5.7.1", f"<{ALICE}>: Sender address rejected: not owned by user bob")
    result = run(FakePolicy(refuse_mail={ALICE: refused}))
    assert result.failure == str(refused)
    assert result.failed_command == "MAIL FROM"
    sent = commands(result)
    assert "DATA" in sent and "." not in sent  # the batch went out, no content followed
    assert result.data_reply is None and result.accepted == []


def test_smtp_sends_rset_before_quit_after_a_refused_mail() -> None:
    # Postfix smtp(8), smtp_proto.c L2519-L2530: the "course correction" when MAIL FROM was
    # refused (or every RCPT, or DATA) sends RSET, then QUIT on an uncached connection.
    refused = Reply(553, "5.7.1", f"<{ALICE}>: Sender address rejected: not owned by user bob")
    result = run(FakePolicy(refuse_mail={ALICE: refused}), pipelining=False)
    assert commands(result)[-2:] == ["RSET", "QUIT"]


def test_every_rcpt_refused_means_no_data_without_pipelining() -> None:
    policy = FakePolicy(refuse_rcpt={BOB: UNKNOWN, CAROL: UNKNOWN})
    result = run(policy, rcpts=(BOB, CAROL), pipelining=False)
    sent = commands(result)
    assert "DATA" not in sent
    assert result.rcpt_replies == {BOB: str(UNKNOWN), CAROL: str(UNKNOWN)}
    assert result.failure is not None
    assert result.data_reply is None and result.accepted == []
    assert policy.messages == []
    assert sent[-1] == "QUIT"


def test_every_rcpt_refused_when_pipelining() -> None:
    policy = FakePolicy(refuse_rcpt={BOB: UNKNOWN})
    result = run(policy)
    texts = [text for _, _, text in result.lines]
    assert "554 5.5.1 Error: no valid recipients" in texts  # smtpd.c data_cmd() L3461
    assert result.rcpt_replies == {BOB: str(UNKNOWN)}
    assert result.data_reply is None and result.accepted == []
    assert policy.messages == []


def test_accepted_lists_only_2xx_recipients_after_2xx_end_of_data() -> None:
    policy = FakePolicy(refuse_rcpt={CAROL: UNKNOWN})
    result = run(policy, rcpts=(BOB, CAROL))
    assert result.rcpt_replies == {BOB: "250 2.1.5 Ok", CAROL: str(UNKNOWN)}
    assert result.accepted == [BOB]


def test_nothing_is_accepted_when_end_of_data_is_refused() -> None:
    tempfail = Reply(451, "4.3.0", "Error: queue file write error")
    result = run(FakePolicy(eod_reply=tempfail), rcpts=(BOB, CAROL))
    assert result.rcpt_replies == {BOB: "250 2.1.5 Ok", CAROL: "250 2.1.5 Ok"}
    assert result.data_reply == str(tempfail)
    assert result.accepted == []
    assert result.failure == str(tempfail)
    assert commands(result)[-1] == "QUIT"


def test_quit_is_pipelined_after_the_dot() -> None:
    # Postfix smtp(8), smtp_proto.c L2086-L2091 and L2133-L2135: with PIPELINING and an
    # uncached connection, QUIT is built "before we have seen the '.' response" and goes
    # out with the dot; the session then ends one RTT after the dot, not two.
    result = run()
    assert at(result, "C", "QUIT") == pytest.approx(at(result, "C", "."))
    assert rtts(result.end) == pytest.approx(4.5)
