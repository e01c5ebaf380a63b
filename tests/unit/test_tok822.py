"""RFC 822 tokens as Postfix reads alias values and .forward lines (model/tok822.py).

The expected results follow Postfix's tok822_parse.c: commas are inserted between words a
writer left adjacent, a backslash only quotes the next character, comments are moved out of
the address, ``<...>`` holds the address of ``phrase <address>``.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.model import tok822


@pytest.mark.parametrize("text, addresses", [
    ("alice", ["alice"]),
    ("alice, bob", ["alice", "bob"]),
    ("alice,bob,,carol", ["alice", "bob", "carol"]),
    ("alice bob", ["alice", "bob"]),  # a missing comma is added
    ("alice@example.org", ["alice@example.org"]),
    ("first.last@example.org", ["first.last@example.org"]),
    ("|/usr/bin/procmail", ["|/usr/bin/procmail"]),
    ("|/usr/bin/vacation alice", ["|/usr/bin/vacation", "alice"]),  # unquoted: two
    ('"|/usr/bin/vacation alice"', ["|/usr/bin/vacation alice"]),  # quoted: one command
    ("/var/log/mail-archive", ["/var/log/mail-archive"]),
    ('"/home/my files/box"', ["/home/my files/box"]),
    (":include:/etc/mail/staff.list", [":include:/etc/mail/staff.list"]),
    (":INCLUDE:/etc/list, bob", [":INCLUDE:/etc/list", "bob"]),
    ("\\sakura, kaede", ["sakura", "kaede"]),  # the backslash quotes 's' and is dropped
    ("alice (Alice Sato)", ["alice"]),  # the comment is not part of the address
    ("(nested (comment)) bob", ["bob"]),
    ("Alice Sato <alice@example.org>", ["alice@example.org"]),
    ("Alice <alice@example.org>, bob", ["alice@example.org", "bob"]),
    ("bob@[192.0.2.1]", ["bob@[192.0.2.1]"]),
    ("", []),
    ("   ", []),
    (",,,", []),
])
def test_addresses(text: str, addresses: list[str]) -> None:
    assert tok822.addresses(text) == addresses


def test_scan_types() -> None:
    tokens = tok822.scan('name: "quoted string", (comment) [1.2.3.4] |cmd')
    assert [(t.type, t.text) for t in tokens] == [
        ("atom", "name"), (":", ""), ("qstring", "quoted string"), (",", ""),
        ("comment", "(comment)"), ("domlit", "1.2.3.4"), ("|", ""), ("atom", "cmd")]


def test_an_atom_with_an_escaped_special_becomes_a_quoted_string() -> None:
    (token,) = tok822.scan("john\\ smith")
    assert (token.type, token.text) == ("qstring", "john smith")


def test_externalize_keeps_what_parses_back() -> None:
    tokens = tok822.scan('alice,bob "|/usr/bin/vacation alice" (boss)')
    text = tok822.externalize(tokens)
    assert text == 'alice, bob "|/usr/bin/vacation alice" (boss)'
    assert tok822.addresses(text) == ["alice", "bob", "|/usr/bin/vacation alice"]


def test_internalize_of_a_flat_list_puts_blanks_between_words() -> None:
    assert tok822.internalize(tok822.scan("john  smith")) == "john smith"


def test_quote_local() -> None:
    assert tok822.quote_local("john smith@example.org") == '"john smith"@example.org'
    assert tok822.quote_local("alice@example.org") == "alice@example.org"


@given(st.text(alphabet=st.sampled_from(list('abc @,:;<>()"\\|/[].%!\t')), max_size=40))
def test_the_parser_never_crashes_and_finds_no_empty_command(text: str) -> None:
    found = tok822.addresses(text)
    assert all(isinstance(a, str) for a in found)
    assert len(found) <= len(text)
