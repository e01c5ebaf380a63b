"""Unit tests for simulator.protocol.imap: the RFC 3501 state machine worded as Dovecot 2.3."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.protocol import imap
from simulator.protocol.imap import (
    AUTHENTICATED,
    CAPABILITY,
    GREETING,
    LOGIN_CAPABILITY,
    LOGOUT,
    NOT_AUTHENTICATED,
    SELECTED,
    ImapServer,
)
from simulator.protocol.imap_client import ImapPolicy, run_imap_session, uid_set
from simulator.protocol.imap_syntax import expand, parse_args, parse_seqset, seqset_in_range

T = " (0.001 + 0.000 secs)."
M1 = (b"From: Alice Sato <alice@example.net>\nTo: bob@example.org\nSubject: one\n"
      b"Date: Wed, 01 Apr 2026 09:00:00 +0900\nMessage-ID: <m1@example.net>\n\nHello\n")
M2 = b"Subject: two\nMessage-ID: <m2@example.net>\n\nBye now\n"


@dataclass
class Msg:
    uid: int
    data: bytes
    flags: set[str] = field(default_factory=set)
    recent: bool = False
    arrived: float = 0.0


@dataclass
class Index:
    uidvalidity: int = 1775001600
    next_uid: int = 3


class Box:
    """A mailbox double: the storage interface ImapServer drives (cf. mailstore.Mailbox)."""

    def __init__(self, recent: bool = True) -> None:
        self.index = Index()
        self.messages = [Msg(1, M1, recent=recent), Msg(2, M2, recent=recent)]
        self.closed = 0

    def set_flags(self, message: Msg, flags: set[str]) -> None:
        message.flags = set(flags)

    def expunge(self, uids: set[int]) -> list[Msg]:
        gone = [m for m in self.messages if m.uid in uids]
        self.messages = [m for m in self.messages if m.uid not in uids]
        return gone

    def close(self) -> bool:
        self.closed += 1
        return False


def server(box: Box | None = None) -> ImapServer:
    box = box or Box()
    return ImapServer("mail.example.org", lambda u, p: (u, p) == ("bob", "secret"),
                      lambda user, name, ro: box if name.upper() == "INBOX" else None)


def logged_in(box: Box | None = None) -> ImapServer:
    s = server(box)
    assert s.handle("a LOGIN bob secret") == [f"a OK [CAPABILITY {CAPABILITY}] Logged in"]
    return s


def selected(box: Box | None = None) -> ImapServer:
    s = logged_in(box)
    s.handle("b SELECT INBOX")
    assert s.state == SELECTED
    return s


# --- greeting, capability, login (imap-login) -------------------------------------------
def test_greeting_carries_the_pre_login_capabilities() -> None:
    assert server().greeting() == GREETING
    assert GREETING == ("* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE "
                        "LITERAL+ AUTH=PLAIN] Dovecot ready.")


def test_capability_before_and_after_login() -> None:
    s = server()
    assert s.handle("c1 CAPABILITY") == [
        f"* CAPABILITY {LOGIN_CAPABILITY}",
        "c1 OK Pre-login capabilities listed, post-login capabilities have more."]
    # a client that asked CAPABILITY gets the post-login list untagged (main.c)
    assert s.handle("c2 LOGIN bob secret") == [f"* CAPABILITY {CAPABILITY}", "c2 OK Logged in"]
    assert s.handle("c3 capability") == [f"* CAPABILITY {CAPABILITY}",
                                         f"c3 OK Capability completed{T}"]


def test_failed_login_stays_not_authenticated() -> None:
    s = server()
    assert s.handle("a LOGIN bob wrong") == ["a NO [AUTHENTICATIONFAILED] Authentication failed."]
    assert s.state == NOT_AUTHENTICATED
    assert s.handle('a2 LOGIN "bob" "secret"')[-1].startswith("a2 OK [CAPABILITY")


def test_login_with_wrong_arguments_is_an_invalid_command() -> None:
    s = server()
    assert s.handle("a LOGIN bob") == ["a BAD Error in IMAP command received by server."]


def test_command_name_given_as_tag() -> None:
    assert server().handle("LOGIN bob secret") == [
        ("LOGIN BAD First parameter in line is IMAP's command tag, not the command name. "
        "Add that before the command, like: a login user pass")]


@pytest.mark.parametrize("line", ["a SELECT INBOX", "a FETCH 1 FLAGS", "a STORE 1 +FLAGS (\\Seen)",
                                  "a EXPUNGE", "a LIST \"\" *", "a RETR 1", "a FROB"])
def test_commands_before_login_are_invalid_in_imap_login(line: str) -> None:
    s = server()
    assert s.handle(line) == ["a BAD Error in IMAP command received by server."]
    assert s.state == NOT_AUTHENTICATED


def test_three_invalid_commands_before_login_disconnect() -> None:
    s = server()
    s.handle("a FOO")
    s.handle("b FOO")
    assert s.handle("c FOO") == ["* BYE Too many invalid IMAP commands."]
    assert s.state == LOGOUT and s.handle("d NOOP") == []


def test_starttls_is_refused_without_tls() -> None:
    assert server().handle("a STARTTLS") == ["a BAD TLS support isn't enabled."]


def test_logout_before_login() -> None:
    s = server()
    assert s.handle("z LOGOUT") == ["* BYE Logging out", "z OK Logout completed."]
    assert s.state == LOGOUT


# --- authenticated state (imap) -----------------------------------------------------------
def test_login_is_unknown_after_login() -> None:
    assert logged_in().handle("x LOGIN bob secret") == [
        f"x BAD Error in IMAP command LOGIN: Unknown command{T}"]


def test_fetch_before_select() -> None:
    s = logged_in()
    assert s.handle("x FETCH 1 FLAGS") == [f"x BAD No mailbox selected{T}"]
    assert s.handle("y EXPUNGE") == [f"y BAD No mailbox selected{T}"]
    assert s.state == AUTHENTICATED


def test_unknown_command_and_not_modelled_command() -> None:
    s = logged_in()
    assert s.handle("x FROB") == [f"x BAD Error in IMAP command FROB: Unknown command{T}"]
    assert s.handle("y SEARCH ALL")[0].startswith("y NO [CANNOT] SEARCH is not modelled")


def test_invalid_tag_and_command_name() -> None:
    s = logged_in()
    assert s.handle("+ NOOP") == [f"* BAD Error in IMAP tag: Invalid tag{T}"]
    assert s.handle('a "x"') == [f"a BAD Error in IMAP command: Invalid command name{T}"]


def test_twenty_bad_commands_after_login_disconnect() -> None:
    s = logged_in()
    for i in range(19):
        assert len(s.handle(f"t{i} FROB")) == 1
    assert s.handle("t19 FROB")[-1] == "* BYE Too many invalid IMAP commands."
    assert s.state == LOGOUT


def test_list() -> None:
    s = logged_in()
    assert s.handle('l LIST "" "*"') == ['* LIST (\\HasNoChildren) "/" INBOX',
                                         f"l OK List completed{T}"]
    assert s.handle('l2 LIST "" "inbox"')[0] == '* LIST (\\HasNoChildren) "/" INBOX'
    assert s.handle('l3 LIST "" "Sent"') == [f"l3 OK List completed{T}"]
    assert s.handle('l4 LIST "" ""')[0] == '* LIST (\\Noselect) "/" ""'
    assert s.handle("l5 LIST onlyone") == [
        f"l5 BAD Error in IMAP command LIST: Invalid arguments{T}"]


def test_select_lists_the_mailbox_state() -> None:
    s = logged_in()
    assert s.handle("s SELECT inbox") == [
        "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)",
        ("* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] "
        "Flags permitted."),
        "* 2 EXISTS", "* 2 RECENT", "* OK [UNSEEN 1] First unseen.",
        "* OK [UIDVALIDITY 1775001600] UIDs valid", "* OK [UIDNEXT 3] Predicted next UID",
        f"s OK [READ-WRITE] Select completed{T}"]


def test_select_of_a_missing_mailbox() -> None:
    s = logged_in()
    assert s.handle("s SELECT Archive") == [f"s NO Mailbox doesn't exist: Archive{T}"]
    assert s.state == AUTHENTICATED


def test_second_select_closes_the_first() -> None:
    s = selected()
    assert s.handle("s2 SELECT INBOX")[0] == "* OK [CLOSED] Previous mailbox closed."


# --- selected state -----------------------------------------------------------------------
def test_fetch_flags_and_envelope() -> None:
    s = selected()
    assert s.handle("f FETCH 1 (FLAGS ENVELOPE)") == [
        ('* 1 FETCH (FLAGS (\\Recent) ENVELOPE ("Wed, 01 Apr 2026 09:00:00 +0900" "one" '
        '(("Alice Sato" NIL "alice" "example.net")) (("Alice Sato" NIL "alice" "example.net")) '
        '(("Alice Sato" NIL "alice" "example.net")) ((NIL NIL "bob" "example.org")) NIL NIL '
        'NIL "<m1@example.net>"))'), f"f OK Fetch completed{T}"]


def test_body_fetch_sets_seen_and_reports_it_before_the_literal() -> None:
    s = selected()
    lines = s.handle("f UID FETCH 2 BODY[]")
    wire = M2.replace(b"\n", b"\r\n")
    assert lines == [f"* 2 FETCH (UID 2 FLAGS (\\Seen \\Recent) BODY[] {{{len(wire)}}}",
                     "Subject: two", "Message-ID: <m2@example.net>", "", "Bye now", ")",
                     f"f OK Fetch completed{T}"]
    assert "\\Seen" in s.mailbox.messages[1].flags  # type: ignore[union-attr]


def test_peek_does_not_set_seen() -> None:
    s = selected()
    size = len(M1.replace(b"\n", b"\r\n"))
    header = len(M1.split(b"\n\n")[0].replace(b"\n", b"\r\n")) + 4
    assert s.handle("f FETCH 1 (BODY.PEEK[HEADER] RFC822.SIZE)")[0] == (
        f"* 1 FETCH (RFC822.SIZE {size} BODY[HEADER] {{{header}}}")
    assert s.mailbox.messages[0].flags == set()  # type: ignore[union-attr]


def test_fetch_macros_and_unknown_items() -> None:
    s = selected()
    assert s.handle("f FETCH 1 FAST")[0].startswith("* 1 FETCH (FLAGS (\\Recent) INTERNALDATE ")
    assert s.handle("g FETCH 1 (FLAGS FOO)") == [
        f"g BAD Error in IMAP command FETCH: Unknown parameter FOO{T}"]
    assert s.handle("h FETCH 1 BODYSTRUCTURE")[0].startswith("h NO [CANNOT]")


@pytest.mark.parametrize("sequence", ["3", "0", "1:3", "x", "2,5"])
def test_fetch_of_a_bad_message_set(sequence: str) -> None:
    assert selected().handle(f"f FETCH {sequence} FLAGS") == [
        f"f BAD Error in IMAP command FETCH: Invalid messageset{T}"]


def test_uid_fetch_of_absent_uids_is_empty_not_an_error() -> None:
    assert selected().handle("f UID FETCH 7:9 FLAGS") == [f"f OK Fetch completed{T}"]
    # "n:*" always includes the highest UID (RFC 3501 §9)
    assert selected().handle("g UID FETCH 9:* FLAGS")[0] == "* 2 FETCH (UID 2 FLAGS (\\Recent))"


def test_store_and_silent_store() -> None:
    s = selected()
    assert s.handle("s STORE 1:2 +FLAGS (\\Seen)") == [
        "* 1 FETCH (FLAGS (\\Seen \\Recent))", "* 2 FETCH (FLAGS (\\Seen \\Recent))",
        f"s OK Store completed{T}"]
    assert s.handle("t STORE 1 -FLAGS.SILENT \\Seen") == [f"t OK Store completed{T}"]
    assert s.handle("u UID STORE 2 FLAGS (\\Flagged)") == [
        "* 2 FETCH (UID 2 FLAGS (\\Flagged \\Recent))", f"u OK Store completed{T}"]


@pytest.mark.parametrize("line,reply", [
    ("s STORE 1 +FLAGS \\Bogus", "Invalid system flag \\BOGUS"),
    ("s STORE 1 +FLAGS (\\Recent)", "Invalid system flag \\RECENT"),
    ("s STORE 1 SETFLAGS (\\Seen)", "Invalid arguments"),
    ("s STORE 1", "Invalid arguments"),
])
def test_store_errors(line: str, reply: str) -> None:
    assert selected().handle(line) == [f"s BAD Error in IMAP command STORE: {reply}{T}"]


def test_expunge_reports_highest_sequence_first() -> None:
    s = selected()
    s.handle("s STORE 1:2 +FLAGS.SILENT (\\Deleted)")
    assert s.handle("e EXPUNGE") == ["* 2 EXPUNGE", "* 1 EXPUNGE", f"e OK Expunge completed{T}"]
    assert s.mailbox.messages == []  # type: ignore[union-attr]


def test_close_expunges_silently_and_returns_to_authenticated() -> None:
    box = Box()
    s = selected(box)
    s.handle("s STORE 2 +FLAGS.SILENT (\\Deleted)")
    assert s.handle("c CLOSE") == [f"c OK Close completed{T}"]
    assert s.state == AUTHENTICATED and [m.uid for m in box.messages] == [1]
    assert s.closed_mailboxes == [box]


def test_examine_is_read_only() -> None:
    s = logged_in()
    assert s.handle("e EXAMINE INBOX")[-1] == f"e OK [READ-ONLY] Examine completed{T}"
    assert s.handle("s STORE 1 +FLAGS (\\Seen)") == [
        f"s OK Store ignored with read-only mailbox{T}"]
    s.handle("f FETCH 1 BODY[]")
    assert s.mailbox.messages[0].flags == set()  # type: ignore[union-attr]


def test_logout_closes_without_expunging() -> None:
    box = Box()
    s = selected(box)
    s.handle("s STORE 1 +FLAGS.SILENT (\\Deleted)")
    assert s.handle("z LOGOUT") == ["* BYE Logging out", f"z OK Logout completed{T}"]
    assert len(box.messages) == 2 and s.state == LOGOUT


# --- syntax helpers -------------------------------------------------------------------------
def test_sequence_sets() -> None:
    assert expand(parse_seqset("1:3,5,7:*"), 8) == {1, 2, 3, 5, 7, 8}
    assert expand(parse_seqset("4:2"), 9) == {2, 3, 4}
    assert seqset_in_range(parse_seqset("1:*"), 2) and not seqset_in_range(parse_seqset("3"), 2)
    assert not seqset_in_range(parse_seqset("*"), 0)
    with pytest.raises(ValueError):
        parse_seqset("1:")
    assert uid_set([1, 2, 3, 5, 7, 8]) == "1:3,5,7:8"


def test_arguments_keep_fetch_sections_whole() -> None:
    assert parse_args('1:* (UID BODY.PEEK[HEADER.FIELDS (FROM TO)] FLAGS) "a b"') == [
        "1:*", ["UID", "BODY.PEEK[HEADER.FIELDS (FROM TO)]", "FLAGS"], "a b"]


# --- the client -----------------------------------------------------------------------------
def test_client_downloads_marks_read_and_deletes() -> None:
    box = Box()
    result = run_imap_session(server(box), "bob", "secret",
                              ImapPolicy(read=True, delete=frozenset({"<m2@example.net>"})))
    assert result.ok and result.uidvalidity == 1775001600
    assert sorted(result.downloaded) == [1, 2]
    assert result.downloaded[2] == M2.replace(b"\n", b"\r\n")
    assert result.expunged == [2] and result.flags == {1: {"\\Seen"}}
    sent = [line for side, line in result.transcript if side == "C"]
    assert sent == ["a001 LOGIN bob secret", 'a002 LIST "" "*"', "a003 SELECT INBOX",
                    "a004 UID FETCH 1:* (FLAGS)",
                    "a005 UID FETCH 1:2 (UID RFC822.SIZE BODY.PEEK[])",
                    "a006 UID STORE 1:2 +FLAGS (\\Seen)", "a007 UID STORE 2 +FLAGS (\\Deleted)",
                    "a008 EXPUNGE", "a009 LOGOUT"]


def test_client_second_device_sees_the_flags_and_fetches_nothing_cached() -> None:
    box = Box()
    run_imap_session(server(box), "bob", "secret", ImapPolicy())
    for m in box.messages:
        m.recent = False  # \Recent belonged to the first session only
    again = run_imap_session(server(box), "bob", "secret", ImapPolicy(), 1775001600,
                             frozenset({1, 2}))
    assert again.flags == {1: {"\\Seen"}, 2: {"\\Seen"}} and again.downloaded == {}
    assert ("S", "* 1 FETCH (UID 1 FLAGS (\\Seen))") in again.transcript


def test_client_reports_a_failed_login_and_logs_out() -> None:
    result = run_imap_session(server(), "bob", "wrong", ImapPolicy())
    assert not result.ok and result.error == "a001 NO [AUTHENTICATIONFAILED] Authentication failed."
    assert result.transcript[-2:] == [("S", "* BYE Logging out"),
                                      ("S", "a002 OK Logout completed.")]


# --- properties -----------------------------------------------------------------------------
_WORDS = st.sampled_from(["a", "b1", "LOGIN", "SELECT", "FETCH", "STORE", "EXPUNGE", "CLOSE",
                          "LIST", "NOOP", "CAPABILITY", "UID", "LOGOUT", "bob", "secret",
                          "INBOX", "1", "1:*", "*", "(FLAGS)", "BODY[]", "+FLAGS", "(\\Seen)",
                          '""', '"*"', "(", ")", "\\Deleted", "{3}", "", "EXAMINE", "9"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_WORDS, max_size=6).map(" ".join), max_size=25))
def test_any_command_sequence_never_raises_and_answers_well_formed(lines: list[str]) -> None:
    s = server()
    for line in lines:
        replies = s.handle(line)
        assert replies, f"no answer to {line!r}"
        tag = re.escape(line.split(" ")[0])
        # the last line completes the command: tagged (or "*" for a bad tag), or BYE
        assert replies[-1].startswith("* BYE ") or re.match(
            rf"({tag}|\*) (OK|NO|BAD)( |$)", replies[-1]), (line, replies)
        if s.state == LOGOUT:
            assert s.handle("x NOOP") == []
            break


def test_named_states_are_rfc_3501_names() -> None:
    assert (imap.NOT_AUTHENTICATED, imap.AUTHENTICATED, imap.SELECTED, imap.LOGOUT) == (
        "NOT AUTHENTICATED", "AUTHENTICATED", "SELECTED", "LOGOUT")
