"""Unit tests for simulator.protocol.pop3: the RFC 1939 state machine, worded as Dovecot 2.3."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.protocol import pop3
from simulator.protocol.pop3 import (
    AUTHORIZATION,
    CLOSED,
    TRANSACTION,
    UPDATE,
    MaildropMessage,
    Pop3ClientResult,
    Pop3Policy,
    Pop3Server,
    run_pop3_session,
)

# 23 + 14 + 2 + 7 = 46 octets, stored with CRLF
M1 = MaildropMessage("uid-1", b"From: bob@example.org\r\nSubject: one\r\n\r\nHello\r\n")
# stored with bare LF: 25 + 14 + 2 + 9 = 50 octets on the wire
M2 = MaildropMessage("uid-2", b"From: carol@example.net\nSubject: two\n\nBye now\n")
RFC_TIMESTAMP = "<1896.697170952@dbc.mtview.ca.us>"
RFC_DIGEST = "c4c9334bac560ecc979e58001b3e22fb"  # RFC 1939 §7: secret "tanstaaf"


def make_server(messages: list[MaildropMessage] | None = None, apop: bool = False) -> Pop3Server:
    drop = [M1, M2] if messages is None else messages
    return Pop3Server(
        "pop.example.org",
        authenticate=lambda user, password: (user, password) == ("alice", "secret"),
        open_maildrop=lambda user: list(drop),
        apop_secret=(lambda user: "tanstaaf" if user == "mrose" else None) if apop else None,
    )


def logged_in(messages: list[MaildropMessage] | None = None) -> Pop3Server:
    server = make_server(messages)
    assert server.handle("USER alice") == ["+OK"]
    assert server.handle("PASS secret") == ["+OK Logged in."]
    return server


# --- the client's happy path --------------------------------------------------------------
def test_happy_path_transcript_for_two_messages() -> None:
    result = run_pop3_session(make_server(), "alice", "secret", Pop3Policy())
    assert result.transcript == [
        ("S", "+OK Dovecot ready."),
        ("C", "USER alice"),
        ("S", "+OK"),
        ("C", "PASS secret"),
        ("S", "+OK Logged in."),
        ("C", "STAT"),
        ("S", "+OK 2 96"),
        ("C", "UIDL"),
        ("S", "+OK"),
        ("S", "1 uid-1"),
        ("S", "2 uid-2"),
        ("S", "."),
        ("C", "LIST"),
        ("S", "+OK 2 messages:"),
        ("S", "1 46"),
        ("S", "2 50"),
        ("S", "."),
        ("C", "RETR 1"),
        ("S", "+OK 46 octets"),
        ("S", "From: bob@example.org"),
        ("S", "Subject: one"),
        ("S", ""),
        ("S", "Hello"),
        ("S", "."),
        ("C", "DELE 1"),
        ("S", "+OK Marked to be deleted."),
        ("C", "RETR 2"),
        ("S", "+OK 50 octets"),
        ("S", "From: carol@example.net"),
        ("S", "Subject: two"),
        ("S", ""),
        ("S", "Bye now"),
        ("S", "."),
        ("C", "DELE 2"),
        ("S", "+OK Marked to be deleted."),
        ("C", "QUIT"),
        ("S", "+OK Logging out, messages deleted."),
    ]
    assert result.round_trips == 1 + 10  # the greeting and ten commands
    assert result.ok and result.error is None
    assert [m.uid for m in result.retrieved] == ["uid-1", "uid-2"]
    assert result.retrieved[0] == M1
    assert result.retrieved[1].data == b"From: carol@example.net\r\nSubject: two\r\n\r\nBye now\r\n"


def test_client_quits_at_once_on_an_empty_maildrop() -> None:
    server = make_server([])
    result = run_pop3_session(server, "alice", "secret", Pop3Policy())
    assert [line for who, line in result.transcript if who == "C"] == [
        "USER alice",
        "PASS secret",
        "STAT",
        "QUIT",
    ]
    assert ("S", "+OK 0 0") in result.transcript
    assert result.retrieved == [] and result.ok
    assert server.state == UPDATE and server.deleted_uids == frozenset()


def test_client_reports_failed_authentication_and_quits() -> None:
    server = make_server()
    result = run_pop3_session(server, "alice", "wrong", Pop3Policy())
    assert not result.ok
    assert result.error == "-ERR [AUTH] Authentication failed."
    assert result.transcript[-2:] == [("C", "QUIT"), ("S", "+OK Logging out")]
    assert result.round_trips == 4 and result.retrieved == []
    assert server.state == CLOSED and server.deleted_uids == frozenset()


def test_client_keep_on_server_fetches_only_new_uids_on_the_second_session() -> None:
    drop = [M1]  # one maildrop, shared by the two sessions

    def server_factory() -> Pop3Server:
        return Pop3Server("pop.example.org", lambda u, p: True, lambda user: list(drop))

    keep = Pop3Policy(keep_on_server=True)
    first = run_pop3_session(server_factory(), "alice", "secret", keep)
    assert [m.uid for m in first.retrieved] == ["uid-1"]
    assert not any(line.startswith("DELE") for who, line in first.transcript if who == "C")
    drop.append(M2)  # new mail arrives between the sessions
    seen = frozenset(m.uid for m in first.retrieved)
    server = server_factory()
    second = run_pop3_session(server, "alice", "secret", keep, seen_uids=seen)
    assert [m.uid for m in second.retrieved] == ["uid-2"]
    commands = [line for who, line in second.transcript if who == "C"]
    assert commands == ["USER alice", "PASS secret", "STAT", "UIDL", "LIST", "RETR 2", "QUIT"]
    assert ("S", "+OK Logging out.") in second.transcript
    assert server.deleted_uids == frozenset()


def test_client_apop_session() -> None:
    server = make_server(apop=True)
    result = run_pop3_session(server, "mrose", "tanstaaf", Pop3Policy(use_apop=True))
    assert result.transcript[:3] == [
        ("S", f"+OK Dovecot ready. {RFC_TIMESTAMP}"),
        ("C", f"APOP mrose {RFC_DIGEST}"),
        ("S", "+OK Logged in."),
    ]
    assert result.ok and len(result.retrieved) == 2


def test_client_apop_without_timestamp_fails_without_sending_a_digest() -> None:
    result = run_pop3_session(make_server(), "alice", "secret", Pop3Policy(use_apop=True))
    assert not result.ok and result.error is not None and "timestamp" in result.error
    assert result.transcript[1:] == [("C", "QUIT"), ("S", "+OK Logging out")]


# --- RETR, TOP and octet counts ----------------------------------------------------------
def test_dot_stuffing_of_a_body_line_starting_with_a_dot() -> None:
    message = MaildropMessage("dots", b"Subject: dots\n\n.hidden\n..two\n.\nend\n")
    server = logged_in([message])
    assert server.handle("RETR 1") == [
        f"+OK {message.size} octets",
        "Subject: dots",
        "",
        "..hidden",
        "...two",
        "..",
        "end",
        ".",
    ]
    result = run_pop3_session(make_server([message]), "alice", "secret", Pop3Policy())
    assert result.retrieved[0].data == b"Subject: dots\r\n\r\n.hidden\r\n..two\r\n.\r\nend\r\n"


def test_octet_counts_use_crlf_even_when_stored_with_lf() -> None:
    assert M2.size == 50 == len(M2.data) + 4  # four LF become CRLF
    assert MaildropMessage("x", b"no newline").size == 12  # the final CRLF is added
    server = logged_in()
    assert server.handle("STAT") == ["+OK 2 96"]
    assert server.handle("LIST 2") == ["+OK 2 50"]
    assert server.handle("RETR 2")[0] == "+OK 50 octets"


def test_top_sends_headers_blank_line_and_n_body_lines() -> None:
    message = MaildropMessage("t", b"Subject: t\n\nline 1\n.line 2\nline 3\n")
    server = logged_in([message])
    assert server.handle("TOP 1 0") == ["+OK", "Subject: t", "", "."]
    assert server.handle("TOP 1 2") == ["+OK", "Subject: t", "", "line 1", "..line 2", "."]
    assert server.handle("TOP 1 99")[-2:] == ["line 3", "."]


# --- DELE, RSET, QUIT and UPDATE ---------------------------------------------------------
def test_dele_hides_the_message_from_stat_list_and_uidl() -> None:
    server = logged_in()
    assert server.handle("DELE 1") == ["+OK Marked to be deleted."]
    assert server.handle("STAT") == ["+OK 1 50"]
    assert server.handle("LIST") == ["+OK 1 messages:", "2 50", "."]
    assert server.handle("UIDL") == ["+OK", "2 uid-2", "."]
    for command in ("LIST 1", "UIDL 1", "RETR 1", "TOP 1 0", "DELE 1"):
        assert server.handle(command) == ["-ERR Message is deleted."]
    assert server.handle("LIST 2") == ["+OK 2 50"]  # RFC 1939 §5: numbers are not reassigned


def test_rset_unmarks_every_message() -> None:
    server = logged_in()
    server.handle("DELE 1")
    server.handle("DELE 2")
    assert server.handle("STAT") == ["+OK 0 0"]
    assert server.handle("RSET") == ["+OK"]
    assert server.handle("STAT") == ["+OK 2 96"]
    assert server.handle("QUIT") == ["+OK Logging out."]
    assert server.deleted_uids == frozenset()


def test_quit_in_transaction_enters_update_with_the_deleted_uids() -> None:
    server = logged_in()
    server.handle("DELE 2")
    assert server.deleted_uids == frozenset()  # only marked until QUIT
    assert server.handle("QUIT") == ["+OK Logging out, messages deleted."]
    assert server.state == UPDATE and server.user == "alice"
    assert server.deleted_uids == frozenset({"uid-2"})
    assert server.handle("NOOP") == []  # the connection is gone


def test_quit_without_login_deletes_nothing() -> None:
    server = make_server()
    assert server.handle("QUIT") == ["+OK Logging out"]
    assert server.state == CLOSED and server.user is None
    assert server.deleted_uids == frozenset()


def test_connection_dropped_without_quit_deletes_nothing() -> None:
    server = logged_in()
    server.handle("DELE 1")
    server.connection_lost()
    assert server.state == CLOSED and server.deleted_uids == frozenset()
    assert server.handle("QUIT") == []


# --- errors, as Dovecot words them ---------------------------------------------------------
def test_unknown_verb_before_and_after_login() -> None:
    server = make_server()
    assert server.handle("HELO there") == ["-ERR Unknown command."]  # pop3-login
    server = logged_in()
    assert server.handle("HELO there") == ["-ERR Unknown command: HELO"]  # pop3
    assert server.handle("") == ["-ERR Unknown command: "]


def test_transaction_commands_before_login_are_unknown_to_pop3_login() -> None:
    server = make_server()
    for command in ("RETR 1", "STAT"):
        assert server.handle(command) == ["-ERR Unknown command."]
    assert server.state == AUTHORIZATION


def test_authorization_commands_after_login_are_unknown_to_pop3() -> None:
    server = logged_in()
    assert server.handle("USER bob") == ["-ERR Unknown command: USER"]
    assert server.handle("APOP bob x") == ["-ERR Unknown command: APOP"]


def test_pass_without_user() -> None:
    server = make_server()
    assert server.handle("PASS secret") == ["-ERR No username given."]
    server.handle("USER alice")
    server.handle("PASS wrong")
    assert server.handle("PASS secret") == ["-ERR No username given."]  # one PASS per USER


def test_wrong_password_stays_in_authorization() -> None:
    server = make_server()
    assert server.handle("USER alice") == ["+OK"]
    assert server.handle("PASS wrong") == ["-ERR [AUTH] Authentication failed."]
    assert server.state == AUTHORIZATION and server.user is None
    assert server.handle("USER alice") == ["+OK"]
    assert server.handle("PASS secret") == ["+OK Logged in."]
    assert server.state == TRANSACTION and server.user == "alice"


@pytest.mark.parametrize(
    ("command", "reply"),
    [
        ("RETR", "-ERR Invalid message number: "),
        ("RETR x", "-ERR Invalid message number: x"),
        ("RETR -1", "-ERR Invalid message number: -1"),
        ("RETR 0", "-ERR There's no message 0."),
        ("RETR 3", "-ERR There's no message 3."),
        ("RETR 1x", "-ERR Noise after message number: x"),
        ("RETR 1 2", "-ERR Noise after message number:  2"),
        ("RETR 4294967296", "-ERR Message number too large: "),
        ("RETR 99999999999999999999", "-ERR Message number too large: 99999999999999999999"),
        ("DELE 7", "-ERR There's no message 7."),
        ("LIST 9", "-ERR There's no message 9."),
        ("UIDL 0", "-ERR There's no message 0."),
        ("TOP 1", "-ERR Noise after message number: "),
        ("TOP 1 x", "-ERR Invalid size: x"),
        ("TOP 1 2 3", "-ERR Noise after size:  3"),
        ("TOP 3 1", "-ERR There's no message 3."),
    ],
)
def test_bad_message_numbers_and_arguments(command: str, reply: str) -> None:
    assert logged_in().handle(command) == [reply]


def test_extra_spaces_before_arguments_are_skipped_after_login() -> None:
    assert logged_in().handle("LIST   1") == ["+OK 1 46"]


def test_verbs_are_case_insensitive() -> None:
    server = make_server()
    assert server.handle("user alice") == ["+OK"]
    assert server.handle("pAsS secret") == ["+OK Logged in."]
    assert server.handle("stat") == ["+OK 2 96"]
    assert server.handle("Uidl 2") == ["+OK 2 uid-2"]
    assert server.handle("noop") == ["+OK"]


def test_too_many_bad_commands_before_login_disconnects() -> None:
    server = make_server()
    assert server.handle("X") == ["-ERR Unknown command."]
    assert server.handle("NOOP") == ["-ERR Unknown command."]
    assert server.handle("Y") == ["-ERR Unknown command.", "-ERR Too many invalid bad commands."]
    assert server.state == CLOSED


def test_too_many_bad_commands_after_login_disconnects_without_deleting() -> None:
    server = logged_in()
    server.handle("DELE 1")
    for _ in range(pop3.MAX_BAD_COMMANDS):
        assert server.handle("RETR 9") == ["-ERR There's no message 9."]
    assert server.handle("RETR 9") == ["-ERR There's no message 9.", "-ERR Too many bad commands."]
    assert server.state == CLOSED and server.deleted_uids == frozenset()


def test_a_good_command_resets_the_bad_command_count() -> None:
    server = make_server()
    for _ in range(5):
        server.handle("X")
        server.handle("X")
        assert server.handle("CAPA")[0] == "+OK"
    assert server.state == AUTHORIZATION


def test_last_is_known_but_disabled() -> None:
    assert logged_in().handle("LAST") == ["-ERR LAST command not enabled"]


# --- APOP, AUTH, CAPA ------------------------------------------------------------------------
def test_apop_greeting_carries_the_timestamp() -> None:
    assert make_server().greeting() == "+OK Dovecot ready."
    assert make_server(apop=True).greeting() == f"+OK Dovecot ready. {RFC_TIMESTAMP}"


def test_apop_digest_accepted() -> None:
    server = make_server(apop=True)
    assert server.handle(f"APOP mrose {RFC_DIGEST}") == ["+OK Logged in."]
    assert server.handle(f"APOP mrose {RFC_DIGEST}") == ["-ERR Unknown command: APOP"]
    assert server.state == TRANSACTION and server.user == "mrose"
    server = make_server(apop=True)
    assert server.handle(f"APOP mrose {RFC_DIGEST.upper()}") == ["+OK Logged in."]  # hex case


@pytest.mark.parametrize(
    ("command", "reply"),
    [
        ("APOP mrose " + "0" * 32, "-ERR [AUTH] Authentication failed."),
        (f"APOP nobody {RFC_DIGEST}", "-ERR [AUTH] Authentication failed."),
        ("APOP mrose", "-ERR Invalid parameters."),
        ("APOP mrose abc", "-ERR Invalid parameters."),
        ("APOP mrose " + "z" * 32, "-ERR Invalid characters in MD5 response."),
    ],
)
def test_apop_rejected(command: str, reply: str) -> None:
    server = make_server(apop=True)
    assert server.handle(command) == [reply]
    assert server.state == AUTHORIZATION


def test_apop_not_enabled() -> None:
    assert make_server().handle(f"APOP mrose {RFC_DIGEST}") == ["-ERR APOP not enabled."]


def test_auth_is_not_modelled() -> None:
    assert make_server().handle("AUTH PLAIN") == ["-ERR Unknown command."]


def test_capa_before_and_after_login() -> None:
    common = ["CAPA", "TOP", "UIDL", "RESP-CODES", "PIPELINING", "AUTH-RESP-CODE"]
    assert make_server().handle("CAPA") == ["+OK", *common, "USER", "."]
    assert logged_in().handle("CAPA") == ["+OK", *common, "."]


# --- UIDL, data types, constants ------------------------------------------------------------
def test_uidl_is_stable_across_sessions() -> None:
    first, second = logged_in(), logged_in()
    assert first.handle("UIDL") == second.handle("UIDL") == ["+OK", "1 uid-1", "2 uid-2", "."]
    first.handle("DELE 1")
    assert first.handle("UIDL 2") == ["+OK 2 uid-2"]


@pytest.mark.parametrize("uid", ["", "has space", "x" * 71, "caf\u00e9"])
def test_maildrop_message_rejects_a_uid_rfc_1939_forbids(uid: str) -> None:
    with pytest.raises(ValueError, match="uid"):
        MaildropMessage(uid, b"")


def test_server_rejects_bad_construction_arguments() -> None:
    with pytest.raises(ValueError, match="timestamp"):
        Pop3Server("h", lambda u, p: True, lambda u: [], timestamp="no angle brackets")
    with pytest.raises(ValueError, match="hostname"):
        Pop3Server("", lambda u, p: True, lambda u: [])


def test_named_replies_start_with_their_status() -> None:
    names = [name for name in dir(pop3) if name.startswith(("OK", "ERR", "GREETING"))]
    assert len(names) >= 20
    for name in names:
        value = getattr(pop3, name)
        assert value.startswith("-ERR " if name.startswith("ERR") else "+OK"), name


def test_client_result_defaults() -> None:
    result = Pop3ClientResult()
    assert result.transcript == [] and result.ok and result.error is None


# --- properties ----------------------------------------------------------------------------
VERBS = [
    "USER",
    "PASS",
    "APOP",
    "AUTH",
    "QUIT",
    "STAT",
    "LIST",
    "RETR",
    "DELE",
    "NOOP",
    "RSET",
    "TOP",
    "UIDL",
    "CAPA",
    "LAST",
    "stat",
    "top",
]
ARGS = st.one_of(st.text(max_size=12), st.from_regex(r"[0-9 ]{0,6}", fullmatch=True))
COMMAND = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["USER alice", "PASS secret"]),
    st.builds(lambda verb, args: f"{verb} {args}", st.sampled_from(VERBS), ARGS),
)
MESSAGES = st.lists(st.binary(max_size=60), max_size=3).map(
    lambda bodies: [MaildropMessage(f"u{i}", body) for i, body in enumerate(bodies)]
)


@settings(max_examples=300, deadline=None)
@given(messages=MESSAGES, commands=st.lists(COMMAND, max_size=30))
def test_any_command_sequence_never_raises_and_answers_well_formed(
    messages: list[MaildropMessage], commands: list[str]
) -> None:
    server = make_server(messages, apop=True)
    for command in commands:
        reply = server.handle(command)
        if not reply:
            assert server.state in (UPDATE, CLOSED)
            continue
        multi_line = len(reply) > 1 and reply[0].startswith("+OK") and reply[-1] == "."
        for line in reply if not multi_line else reply[:1]:
            assert line.startswith(("+OK", "-ERR")), (command, reply)
        if multi_line:
            assert "." not in reply[1:-1]  # dot-stuffing keeps the terminator unique


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=200))
def test_retr_round_trips_any_message_and_counts_its_octets(data: bytes) -> None:
    message = MaildropMessage("m", data)
    server = logged_in([message])
    reply = server.handle("RETR 1")
    assert reply[0] == f"+OK {message.size} octets"
    result = run_pop3_session(make_server([message]), "alice", "secret", Pop3Policy())
    rebuilt = result.retrieved[0].data
    assert len(rebuilt) == message.size
    assert rebuilt.replace(b"\r\n", b"\n") == data.replace(b"\r\n", b"\n") + (
        b"\n" if data and not data.endswith(b"\n") else b""
    )
