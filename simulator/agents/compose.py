"""Writing a new message as a mail client does: RFC 5322 headers, a MIME text body.

``email.message.EmailMessage`` does the encoding work (RFC 2047 encoded words for
non-ASCII headers, a transfer encoding for non-ASCII or long body lines, quoting of
display names). For the common case of short plain-ASCII lines its output is fixed and
simple, and writing it directly is ten times faster; ``compose`` takes that path only when
it gives byte-for-byte what ``EmailMessage`` gives (tests/unit/test_compose.py).
"""

from __future__ import annotations

import re
from email.headerregistry import Address as HeaderAddress
from email.message import EmailMessage

from ..model.message import to_bytes

# a display name made only of atext and spaces needs no quoting (RFC 5322 §3.2.3)
_PLAIN_NAME = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]*")
_MAX = 78  # RFC 5322 §2.1.1: lines SHOULD be at most 78 characters


def compose(sender_name: str, sender: str, headers: list[tuple[str, str]], body: str) -> bytes:
    """The message as bytes (LF line ends): From, the given headers in order, MIME headers."""
    fast = _fast(sender_name, sender, headers, body)
    return fast if fast is not None else _slow(sender_name, sender, headers, body)


def _slow(sender_name: str, sender: str, headers: list[tuple[str, str]], body: str) -> bytes:
    msg = EmailMessage()
    local, _, domain = sender.partition("@")
    msg["From"] = HeaderAddress(sender_name, local, domain)
    for name, value in headers:
        msg[name] = value
    msg.set_content(body)
    return to_bytes(msg)


def _fast(sender_name: str, sender: str, headers: list[tuple[str, str]],
          body: str) -> bytes | None:
    if not _PLAIN_NAME.fullmatch(sender_name) or sender_name != sender_name.strip() \
            or "  " in sender_name:
        return None
    from_value = f"{sender_name} <{sender}>" if sender_name else sender
    lines = [f"From: {from_value}", *(f"{name}: {value}" for name, value in headers)]
    text = body if body.endswith("\n") else body + "\n"
    body_lines = text.split("\n")[:-1]
    everything = lines + body_lines
    if not all(line.isascii() and len(line) <= _MAX for line in everything):
        return None
    if any(not value or "\n" in value or value != value.strip() for _, value in headers):
        return None
    if any(line.endswith((" ", "\t")) or "\r" in line for line in body_lines):
        return None
    mime = ['Content-Type: text/plain; charset="utf-8"', "Content-Transfer-Encoding: 7bit",
            "MIME-Version: 1.0"]
    return ("\n".join(lines + mime) + "\n\n" + text).encode("ascii")
