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
    S500_BAD_SYNTAX,
    S500_UNRECOGNIZED,
    S501_BAD_RCPT,
    S501_BAD_SENDER,
    S503_ALREADY_AUTH,
    S503_AUTH_IN_MAIL,
    S503_AUTH_NOT_ENABLED,
    S503_NEED_EHLO,
    S503_NEED_MAIL,
    S503_NEED_RCPT,
    S503_NESTED_MAIL,
    S502_VRFY_DISABLED,
    S535_AUTH_BADPROT,
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
    # per verb [successes, attempts], for the disconnect log line (smtpd_format_cmd_stats)
    counts: dict[str, list[int]] = field(default_factory=dict)

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
    def sasl_enabled(self, session: SmtpSession) -> bool: ...
    def vrfy_enabled(self) -> bool: ...
    def ehlo_keywords(self, session: SmtpSession) -> list[str]: ...
    def authenticate(self, session: SmtpSession, user: str, password: str) -> bool: ...
    def check_connect(self, session: SmtpSession) -> Reply | None: ...
    def check_helo(self, session: SmtpSession, name: str) -> Reply | None: ...
    def check_mail(self, session: SmtpSession, sender: str) -> Reply | None: ...
    def check_rcpt(self, session: SmtpSession, recipient: str) -> Reply | None: ...
    def check_data(self, session: SmtpSession) -> Reply | None: ...
    def open_queue_file(self, session: SmtpSession) -> str: ...
    def end_of_data(self, session: SmtpSession, data: bytes) -> Reply: ...
    def on_reject(self, session: SmtpSession, stage: str, reply: Reply, arg: str) -> None: ...


def _path_argument(arg: str, keyword: str) -> tuple[str | None, str | None]:
    """(address, None) from ``FROM:<a@b> SIZE=..`` / ``TO:<a@b>``; (None, why) otherwise.

    why is "syntax" when the keyword is missing (501 5.5.4 Syntax: ...) and "address" when
    the address is malformed (501 5.1.7 / 5.1.3). Without strict_rfc821_envelopes (default
    no) Postfix also takes an address without angle brackets (smtpd.c extract_addr()).
    """
    head, sep, rest = arg.partition(":")
    if not sep or head.strip().upper() != keyword:
        return None, "syntax"
    rest = rest.strip()
    if not rest:
        return None, "syntax"
    if rest.startswith("<"):
        if ">" not in rest:
            return None, "address"
        return rest[1:rest.index(">")], None
    return rest.split()[0], None


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
        """The banner, or a refusal at connect time (after which the server hangs up)."""
        refused = self.policy.check_connect(self.session)
        if refused is not None:
            self.policy.on_reject(self.session, "CONNECT", refused, "")
            self.closed = True
            return [str(refused)]
        return [f"220 {self.policy.banner()}"]

    def handle(self, line: str) -> list[str]:
        """One command line in (without CRLF); the reply lines out."""
        if not line.strip():
            return [str(S500_BAD_SYNTAX)]  # smtpd.c: an empty command line
        verb, _, arg = line.strip().partition(" ")
        verb = verb.upper()
        method = getattr(self, "smtp_" + verb, None) if verb.isalpha() else None
        name = verb.lower() if method is not None else "unknown"
        stats = self.session.counts.setdefault(name, [0, 0])
        stats[1] += 1
        if method is None:
            return [str(S500_UNRECOGNIZED)]
        reply: list[str] = method(arg.strip())
        if reply and reply[-1][:1] == "2":  # DATA counts when its message is accepted
            stats[0] += 1
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
        if reply.code < 300:
            self.session.counts.setdefault("data", [0, 0])[0] += 1
        self.session.reset_transaction()
        return [str(reply)]

    # --- verbs ---------------------------------------------------------------------------
    def smtp_HELO(self, arg: str) -> list[str]:
        if not arg:
            return ["501 Syntax: HELO hostname"]  # smtpd.c helo_cmd: no enhanced code
        refused = self._helo_refused(arg)
        if refused is not None:
            return refused
        # helo_cmd(): a HELO after EHLO keeps the protocol name ESMTP
        self.session.helo_name = arg
        self.session.protocol = self.session.protocol or "SMTP"
        self.session.reset_transaction()
        return [f"250 {self.policy.hostname()}"]

    def smtp_EHLO(self, arg: str) -> list[str]:
        if not arg:
            return ["501 Syntax: EHLO hostname"]
        refused = self._helo_refused(arg)
        if refused is not None:
            return refused
        self.session.helo_name, self.session.protocol = arg, "ESMTP"
        self.session.reset_transaction()
        lines = [self.policy.hostname(), *self.policy.ehlo_keywords(self.session)]
        return [f"250-{x}" for x in lines[:-1]] + [f"250 {lines[-1]}"]

    def _helo_refused(self, name: str) -> list[str] | None:
        """helo_cmd(): the check runs before the name is recorded, so the log lacks it."""
        refused = self.policy.check_helo(self.session, name)
        if refused is None:
            return None
        self.policy.on_reject(self.session, "HELO", refused, name)
        return [str(refused)]

    def smtp_AUTH(self, arg: str) -> list[str]:
        """RFC 4954, in the order of smtpd_sasl_proto.c smtpd_sasl_auth_cmd()."""
        session = self.session
        if session.helo_name is None and self.policy.helo_required():
            return [str(S503_NEED_EHLO)]
        if not self.policy.sasl_enabled(session):
            return [str(S503_AUTH_NOT_ENABLED)]
        if session.sender is not None:
            return [str(S503_AUTH_IN_MAIL)]
        if session.sasl_user is not None:
            return [str(S503_ALREADY_AUTH)]
        mech, _, initial = arg.partition(" ")
        if not mech:
            return [str(S501_SYNTAX.with_text("Syntax: AUTH mechanism"))]
        if mech.upper() != "PLAIN" or not initial:
            # SIMPLIFICATION: LOGIN and PLAIN without an initial response come with the
            # relay-control issue; a client that tries them is refused as a bad protocol
            return [str(S535_AUTH_BADPROT)]
        credentials = _decode_plain(initial)
        if credentials is None:
            return [str(S535_AUTH_BADPROT)]
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
        sender, why = _path_argument(arg, "FROM")
        if sender is None:
            return [str(S501_BAD_SENDER if why == "address"
                        else S501_SYNTAX.with_text("Syntax: MAIL FROM:<address>"))]
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
        rcpt, why = _path_argument(arg, "TO")
        if rcpt is None and why == "syntax":
            return [str(S501_SYNTAX.with_text("Syntax: RCPT TO:<address>"))]
        if not rcpt:  # RCPT TO:<> or a broken address (REJECT_EMPTY_ADDR)
            return [str(S501_BAD_RCPT)]
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
        if arg:
            return [str(S501_SYNTAX.with_text("Syntax: DATA"))]
        if self.session.sender is None:
            return [str(S503_NEED_RCPT)]
        if not self.session.recipients:
            # smtpd.c data_cmd: inside a transaction whose recipients were all refused
            # (a pipelining client sent DATA anyway) the reply is 554, not 503.
            return [str(S554_NO_VALID_RCPT)]
        refused = self.policy.check_data(self.session)
        if refused is not None:
            self.policy.on_reject(self.session, "DATA", refused, "")
            return [str(refused)]
        self.in_data = True
        return [str(S354_DATA)]

    def smtp_RSET(self, arg: str) -> list[str]:
        if arg:
            return [str(S501_SYNTAX.with_text("Syntax: RSET"))]
        self.session.reset_transaction()
        return [str(S250_OK)]

    def smtp_NOOP(self, arg: str) -> list[str]:
        # RFC 5321 §4.1.1.9 allows an ignored parameter (Postfix: unless RFC821_SYNTAX)
        return [str(S250_OK)]

    def smtp_VRFY(self, arg: str) -> list[str]:
        """smtpd.c vrfy_cmd(): 252 with the argument as given, after the recipient checks."""
        if not self.policy.vrfy_enabled():
            return [str(S502_VRFY_DISABLED)]
        if not arg:
            return [str(S501_SYNTAX.with_text("Syntax: VRFY address"))]
        address = arg.strip("<>")
        if not address:
            return [str(S501_BAD_RCPT)]
        refused = self.policy.check_rcpt(self.session, address)
        if refused is not None:
            return [str(refused)]
        return [f"252 2.0.0 {arg}"]

    def smtp_ETRN(self, arg: str) -> list[str]:
        """smtpd.c etrn_cmd(): with fast_flush_domains empty (its default follows
        relay_domains, empty since 3.0) every site is refused."""
        if self.session.sender is not None:
            return ["503 Error: MAIL transaction in progress"]
        if not arg or len(arg.split()) != 1:
            return ["500 Syntax: ETRN domain"]
        return [f"459 <{arg.lstrip('@#')}>: service unavailable"]

    def smtp_QUIT(self, arg: str) -> list[str]:
        self.closed = True
        return [str(S221_BYE)]


def _decode_plain(initial: str) -> tuple[str, str] | None:
    """SASL PLAIN: base64 of ``authzid NUL authcid NUL passwd`` (RFC 4616 §2)."""
    try:
        raw = base64.b64decode(initial.encode("ascii"), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):  # UnicodeError is a ValueError
        return None
    parts = raw.split("\0")
    if len(parts) != 3:
        return None
    return parts[1], parts[2]


def encode_plain(user: str, password: str) -> str:
    return base64.b64encode(f"\0{user}\0{password}".encode()).decode("ascii")
