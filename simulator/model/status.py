"""SMTP replies (RFC 5321 §4.2), enhanced status codes (RFC 3463) and delivery results.

Reply texts are the ones Postfix 3.x prints (src/smtpd/smtpd.c, src/local/, src/smtp/);
tests/unit/test_status.py checks that every constant's name matches its code.
Failures are values: an attempt returns a DeliveryResult, it never raises.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True)
class Reply:
    code: int
    dsn: str | None
    text: str

    def __str__(self) -> str:
        return f"{self.code} {self.dsn} {self.text}" if self.dsn else f"{self.code} {self.text}"

    def with_text(self, text: str) -> Reply:
        return Reply(self.code, self.dsn, text)

    @property
    def positive(self) -> bool:  # RFC 5321 §4.2.1: 2yz and 3yz
        return self.code < 400

    @property
    def temporary(self) -> bool:  # 4yz: try again later
        return 400 <= self.code < 500


# smtpd(8) replies; "{}" is filled with the queue ID, address or hostname as Postfix does.
S220_GREETING = Reply(220, None, "{} ESMTP Postfix")  # smtpd_banner = $myhostname ESMTP $mail_name
S220_TLS_READY = Reply(220, "2.0.0", "Ready to start TLS")  # smtpd.c starttls_cmd()
S221_BYE = Reply(221, "2.0.0", "Bye")
S235_AUTH_OK = Reply(235, "2.7.0", "Authentication successful")
S250_OK = Reply(250, "2.0.0", "Ok")
S250_MAIL_OK = Reply(250, "2.1.0", "Ok")
S250_RCPT_OK = Reply(250, "2.1.5", "Ok")
S250_QUEUED = Reply(250, "2.0.0", "Ok: queued as {}")
S334_AUTH_CONTINUE = Reply(334, None, "{}")
S354_DATA = Reply(354, None, "End data with <CR><LF>.<CR><LF>")
S451_LOOKUP_FAILURE = Reply(451, "4.3.0", "<{}>: Temporary lookup failure")
S454_RELAY_DENIED = Reply(454, "4.7.1", "<{}>: Relay access denied")
S454_TLS_UNAVAILABLE = Reply(454, "4.7.0", "TLS not available due to local problem")
S501_AUTH_ABORTED = Reply(501, "5.7.0", "Authentication aborted")  # the client sent "*"
S502_NOT_IMPLEMENTED = Reply(502, "5.5.1", "Error: command not implemented")
# smtpd.c: with smtpd_tls_security_level = encrypt, before STARTTLS
S530_STARTTLS_FIRST = Reply(530, "5.7.0", "Must issue a STARTTLS command first")
S554_TLS_ACTIVE = Reply(554, "5.5.1", "Error: TLS already active")
S501_SYNTAX = Reply(501, "5.5.4", "Syntax: {}")  # with_text() gives the whole text
S500_BAD_SYNTAX = Reply(500, "5.5.2", "Error: bad syntax")
S501_BAD_SENDER = Reply(501, "5.1.7", "Bad sender address syntax")
S501_BAD_RCPT = Reply(501, "5.1.3", "Bad recipient address syntax")
S502_VRFY_DISABLED = Reply(502, "5.5.1", "VRFY command is disabled")
S500_UNRECOGNIZED = Reply(500, "5.5.2", "Error: command not recognized")  # 3.7 and later
S502_UNRECOGNIZED = Reply(502, "5.5.2", "Error: command not recognized")  # up to 3.6
S503_NEED_MAIL = Reply(503, "5.5.1", "Error: need MAIL command")
S503_NEED_RCPT = Reply(503, "5.5.1", "Error: need RCPT command")
S503_NESTED_MAIL = Reply(503, "5.5.1", "Error: nested MAIL command")
S503_ALREADY_AUTH = Reply(503, "5.5.1", "Error: already authenticated")
S503_AUTH_NOT_ENABLED = Reply(503, "5.5.1", "Error: authentication not enabled")
S503_AUTH_IN_MAIL = Reply(503, "5.5.1", "Error: MAIL transaction in progress")
S503_NEED_EHLO = Reply(503, "5.5.1", "Error: send HELO/EHLO first")
# smtpd_sasl_glue.c + Cyrus SASL's sasl_errstring(): SASL_BADAUTH and SASL_BADPROT
S535_AUTH_FAILED = Reply(535, "5.7.8", "Error: authentication failed: authentication failure")
S535_AUTH_BADPROT = Reply(535, "5.7.8", "Error: authentication failed: bad protocol / cancel")
S535_AUTH_NOMECH = Reply(535, "5.7.8", "Error: authentication failed: no mechanism available")
S550_USER_UNKNOWN = Reply(
    550, "5.1.1", "<{}>: Recipient address rejected: User unknown in local recipient table"
)
# smtpd_check.c smtpd_check_size() (MAIL FROM SIZE=); cleanup_strerror.c CLEANUP_STAT_SIZE
# as smtpd.c receive_data() words it at end of DATA ("%d %s Error: %s")
S552_SIZE_LIMIT = Reply(552, "5.3.4", "Message size exceeds fixed limit")
S552_FILE_TOO_BIG = Reply(552, "5.3.4", "Error: message file too big")
S554_NO_VALID_RCPT = Reply(554, "5.5.1", "Error: no valid recipients")
# end of data, cleanup refused the message (smtpd.c; global/cleanup_strerror.c)
S554_TOO_MANY_HOPS = Reply(554, "5.4.0", "Error: too many hops")
S554_RELAY_DENIED = Reply(554, "5.7.1", "<{}>: Relay access denied")


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    """One recipient's result from one delivery attempt (cf. Postfix's status=... log field)."""

    recipient: str
    status: Literal["sent", "deferred", "bounced"]
    dsn: str  # RFC 3463 enhanced status, e.g. "2.0.0", "4.4.1", "5.1.1"
    reason: str  # the text in parentheses of the log line
    relay: str  # "mx.example.org[192.0.2.25]:25", "local", "none"
    remote_mta: str | None = None  # DSN Remote-MTA (the server that answered), if any
    diagnostic: str | None = None  # DSN Diagnostic-Code text: the remote reply, if any
    at: float | None = None  # when the agent reported it (written to the queue file/logs)
