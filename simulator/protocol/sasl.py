"""SASL as the SMTP AUTH dialogue carries it (RFC 4954): base64 responses, the PLAIN
message (RFC 4616) and the LOGIN challenges (draft-murchison-sasl-login).

The simulated SASL server is Cyrus SASL with the auxprop password check: it offers PLAIN
and LOGIN (Postfix announces them as ``AUTH PLAIN LOGIN``).
"""

from __future__ import annotations

import base64
import binascii

MECHANISMS = ("PLAIN", "LOGIN")
# the LOGIN mechanism's challenges "Username:" and "Password:", base64-encoded
LOGIN_USERNAME, LOGIN_PASSWORD = "VXNlcm5hbWU6", "UGFzc3dvcmQ6"


def decode64(text: str) -> str | None:
    """A SASL response: base64 (RFC 4954 §4), text in UTF-8; None when it does not decode
    (Cyrus sasl_decode64() fails: SASL_BADPROT)."""
    try:
        return base64.b64decode(text.encode("ascii"), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):  # UnicodeError is a ValueError
        return None


def encode_plain(user: str, password: str) -> str:
    """SASL PLAIN: base64 of ``authzid NUL authcid NUL passwd`` (RFC 4616 §2)."""
    return base64.b64encode(f"\0{user}\0{password}".encode()).decode("ascii")


def encode64(text: str) -> str:
    return base64.b64encode(text.encode()).decode("ascii")
