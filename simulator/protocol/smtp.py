"""The SMTP server dialogue (RFC 5321, ESMTP RFC 1869, AUTH RFC 4954) as a pure state machine.

Like aiosmtpd, the dialogue is kept apart from policy: this module knows verbs, order and
syntax; whether a client may relay, whether a user exists and what the queue ID is are
asked of an ``SmtpPolicy`` (the smtpd actor of a host). Protocol errors are replies, never
exceptions. One method per verb, dispatched by name.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from typing import Protocol

from ..model.status import (
    S221_BYE,
    S235_AUTH_OK,
    S250_MAIL_OK,
    S250_OK,
    S250_RCPT_OK,
    S354_DATA,
    S501_SYNTAX,
    S500_UNRECOGNIZED,
    S501_AUTH_DECODE,
    S503_ALREADY_AUTH,
    S503_AUTH_IN_MAIL,
    S503_AUTH_NOT_ENABLED,
    S503_NEED_EHLO,
    S503_NEED_MAIL,
    S503_NEED_RCPT,
    S503_NESTED_MAIL,
    S535_AUTH_FAILED,
    S554_NO_VALID_RCPT,
    Reply,
)


@dataclass(slots=True)
class SmtpSession:
    """Connection state (who is talking) apart from transaction state (the envelope)."""

    client_ip: str
    client_name: str  # forward-confirmed reverse name, or "unknown"
    port: int
    now: float = 0.0  # simulated time of the line being handled (set by the client driver)
    helo_name: str | None = None
    protocol: str | None = None  # "SMTP" after HELO, "ESMTP" after EHLO
    sasl_user: str | None = None
    sasl_method: str | None = None
    # transaction state (RFC 5321 §3.3), reset by RSET and after each message
    sender: str | None = None
    recipients: list[str] = field(default_factory=list)
    queue_id: str | None = None
    counts: dict[str, int] = field(default_factory=dict)  # verbs seen, for the disconnect log

    def reset_transaction(self) -> None:
        self.sender = None
        self.recipients = []
        self.queue_id = None

    @property
    def received_protocol(self) -> str:
        """``with`` value of Received: ESMTP, plus "A" when authenticated (RFC 3848)."""
        proto = self.protocol or "SMTP"
        return proto + "A" if self.sasl_user and proto == "ESMTP" else proto


class SmtpPolicy(Protocol):
    """What the dialogue asks of the host's smtpd (Postfix smtpd(8) restrictions, cleanup)."""

    def banner(self) -> str: ...
    def hostname(self) -> str: ...
    def helo_required(self) -> bool: ...
    def ehlo_keywords(self, session: SmtpSession) -> list[str]: ...
    def authenticate(self, session: SmtpSession, user: str, password: str) -> bool: ...
    def check_mail(self, session: SmtpSession, sender: str) -> Reply | None: ...
    def check_rcpt(self, session: SmtpSession, recipient: str) -> Reply | None: ...
    def open_queue_file(self, session: SmtpSession) -> str: ...
    def end_of_data(self, session: SmtpSession, data: bytes) -> Reply: ...
    def on_reject(self, session: SmtpSession, stage: str, reply: Reply, arg: str) -> None: ...


def _path_argument(arg: str, keyword: str) -> str | None:
    """The address of ``FROM:<a@b> SIZE=..`` / ``TO:<a@b>``; None when malformed (§4.1.2)."""
    head, sep, rest = arg.partition(":")
    if not sep or head.strip().upper() != keyword:
        return None
    rest = rest.strip()
    if not rest.startswith("<") or ">" not in rest:
        return None
    return rest[1:rest.index(">")]


def unstuff(lines: list[bytes]) -> bytes:
    """Remove the transparency dots a client added (RFC 5321 §4.5.2)."""
    return b"".join(line[1:] if line.startswith(b".") else line for line in lines)


class SmtpServer:
    """One SMTP connection on the server side: feed lines in, get reply lines out."""

    def __init__(self, policy: SmtpPolicy, session: SmtpSession) -> None:
        self.policy = policy
        self.session = session
        self.in_data = False
        self.closed = False
        self._data: list[bytes] = []

    def greeting(self) -> list[str]:
        return [f"220 {self.policy.banner()}"]

    def handle(self, line: str) -> list[str]:
        """One command line in (without CRLF); the reply lines out."""
        verb, _, arg = line.partition(" ")
        verb = verb.upper()
        counts = self.session.counts
        method = getattr(self, "smtp_" + verb, None) if verb.isalpha() else None
        if method is None:
            counts["unknown"] = counts.get("unknown", 0) + 1
            return [str(S500_UNRECOGNIZED)]
        counts[verb.lower()] = counts.get(verb.lower(), 0) + 1
        reply: list[str] = method(arg.strip())
        return reply

    def data_line(self, line: bytes) -> list[str]:
        """A line of message content after 354; the lone "." ends it (RFC 5321 §4.1.1.4)."""
        if line.rstrip(b"\r\n") != b".":
            self._data.append(line)
            return []
        self.in_data = False
        content = unstuff(self._data)
        self._data = []
        reply = self.policy.end_of_data(self.session, content)
        self.session.reset_transaction()
        return [str(reply)]

    # --- verbs ---------------------------------------------------------------------------
    def smtp_HELO(self, arg: str) -> list[str]:
        if not arg:
            return ["501 Syntax: HELO hostname"]  # smtpd.c helo_cmd: no enhanced code
        self.session.helo_name, self.session.protocol = arg, "SMTP"
        self.session.reset_transaction()
        return [f"250 {self.policy.hostname()}"]

    def smtp_EHLO(self, arg: str) -> list[str]:
        if not arg:
            return ["501 Syntax: EHLO hostname"]
        self.session.helo_name, self.session.protocol = arg, "ESMTP"
        self.session.reset_transaction()
        lines = [self.policy.hostname(), *self.policy.ehlo_keywords(self.session)]
        return [f"250-{x}" for x in lines[:-1]] + [f"250 {lines[-1]}"]

    def smtp_AUTH(self, arg: str) -> list[str]:
        session = self.session
        if session.helo_name is None or session.protocol != "ESMTP":
            return [str(S503_NEED_EHLO)]
        if session.sasl_user is not None:
            return [str(S503_ALREADY_AUTH)]
        if not any(k.startswith("AUTH ") for k in self.policy.ehlo_keywords(session)):
            return [str(S503_AUTH_NOT_ENABLED)]  # smtpd_sasl_proto.c
        if session.sender is not None:
            return [str(S503_AUTH_IN_MAIL)]
        mech, _, initial = arg.partition(" ")
        if mech.upper() != "PLAIN" or not initial:
            # SIMPLIFICATION: LOGIN and PLAIN without an initial response (issue: relay control)
            return [str(S535_AUTH_FAILED)]
        credentials = _decode_plain(initial)
        if credentials is None:
            return [str(S501_AUTH_DECODE)]
        user, password = credentials
        if not self.policy.authenticate(session, user, password):
            return [str(S535_AUTH_FAILED)]
        session.sasl_user, session.sasl_method = user, "PLAIN"
        return [str(S235_AUTH_OK)]

    def smtp_MAIL(self, arg: str) -> list[str]:
        session = self.session
        if session.helo_name is None and self.policy.helo_required():
            return [str(S503_NEED_EHLO)]  # only with smtpd_helo_required = yes
        if session.sender is not None:
            return [str(S503_NESTED_MAIL)]
        sender = _path_argument(arg, "FROM")
        if sender is None:
            return [str(S501_SYNTAX.with_text("Syntax: MAIL FROM:<address>"))]
        refused = self.policy.check_mail(session, sender)
        if refused is not None:
            self.policy.on_reject(session, "MAIL", refused, sender)
            return [str(refused)]
        session.sender = sender
        return [str(S250_MAIL_OK)]

    def smtp_RCPT(self, arg: str) -> list[str]:
        session = self.session
        if session.sender is None:
            return [str(S503_NEED_MAIL)]
        rcpt = _path_argument(arg, "TO")
        if not rcpt:
            return [str(S501_SYNTAX.with_text("Syntax: RCPT TO:<address>"))]
        refused = self.policy.check_rcpt(session, rcpt)
        if refused is not None:
            self.policy.on_reject(session, "RCPT", refused, rcpt)
            return [str(refused)]
        if session.queue_id is None:
            # smtpd_delay_open_until_valid_rcpt = yes: the queue file (and its ID)
            # exists from the first accepted recipient on (postconf(5)).
            session.queue_id = self.policy.open_queue_file(session)
        session.recipients.append(rcpt)
        return [str(S250_RCPT_OK)]

    def smtp_DATA(self, arg: str) -> list[str]:
        if self.session.sender is None:
            return [str(S503_NEED_RCPT)]
        if not self.session.recipients:
            # smtpd.c data_cmd: inside a transaction whose recipients were all refused
            # (a pipelining client sent DATA anyway) the reply is 554, not 503.
            return [str(S554_NO_VALID_RCPT)]
        self.in_data = True
        return [str(S354_DATA)]

    def smtp_RSET(self, arg: str) -> list[str]:
        self.session.reset_transaction()
        return [str(S250_OK)]

    def smtp_NOOP(self, arg: str) -> list[str]:
        return [str(S250_OK)]

    def smtp_QUIT(self, arg: str) -> list[str]:
        self.closed = True
        return [str(S221_BYE)]


def _decode_plain(initial: str) -> tuple[str, str] | None:
    """SASL PLAIN: base64 of ``authzid NUL authcid NUL passwd`` (RFC 4616 §2)."""
    try:
        raw = base64.b64decode(initial, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    parts = raw.split("\0")
    if len(parts) != 3:
        return None
    return parts[1], parts[2]


def encode_plain(user: str, password: str) -> str:
    return base64.b64encode(f"\0{user}\0{password}".encode()).decode("ascii")
