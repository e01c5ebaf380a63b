"""The fast composing path must give exactly what email.message.EmailMessage gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.agents.compose import _fast, _slow, compose

HEADERS = [("To", "bob@example.org"), ("Subject", "Lunch on Friday?"),
           ("Date", "Wed, 01 Apr 2026 09:00:00 +0900"),
           ("Message-ID", "<1234@example.net>"), ("User-Agent", "Mozilla Thunderbird")]


def test_fast_path_equals_emailmessage_for_a_plain_message() -> None:
    fast = _fast("Alice Sato", "alice@example.net", HEADERS, "Hi Bob,\n\nLunch?\n")
    assert fast is not None
    assert fast == _slow("Alice Sato", "alice@example.net", HEADERS, "Hi Bob,\n\nLunch?\n")


def test_non_ascii_goes_the_slow_way_and_is_encoded() -> None:
    assert _fast("佐藤", "alice@example.net", HEADERS, "hi\n") is None
    data = compose("佐藤", "alice@example.net", [("Subject", "昼食")], "こんにちは\n")
    assert b"Subject: =?utf-8?" in data  # RFC 2047 encoded word
    assert b"Content-Transfer-Encoding: base64" in data or b"Content-Transfer-Encoding: 8bit" in data


def test_a_name_that_needs_quotes_goes_the_slow_way() -> None:
    assert _fast("Sato, Alice", "alice@example.net", HEADERS, "hi\n") is None
    assert b'From: "Sato, Alice" <alice@example.net>' in compose(
        "Sato, Alice", "alice@example.net", HEADERS, "hi\n")


text = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=60)


@settings(max_examples=300, deadline=None)
@given(name=st.from_regex(r"[A-Za-z][A-Za-z ]{0,20}[A-Za-z]", fullmatch=True) | st.just(""),
       subject=text, body=st.lists(text, max_size=5))
def test_whenever_the_fast_path_answers_it_matches(name: str, subject: str,
                                                   body: list[str]) -> None:
    headers = [("To", "bob@example.org"), ("Subject", subject or "x")]
    content = "\n".join(body) + "\n"
    fast = _fast(name, "alice@example.net", headers, content)
    if fast is not None:
        assert fast == _slow(name, "alice@example.net", headers, content)
