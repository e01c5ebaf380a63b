"""Messages: the SMTP envelope (RFC 5321) apart from the RFC 5322 content.

The envelope is transaction state (MAIL FROM, RCPT TO); the content is a real
``email.message.EmailMessage`` so headers and bodies are exactly what a mail client
or ``mailbox.mbox`` would read.
"""

from __future__ import annotations

from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

# RFC 5322 wants CRLF on the wire; stored files (mbox) use LF, as on a Unix host.
SMTP_POLICY = policy.SMTP
FILE_POLICY = policy.default.clone(linesep="\n", max_line_length=998)


@dataclass(frozen=True, slots=True)
class Envelope:
    """One SMTP transaction's envelope; sender "" is the null sender of bounces."""

    sender: str
    recipients: tuple[str, ...]
    # The DSN request (RFC 3461) as the client passes it on: RET and ENVID of MAIL FROM,
    # and per recipient (NOTIFY bits, ORCPT "type;addr"); empty: none given
    dsn_ret: str | None = None
    dsn_envid: str | None = None
    rcpt_dsn: tuple[tuple[int, str], ...] = ()


def to_bytes(msg: EmailMessage) -> bytes:
    """Serialise with LF line ends, headers as stored in a Postfix queue file."""
    return msg.as_bytes(policy=FILE_POLICY)


def from_bytes(data: bytes) -> EmailMessage:
    msg = BytesParser(policy=policy.default).parsebytes(data)
    assert isinstance(msg, EmailMessage)
    return msg


def prepend_header(msg: EmailMessage, name: str, value: str) -> None:
    """Prepend a header above the others, as an MTA adds Received: (RFC 5321 §4.4).

    The value is stored raw, folding (``"\n\t"``) included, so the header is written
    byte for byte as Postfix formats it; ``EmailPolicy`` keeps a raw value that is not
    over-long as it is.
    """
    msg._headers.insert(0, (name, value))  # type: ignore[attr-defined]


def append_header(msg: EmailMessage, name: str, value: str) -> None:
    """Append a raw header below the others, as cleanup(8) adds a missing Date:."""
    msg._headers.append((name, value))  # type: ignore[attr-defined]


def wire_size(msg: EmailMessage) -> int:
    """Octets of the message as sent with CRLF line ends (what SIZE and Postfix size= count)."""
    data = to_bytes(msg)
    return len(data) + data.count(b"\n")
