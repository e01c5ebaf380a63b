"""The SMTP server dialogue (RFC 5321, ESMTP RFC 1869, AUTH RFC 4954, STARTTLS RFC 3207) as a
pure state machine.

Like aiosmtpd, the dialogue is kept apart from policy: this module knows verbs, order and
syntax; whether a client may relay, whether a user exists and what the queue ID is are
asked of an ``SmtpPolicy`` (the smtpd actor of a host). Protocol errors are replies, never
exceptions. One method per verb, dispatched by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from ..model.status import (
    S220_TLS_READY,
    S221_BYE,
    S235_AUTH_OK,
    S250_MAIL_OK,
    S250_OK,
    S250_RCPT_OK,
    S334_AUTH_CONTINUE,
    S354_DATA,
    S454_TLS_UNAVAILABLE,
    S500_BAD_SYNTAX,
    S500_UNRECOGNIZED,
    S501_AUTH_ABORTED,
    S501_BAD_RCPT,
    S501_BAD_SENDER,
    S501_SYNTAX,
    S502_NOT_IMPLEMENTED,
    S502_VRFY_DISABLED,
    S503_ALREADY_AUTH,
    S503_AUTH_IN_MAIL,
    S503_AUTH_NOT_ENABLED,
    S503_NEED_EHLO,
    S503_NEED_MAIL,
    S503_NEED_RCPT,
    S503_NESTED_MAIL,
    S530_STARTTLS_FIRST,
    S535_AUTH_BADPROT,
    S535_AUTH_FAILED,
    S535_AUTH_NOMECH,
    S554_NO_VALID_RCPT,
    S554_TLS_ACTIVE,
    Reply,
)
from .sasl import LOGIN_PASSWORD, LOGIN_USERNAME, MECHANISMS, decode64, encode64, encode_plain
from .smtp_dsn import MailDsn, RcptDsn, mail_params, rcpt_params
from .tls import TlsSession

__all__ = ["LOGIN_PASSWORD", "LOGIN_USERNAME", "ServerFeatures", "SmtpServer", "SmtpSession",
           "TlsOffer", "encode64", "encode_plain"]

# smtpd.c smtpd_cmd_table: the commands with SMTPD_CMD_FLAG_PRE_TLS, allowed before STARTTLS
# when TLS is enforced (the others get 530 5.7.0 Must issue a STARTTLS command first)
PRE_TLS = frozenset({"HELO", "EHLO", "XCLIENT", "STARTTLS", "NOOP", "QUIT", "HELP"})


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
    auth_mechanism: str | None = None  # the mechanism of the AUTH exchange under way
    tls: TlsSession | None = None  # set when the TLS handshake is complete
    # transaction state (RFC 5321 §3.3), reset by RSET and after each message
    sender: str | None = None
    recipients: list[str] = field(default_factory=list)
    queue_id: str | None = None
    declared_size: int | None = None  # MAIL FROM:<..> SIZE=n (RFC 1870), for the policy
    dsn: MailDsn = field(default_factory=MailDsn)  # RET=, ENVID= (RFC 3461, smtp_dsn.py)
    rcpt_dsn: list[RcptDsn] = field(default_factory=list)  # NOTIFY=, ORCPT= per recipient
    # per verb [successes, attempts], for the disconnect log line (smtpd_format_cmd_stats)
    counts: dict[str, list[int]] = field(default_factory=dict)

    def reset_transaction(self) -> None:
        self.sender = None
        self.recipients = []
        self.queue_id = None
        self.declared_size = None
        self.dsn = MailDsn()
        self.rcpt_dsn = []

    @property
    def received_protocol(self) -> str:
        """``with`` value of Received: ESMTP, plus "S" with TLS and "A" when authenticated
        (RFC 3848; smtpd.c adds the suffixes for ESMTP only)."""
        proto = self.protocol or "SMTP"
        if proto != "ESMTP":
            return proto
        return proto + ("S" if self.tls else "") + ("A" if self.sasl_user else "")


@dataclass(frozen=True, slots=True)
class TlsOffer:
    """The service's TLS settings as smtpd.c derives them from smtpd_tls_security_level,
    smtpd_tls_auth_only and smtpd_tls_wrappermode."""

    use: bool  # STARTTLS is offered and accepted (var_smtpd_use_tls)
    enforce: bool  # only PRE_TLS commands before the handshake (var_smtpd_enforce_tls)
    wrapper: bool  # TLS from the first byte, before the greeting (port 465)
    session: TlsSession | None  # what a handshake agrees; None: no usable protocol


@dataclass(frozen=True, slots=True)
class ServerFeatures:
    """What the modelled smtpd release and its configuration change in the dialogue."""

    # smtpd.c: "500 5.5.2" from Postfix 3.7 (HISTORY 20210810), "502 5.5.2" before
    unrecognized: Reply = S500_UNRECOGNIZED
    dsn: bool = True  # DSN is announced and its parameters taken (smtpd_discard_ehlo_keywords)


@dataclass(slots=True)
class _SaslExchange:
    """An AUTH exchange waiting for the client's next response line (after a 334)."""

    mechanism: str
    user: str | None = None  # LOGIN: the user name, once given


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


def _size_parameter(arg: str) -> int | str | None:
    """The SIZE=n parameter of MAIL FROM (RFC 1870 §6): n, "bad" when not all digits,
    None when absent."""
    for word in arg.split()[1:]:
        if word.upper().startswith("SIZE="):
            value = word[5:]
            return int(value) if value.isdigit() else "bad"
    return None


def unstuff(lines: list[bytes]) -> bytes:
    """Remove the transparency dots a client added (RFC 5321 §4.5.2)."""
    return b"".join(line[1:] if line.startswith(b".") else line for line in lines)


class SmtpServer:
    """One SMTP connection on the server side: feed lines in, get reply lines out."""

    def __init__(self, policy: SmtpPolicy, session: SmtpSession,
                 tls: TlsOffer | None = None, features: ServerFeatures | None = None) -> None:
        self.policy = policy
        self.features = features or ServerFeatures()
        self.session = session
        self.tls = tls
        self.in_data = False
        self.closed = False
        self.starttls_pending = False  # 220 Ready to start TLS sent; the handshake is next
        self._data: list[bytes] = []
        self._sasl: _SaslExchange | None = None

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
        if self._sasl is not None:
            return self._sasl_response(line.strip())
        if not line.strip():
            return [str(S500_BAD_SYNTAX)]  # smtpd.c: an empty command line
        verb, _, arg = line.strip().partition(" ")
        verb = verb.upper()
        method = getattr(self, "smtp_" + verb, None) if verb.isalpha() else None
        name = verb.lower() if method is not None else "unknown"
        stats = self.session.counts.setdefault(name, [0, 0])
        stats[1] += 1
        if method is None:
            return [str(self.features.unrecognized)]
        if self.tls is not None and self.tls.enforce and self.session.tls is None \
                and verb not in PRE_TLS:
            return [str(S530_STARTTLS_FIRST)]  # smtpd.c L6232-L6238
        reply: list[str] = method(arg.strip())
        if reply and reply[-1][:1] == "2":  # DATA counts when its message is accepted
            stats[0] += 1
        return reply

    def data_line(self, line: bytes) -> list[str]:
        """A line of message content after 354; the lone "." ends it (RFC 5321 §4.1.1.4)."""
        if line[:1] != b"." or line.rstrip(b"\r\n") != b".":
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
        words = arg.split()
        if not 1 <= len(words) <= 2:  # argc < 2 || argc > 3
            return [str(S501_SYNTAX.with_text("Syntax: AUTH mechanism"))]
        mech = words[0].upper()
        session.auth_mechanism = mech
        if mech not in MECHANISMS:  # Cyrus sasl_server_start(): SASL_NOMECH
            return [str(S535_AUTH_NOMECH)]
        self._sasl = _SaslExchange(mech)
        if len(words) == 1:  # no initial response: the first challenge
            return [self._challenge("" if mech == "PLAIN" else LOGIN_USERNAME)]
        return self._sasl_step(words[1])

    def _challenge(self, text: str) -> str:
        return str(S334_AUTH_CONTINUE.with_text(text))

    def _sasl_response(self, line: str) -> list[str]:
        """A client response after a 334 (smtpd_sasl_glue.c smtpd_sasl_authenticate())."""
        assert self._sasl is not None
        if line == "*":
            mech, self._sasl = self._sasl.mechanism, None
            self.policy.on_reject(self.session, "AUTH", S501_AUTH_ABORTED, mech)
            return [str(S501_AUTH_ABORTED)]
        reply = self._sasl_step(line)
        if reply[0].startswith("2"):
            self.session.counts.setdefault("auth", [0, 0])[0] += 1
        return reply

    def _sasl_step(self, response: str) -> list[str]:
        """One base64 response: PLAIN takes authzid NUL authcid NUL passwd (RFC 4616);
        LOGIN the user name, then the password (draft-murchison-sasl-login)."""
        assert self._sasl is not None
        exchange = self._sasl
        decoded = decode64(response)
        if decoded is None:  # sasl_decode64() fails: SASL_BADPROT
            self._sasl = None
            return [str(S535_AUTH_BADPROT)]
        if exchange.mechanism == "LOGIN" and exchange.user is None:
            exchange.user = decoded
            return [self._challenge(LOGIN_PASSWORD)]
        self._sasl = None
        if exchange.mechanism == "LOGIN":
            user, password = exchange.user or "", decoded
        else:
            parts = decoded.split("\0")
            if len(parts) != 3:
                return [str(S535_AUTH_BADPROT)]
            user, password = parts[1], parts[2]
        if not self.policy.authenticate(self.session, user, password):
            return [str(S535_AUTH_FAILED)]
        self.session.sasl_user, self.session.sasl_method = user, exchange.mechanism
        return [str(S235_AUTH_OK)]

    def smtp_STARTTLS(self, arg: str) -> list[str]:
        """smtpd.c starttls_cmd(): the checks in its order, then 220 and the handshake."""
        if arg:
            return [str(S501_SYNTAX.with_text("Syntax: STARTTLS"))]
        if self.session.tls is not None:
            return [str(S554_TLS_ACTIVE)]
        if self.tls is None or not self.tls.use:
            return [str(S502_NOT_IMPLEMENTED)]
        if self.tls.session is None:  # RFC 3207 §4
            return [str(S454_TLS_UNAVAILABLE)]
        self.starttls_pending = True
        return [str(S220_TLS_READY)]

    def start_tls(self) -> TlsSession:
        """The handshake is done: "reset all inputs to the initial state" (helo_reset,
        mail_reset, rcpt_reset) and forget an earlier authentication (the SASL server
        is reactivated for TLS), as smtpd.c does after STARTTLS and in wrapper mode."""
        assert self.tls is not None and self.tls.session is not None
        self.starttls_pending = False
        self.session.tls = self.tls.session
        self.session.helo_name = None
        self.session.sasl_user = self.session.sasl_method = None
        self.session.reset_transaction()
        return self.tls.session

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
        size = _size_parameter(arg)
        if size == "bad":  # smtpd.c mail_cmd(): SIZE= must be all digits
            return [str(S501_SYNTAX.with_text("Bad message size syntax"))]
        dsn = mail_params(arg.split()[1:], self.features.dsn)
        if isinstance(dsn, str):
            return [dsn]
        session.declared_size = size if isinstance(size, int) else None
        refused = self.policy.check_mail(session, sender)
        if refused is not None:
            self.policy.on_reject(session, "MAIL", refused, sender)
            return [str(refused)]
        session.sender, session.dsn = sender, dsn
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
        dsn = rcpt_params(arg.split()[1:], self.features.dsn)
        if isinstance(dsn, str):
            return [dsn]
        refused = self.policy.check_rcpt(session, rcpt)
        if refused is not None:
            self.policy.on_reject(session, "RCPT", refused, rcpt)
            return [str(refused)]
        if session.queue_id is None:
            # smtpd_delay_open_until_valid_rcpt = yes: the queue file (and its ID)
            # exists from the first accepted recipient on (postconf(5)).
            session.queue_id = self.policy.open_queue_file(session)
        session.recipients.append(rcpt)
        session.rcpt_dsn.append(dsn)
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
        if not arg:  # smtpd.c vrfy_cmd(): " [SMTPUTF8]" when smtputf8_enable (default yes)
            return [str(S501_SYNTAX.with_text("Syntax: VRFY address [SMTPUTF8]"))]
        address = arg.strip("<>")
        if not address:
            return [str(S501_BAD_RCPT)]
        refused = self.policy.check_rcpt(self.session, address)
        if refused is not None:  # smtpd_check_rcpt() logs it: "reject: VRFY from ..."
            self.policy.on_reject(self.session, "VRFY", refused, address)
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
