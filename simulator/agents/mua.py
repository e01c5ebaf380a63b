"""Models a mail client (MUA, e.g. Thunderbird): compose, submit to the MSA, fetch mail.

Composing sets what a real client sets (From, To, Cc, Subject, Date, Message-ID,
User-Agent, MIME headers; Bcc goes only into the envelope, RFC 5322 §3.6.3). Submission
is SMTP as the account says: port 587 with STARTTLS (RFC 6409, RFC 3207), 465 with
implicit TLS (RFC 8314) or plain 25, then AUTH PLAIN or LOGIN (RFC 4954) when a user
name is set; a client set to STARTTLS stops when the server does not offer it, one with
a password when the server offers no AUTH. Fetching (mua_fetch.py) is POP3 (RFC 1939),
into the client's local Inbox (an mbox file, as Thunderbird keeps it), or IMAP (RFC 3501),
which keeps the mail on the server and an offline copy here.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..model.message import Envelope
from ..model.trace import Outcome
from ..protocol.smtp_client import ClientOptions, SmtpClientResult
from .compose import compose
from .mua_fetch import CLIENT_CONNECT_TIMEOUT
from .session import Caller, smtp_session

if TYPE_CHECKING:
    from ..host import Host
    from ..scenario import AccountSpec, FetchSpec, MessageSpec


class Mua:
    __slots__ = ("account", "host", "imap_cache", "login")

    def __init__(self, host: Host, login: str, account: AccountSpec) -> None:
        self.host, self.login, self.account = host, login, account
        self.imap_cache = ImapCache()

    # --- compose -------------------------------------------------------------------------
    def compose(self, spec: MessageSpec) -> bytes:
        world, acct = self.host.world, self.account
        domain = acct.address.partition("@")[2]
        headers = [("To", ", ".join(spec.to))]
        if spec.cc:
            headers.append(("Cc", ", ".join(spec.cc)))
        headers.append(("Subject", spec.subject))
        if acct.sets_date:
            # an MUA writes the date without Postfix's "(JST)" comment
            headers.append(("Date", world.engine.clock.at(world.engine.now).strftime(
                "%a, %d %b %Y %H:%M:%S %z")))
        if acct.sets_message_id:
            headers.append(("Message-ID", f"<{_uuid(world.engine.rng)}@{domain}>"))
        if acct.user_agent:
            headers.append(("User-Agent", acct.user_agent))
        headers.extend(spec.headers.items())
        return compose(acct.name or "", acct.address, headers, spec.body)

    # --- submit --------------------------------------------------------------------------
    def submit(self, key: str, spec: MessageSpec) -> Generator[Any, Any, None]:
        world = self.host.world
        smtp = self.account.smtp
        rcpts = (*spec.to, *spec.cc, *spec.bcc)
        ip = yield from world.lookup_a(self.host, "MUA", key, smtp.server)
        conn = world.connect(self.host, ip, smtp.port, CLIENT_CONNECT_TIMEOUT) if ip else None
        if conn is None or conn.failure is not None:
            reason = (f"cannot connect to {smtp.server}:{smtp.port}: "
                      f"{conn.failure if conn else 'host not found'}")
            if conn is not None:
                yield from world.wait_failed(self.host, "MUA", key, None, conn)
            self._refused(key, rcpts, reason, smtp.server)
            return
        content = self.compose(spec)
        auth = (smtp.user, smtp.password) if smtp.user and smtp.password is not None else None
        security = smtp.effective_security()
        options = ClientOptions(ehlo_name=f"[{self.host.ip}]", auth=auth,
                                auth_mechanism="LOGIN" if smtp.auth == "login" else "PLAIN",
                                starttls="require" if security == "starttls" else "never",
                                implicit_tls=security == "tls", pipelining=False,
                                postfix_habits=False)
        caller = Caller(self.host, "MUA", key, None, "submit")
        dsn = spec.dsn
        envelope = Envelope(self.account.address, rcpts) if dsn is None else Envelope(
            self.account.address, rcpts, dsn.ret, dsn.envid, ((dsn.mask(), ""),) * len(rcpts))
        result = yield from smtp_session(caller, conn, envelope, content, options)
        self._judge(key, rcpts, result, smtp.server)

    def _judge(self, key: str, rcpts: tuple[str, ...], result: SmtpClientResult,
               server: str) -> None:
        """Recipients the MSA refused end here: the client shows the error to its user."""
        if result.failure is not None and result.failed_command != "RCPT TO":
            self._refused(key, rcpts, result.failure, server)
            return
        refused = [r for r in rcpts if not result.rcpt_replies.get(r, "").startswith("2")]
        for rcpt in refused:
            self._refused(key, (rcpt,), result.rcpt_replies.get(rcpt, "not sent"), server)

    def _refused(self, key: str, rcpts: tuple[str, ...], reason: str, server: str) -> None:
        world = self.host.world
        for rcpt in rcpts:
            world.trace.set_outcome(Outcome(key, rcpt, "rejected", world.engine.now, server,
                                            reason, _dsn_of(reason), world.trace.hop_count(key)))
        world.trace.settle(key)  # the session is over: done, unless a queue file carries it

    # --- fetch ---------------------------------------------------------------------------
    def fetch(self, spec: FetchSpec) -> Generator[Any, Any, None]:
        from .mua_fetch import fetch_imap, fetch_pop3

        incoming = self.account.incoming
        assert incoming is not None
        if incoming.protocol == "imap":
            yield from fetch_imap(self, spec)
        else:
            yield from fetch_pop3(self, spec)

    def saved_path(self, proto: str) -> str:
        """Where the client keeps mail: its local Inbox (POP3) or its offline copy of the
        server's INBOX (IMAP; Thunderbird's ImapMail/<server>/INBOX)."""
        incoming = self.account.incoming
        if proto == "IMAP" and incoming is not None:
            return f"{self._home()}/ImapMail/{incoming.server}/INBOX"
        return f"{self._home()}/Mail/Inbox"

    def seen_uids(self) -> frozenset[str]:
        """UIDL values of the messages already in the local Inbox ("leave on server")."""
        from .mda.mailbox import split_mbox
        from .mra.pop3d import uidl

        data = self.host.fs.read(self.saved_path("POP3")) or b""
        return frozenset(uidl(m) for m in split_mbox(data))

    def save(self, messages: list[Any], path: str) -> None:
        """Append to the local Inbox mbox with Thunderbird's ``From - date`` separator."""
        world = self.host.world
        stamp = world.engine.clock.asctime(world.engine.now)
        for message in messages:
            self.host.fs.append(path, _mbox_entry(message.data, stamp), owner=self.login,
                                mode=0o600, mtime=world.engine.now)

    def write_imap_cache(self, path: str) -> None:
        """The offline copy of INBOX: every cached message, in UID order."""
        world = self.host.world
        stamp = world.engine.clock.asctime(world.engine.now)
        data = b"".join(_mbox_entry(self.imap_cache.messages[uid], stamp)
                        for uid in sorted(self.imap_cache.messages))
        self.host.fs.write(path, data, self.login, 0o600, world.engine.now)

    def _home(self) -> str:
        user = self.host.find_user(self.login)
        return user.home if user else f"/home/{self.login}"


@dataclass(slots=True)
class ImapCache:
    """What an IMAP client remembers between sessions: UIDVALIDITY and the bodies it has."""

    uidvalidity: int | None = None
    messages: dict[int, bytes] = field(default_factory=dict)

    def update(self, result: Any) -> None:
        if result.uidvalidity is not None and result.uidvalidity != self.uidvalidity:
            self.uidvalidity, self.messages = result.uidvalidity, {}
        self.messages.update(result.downloaded)
        for uid in list(self.messages):  # gone on the server: gone here too
            if uid not in result.flags and result.ok:
                del self.messages[uid]


def _mbox_entry(data: bytes, stamp: str) -> bytes:
    data = data.replace(b"\r\n", b"\n")  # the wire's CRLF becomes LF on disk
    data = data if data.endswith(b"\n") else data + b"\n"
    return f"From - {stamp}\n".encode() + data + b"\n"


def _uuid(rng: Any) -> str:
    """A random-looking UUID from the run's seeded RNG (Thunderbird's Message-ID form)."""
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{h[16:20]}-{h[20:]}"


def _dsn_of(reply: str) -> str | None:
    parts = reply.split(" ")
    return parts[1] if len(parts) > 1 and parts[1].count(".") == 2 else None
