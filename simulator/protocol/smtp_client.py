"""The SMTP client side of a dialogue, with its timing (RFC 5321 §3, PIPELINING RFC 2920,
STARTTLS RFC 3207, implicit TLS RFC 8314, AUTH RFC 4954).

A whole session is computed at once against the server state machine; each line gets the
simulated time at which its sender sends it. One round trip per command, except that a
client talking to a server that advertises PIPELINING sends MAIL, RCPT and DATA as one
batch, as Postfix's smtp(8) does. A TLS handshake costs the round trips protocol/tls.py
counts; its messages appear in the transcript as ``TLS-C``/``TLS-S`` lines, and every line
after it travelled encrypted (``encrypted_from``). The caller waits one SimPy timeout for
the result (DESIGN.md §7: one event per session, not one per command).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ..model.dialogue import Dialogue, Line
from ..model.message import Envelope
from .sasl import encode64, encode_plain
from .smtp import SmtpServer
from .smtp_dsn import mail_suffix, rcpt_suffix
from .tls import TlsSession

# What a client reports when it gives up on its own (no server reply to quote)
NO_STARTTLS = "STARTTLS not offered"
NO_AUTH = "AUTH not offered"
TLS_FAILED = "TLS handshake failed"


@dataclass(slots=True)
class SmtpClientResult:
    dialogue: Dialogue = field(default_factory=Dialogue)  # facts; ``lines`` renders them
    rcpt_replies: dict[str, str] = field(default_factory=dict)
    data_reply: str | None = None
    commit_at: float | None = None  # when the server sent its end-of-data reply
    data_done: float | None = None  # when the client had that reply
    end: float = 0.0
    failure: str | None = None  # the reply that ended the session early
    failed_command: str | None = None  # "MAIL FROM", "RCPT TO", "end of DATA", ...
    keywords: tuple[str, ...] = ()
    tls: TlsSession | None = None
    tls_done: float | None = None  # when the handshake was complete (client side)
    encrypted_from: int | None = None  # index of the first line sent under TLS

    @property
    def lines(self) -> list[Line]:
        """The dialogue as (time, side, text) lines, rebuilt from its facts."""
        return self.dialogue.lines()

    @property
    def accepted(self) -> list[str]:
        if self.data_reply is None or not self.data_reply.startswith("2"):
            return []
        return [r for r, reply in self.rcpt_replies.items() if reply.startswith("2")]


@dataclass(frozen=True, slots=True)
class ClientOptions:
    ehlo_name: str
    auth: tuple[str, str] | None = None  # (user, password) for AUTH
    auth_mechanism: Literal["PLAIN", "LOGIN"] = "PLAIN"
    # STARTTLS: "never"; "may" when offered (Postfix smtp_tls_security_level = may);
    # "require" (a mail client set to STARTTLS; smtp_tls_security_level = encrypt)
    starttls: Literal["never", "may", "require"] = "never"
    implicit_tls: bool = False  # TLS from the first byte (port 465, "SSL/TLS")
    pipelining: bool = True  # Postfix smtp(8) pipelines when the server offers it
    send_size: bool = True  # MAIL FROM:<..> SIZE=n when the server offers SIZE (RFC 1870)
    # Postfix smtp(8) habits (smtp_proto.c): RSET before QUIT after a refused MAIL, all RCPTs
    # refused or a refused DATA; with PIPELINING, QUIT sent together with the final "."
    postfix_habits: bool = True
    probe: bool = False  # sendmail -bv: RSET instead of DATA, nothing is sent (smtp_proto.c)


NL = b"\n"


class _Dialogue:
    """Records lines with times while talking to the server; one RTT per exchange."""

    def __init__(self, server: SmtpServer, t: float, rtt: float) -> None:
        self.server, self.t, self.rtt = server, t, rtt
        self.result = SmtpClientResult(dialogue=Dialogue(rtt))

    def send(self, commands: list[str]) -> list[list[str]]:
        self.server.session.now = self.t + self.rtt / 2
        replies = [self.server.handle(cmd) for cmd in commands]
        self.result.dialogue.exchange(self.t, commands, replies)
        self.t += self.rtt
        return replies

    def send_data(self, data: bytes, quit_too: bool = False) -> str:
        for raw in data.splitlines(keepends=False):
            stuffed = b"." + raw if raw.startswith(b".") else raw  # RFC 5321 §4.5.2
            self.server.data_line(stuffed + b"\n")
        self.result.dialogue.data(self.t, data)  # the lines are rendered from the bytes
        self.server.session.now = self.t + self.rtt / 2
        reply = self.server.data_line(b".\n")
        commands, replies = [".", "QUIT"] if quit_too else ["."], [reply[:1]]
        if quit_too:
            replies.append(self.server.handle("QUIT"))
        self.result.dialogue.exchange(self.t, commands, replies)
        self.result.commit_at = self.t + self.rtt / 2
        self.result.data_done = self.t + self.rtt
        self.t += self.rtt
        if quit_too:
            self.result.end = self.t
        return reply[0]

    def handshake(self, tls: TlsSession, wrapper: bool) -> None:
        """The TLS flights, half a round trip apart; then the server side switches to TLS.
        The client may speak again after ``tls.rtts`` round trips (tls.py)."""
        start = self.t
        for i, (side, names) in enumerate(tls.flights()):
            self.result.dialogue.line(start + i * self.rtt / 2, f"TLS-{side}", names)
        done = start + (len(tls.flights()) - 1) * self.rtt / 2
        summary = f"{tls.summary()}; the lines below travel encrypted (C~, S~)"
        self.result.dialogue.line(done, "TLS", summary)
        self.result.encrypted_from = len(self.result.dialogue)
        self.server.start_tls()
        self.result.tls, self.result.tls_done = tls, done
        self.t = start + tls.rtts * self.rtt
        if wrapper:  # the server greets once its side of the handshake is done (tls.py)
            self.t = start + 1.5 * self.rtt

    def quit(self) -> SmtpClientResult:
        self.send(["QUIT"])
        self.result.end = self.t
        return self.result

    def fail(self, reply: str, command: str, rset: bool = False,
             pipelining: bool = False) -> SmtpClientResult:
        """End the session after a refusal; Postfix's client first resets the transaction."""
        self.result.failure, self.result.failed_command = reply, command
        if not rset:
            return self.quit()
        if pipelining:  # RSET and QUIT go out together on an uncached connection
            self.send(["RSET", "QUIT"])
        else:
            self.send(["RSET"])
            self.send(["QUIT"])
        self.result.end = self.t
        return self.result


def run_smtp_client(server: SmtpServer, t0: float, rtt: float, envelope: Envelope, data: bytes,
                    options: ClientOptions) -> SmtpClientResult:
    """The whole client session, from the TCP handshake (one RTT) to the 221 of QUIT."""
    dlg = _Dialogue(server, t0 + rtt, rtt)
    wrapped = server.tls.session if server.tls is not None and server.tls.wrapper else None
    wrapper = server.tls is not None and server.tls.wrapper
    if options.implicit_tls != wrapper or (wrapper and wrapped is None):
        # one side expects TLS, the other plain text (or no common protocol): nothing usable
        dlg.result.failure, dlg.result.failed_command = TLS_FAILED, "TLS handshake"
        dlg.result.end = dlg.t + rtt
        return dlg.result
    if wrapped is not None:
        dlg.handshake(wrapped, wrapper=True)
    greeting = server.greeting()
    dlg.result.dialogue.line(dlg.t, "S", greeting[0])
    dlg.t += rtt / 2
    if not greeting[0].startswith("2"):
        return dlg.fail(greeting[0], "initial greeting")
    keywords = _ehlo(dlg, options)
    if options.starttls != "never" and not options.implicit_tls:
        stopped = _starttls(dlg, options, keywords)
        if stopped is not None:
            return stopped
        keywords = dlg.result.keywords
    if options.auth is not None:
        stopped = _authenticate(dlg, options, keywords)
        if stopped is not None:
            return stopped
    return _transaction(dlg, options, keywords, envelope, data)


def _ehlo(dlg: _Dialogue, options: ClientOptions) -> tuple[str, ...]:
    ehlo = dlg.send([f"EHLO {options.ehlo_name}"])[0]
    dlg.result.keywords = tuple(line[4:] for line in ehlo[1:]) if ehlo[0].startswith("2") else ()
    return dlg.result.keywords


def _starttls(dlg: _Dialogue, options: ClientOptions,
              keywords: tuple[str, ...]) -> SmtpClientResult | None:
    """STARTTLS when offered, then EHLO again (RFC 3207 §4.2: forget what was learnt)."""
    if "STARTTLS" not in keywords:
        return dlg.fail(NO_STARTTLS, "EHLO") if options.starttls == "require" else None
    reply = dlg.send(["STARTTLS"])[0][0]
    if not reply.startswith("2") or dlg.server.tls is None or dlg.server.tls.session is None:
        return dlg.fail(reply, "STARTTLS") if options.starttls == "require" else None
    dlg.handshake(dlg.server.tls.session, wrapper=False)
    _ehlo(dlg, options)
    return None


def _authenticate(dlg: _Dialogue, options: ClientOptions,
                  keywords: tuple[str, ...]) -> SmtpClientResult | None:
    """AUTH PLAIN with an initial response, or AUTH LOGIN answering its two challenges."""
    assert options.auth is not None
    user, password = options.auth
    offered = next((k.split()[1:] for k in keywords if k.split()[0] == "AUTH"), None)
    if offered is None:
        return dlg.fail(NO_AUTH, "EHLO")
    if options.auth_mechanism == "PLAIN":
        reply = dlg.send([f"AUTH PLAIN {encode_plain(user, password)}"])[0][0]
    else:
        reply = dlg.send(["AUTH LOGIN"])[0][0]
        for answer in (user, password):
            if not reply.startswith("334"):
                break
            reply = dlg.send([encode64(answer)])[0][0]
    if not reply.startswith("2"):
        return dlg.fail(reply, "AUTH")
    return None


def _transaction(dlg: _Dialogue, options: ClientOptions, keywords: tuple[str, ...],
                 envelope: Envelope, data: bytes) -> SmtpClientResult:
    mail = f"MAIL FROM:<{envelope.sender}>"
    if options.send_size and any(k.split()[0] == "SIZE" for k in keywords):
        mail += f" SIZE={len(data) + data.count(NL)}"
    rcpts = [f"RCPT TO:<{r}>" for r in envelope.recipients]
    if "DSN" in keywords:  # smtp_proto.c: the DSN request goes on only to a DSN server
        mail += mail_suffix(envelope.dsn_ret, envelope.dsn_envid)
        rcpts = [line + rcpt_suffix(*dsn) for line, dsn in zip(rcpts, envelope.rcpt_dsn)] \
            + rcpts[len(envelope.rcpt_dsn):]
    pipelining = options.pipelining and "PIPELINING" in keywords
    if options.probe:
        return _probe(dlg, mail, rcpts, envelope, pipelining)
    replies = dlg.send([mail, *rcpts, "DATA"]) if pipelining else _one_by_one(dlg, mail, rcpts)
    rset = options.postfix_habits
    if not replies[0][0].startswith("2"):
        return dlg.fail(replies[0][0], "MAIL FROM", rset, pipelining)
    for rcpt, reply in zip(envelope.recipients, replies[1:1 + len(rcpts)]):
        dlg.result.rcpt_replies[rcpt] = reply[0]
    accepted = any(r.startswith("2") for r in dlg.result.rcpt_replies.values())
    if not accepted:  # every recipient refused (a pipelined DATA got 554 meanwhile)
        return dlg.fail(replies[1 + len(rcpts) - 1][0], "RCPT TO", rset, pipelining)
    if not replies[-1][0].startswith("3"):
        return dlg.fail(replies[-1][0], "DATA", rset, pipelining)
    quit_too = pipelining and options.postfix_habits
    dlg.result.data_reply = dlg.send_data(data, quit_too)
    if quit_too:
        if not dlg.result.data_reply.startswith("2"):
            dlg.result.failure, dlg.result.failed_command = dlg.result.data_reply, "end of DATA"
        return dlg.result
    if not dlg.result.data_reply.startswith("2"):
        return dlg.fail(dlg.result.data_reply, "end of DATA")
    return dlg.quit()


def _probe(dlg: _Dialogue, mail: str, rcpts: list[str], envelope: Envelope,
           pipelining: bool) -> SmtpClientResult:
    """An address probe: MAIL, RCPT, then RSET and QUIT; the RCPT replies are the answer."""
    commands = [mail, *rcpts, "RSET"]
    replies = dlg.send(commands) if pipelining else [dlg.send([c])[0] for c in commands]
    if not replies[0][0].startswith("2"):
        return dlg.fail(replies[0][0], "MAIL FROM")
    for rcpt, reply in zip(envelope.recipients, replies[1:1 + len(rcpts)]):
        dlg.result.rcpt_replies[rcpt] = reply[0]
    return dlg.quit()


def _one_by_one(dlg: _Dialogue, mail: str, rcpts: list[str]) -> list[list[str]]:
    """Without PIPELINING: wait for each reply; no RCPT after a refused MAIL, no DATA
    when every recipient was refused (RFC 5321 §3.3)."""
    replies = [dlg.send([mail])[0]]
    if not replies[0][0].startswith("2"):
        return replies
    replies.extend(dlg.send([r])[0] for r in rcpts)
    if any(r[0].startswith("2") for r in replies[1:]):
        replies.append(dlg.send(["DATA"])[0])
    return replies
