"""Models a mail client (MUA, e.g. Thunderbird): compose, submit to the MSA, fetch by POP3.

Composing sets what a real client sets (From, To, Cc, Subject, Date, Message-ID,
User-Agent, MIME headers; Bcc goes only into the envelope, RFC 5322 §3.6.3). Submission
is SMTP as the account says: port 587 with STARTTLS (RFC 6409, RFC 3207), 465 with
implicit TLS (RFC 8314) or plain 25, then AUTH PLAIN or LOGIN (RFC 4954) when a user
name is set; a client set to STARTTLS stops when the server does not offer it, one with
a password when the server offers no AUTH. Fetching is POP3 (RFC 1939):
downloaded messages are appended to the client's local Inbox (an mbox file, as
Thunderbird keeps it).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from ..model.message import Envelope
from ..model.trace import Fetch, Hop, Outcome
from ..protocol.pop3 import OK_LOGGED_IN, Pop3Policy, run_pop3_session
from ..protocol.smtp_client import ClientOptions, SmtpClientResult
from .compose import compose
from .session import Caller, smtp_session

if TYPE_CHECKING:
    from ..host import Host
    from ..scenario import AccountSpec, FetchSpec, MessageSpec

# SIMPLIFICATION: a client gives up on a connection after 60 s, as Thunderbird does.
CLIENT_CONNECT_TIMEOUT = 60.0


class Mua:
    __slots__ = ("host", "login", "account")

    def __init__(self, host: "Host", login: str, account: "AccountSpec") -> None:
        self.host, self.login, self.account = host, login, account

    # --- compose -------------------------------------------------------------------------
    def compose(self, spec: "MessageSpec") -> bytes:
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
    def submit(self, key: str, spec: "MessageSpec") -> Generator[Any, Any, None]:
        world = self.host.world
        smtp = self.account.smtp
        rcpts = tuple([*spec.to, *spec.cc, *spec.bcc])
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
        result = yield from smtp_session(caller, conn, Envelope(self.account.address, rcpts),
                                         content, options)
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

    # --- fetch ---------------------------------------------------------------------------
    def fetch(self, spec: "FetchSpec") -> Generator[Any, Any, None]:
        world, incoming = self.host.world, self.account.incoming
        assert incoming is not None
        ip = yield from world.lookup_a(self.host, "MUA", None, incoming.server)
        conn = world.connect(self.host, ip, incoming.port, CLIENT_CONNECT_TIMEOUT) if ip else None
        saved = f"{self._home()}/Mail/Inbox"
        if conn is None or conn.failure is not None:
            if conn is not None:
                yield from world.wait_failed(self.host, "MUA", None, None, conn)
            world.trace.fetches.append(Fetch(world.engine.now, self.host.name, self.login,
                                             incoming.server, "POP3", 0, saved, False,
                                             conn.failure if conn else "host not found"))
            return
        pop3d = conn.server.pop3d
        server = pop3d.open()
        start = world.engine.now
        result = run_pop3_session(server, incoming.user, incoming.password,
                                  Pop3Policy(keep_on_server=incoming.keep_on_server),
                                  self._seen_uids())
        lines = _timed(result.transcript, start + conn.rtt, conn.rtt)
        login = next((t for t, side, line in lines if side == "S" and line == OK_LOGGED_IN), None)
        if login is not None and self.host.ip is not None:
            pop3d.logged_in(self.host.ip, login)
        session = world.trace.open_session("POP3", incoming.port, self.host.name,
                                           conn.server.name, start)
        session.lines = lines
        end = start + conn.rtt + result.round_trips * conn.rtt
        yield world.engine.env.timeout(end - start)
        removed = pop3d.expunge(incoming.user, server.deleted_uids)
        self._save(result.retrieved, saved)
        self._record(spec, conn, session.sid, result, removed, saved)

    def _record(self, spec: "FetchSpec", conn: Any, sid: int, result: Any, removed: int,
                saved: str) -> None:
        world = self.host.world
        n = len(result.retrieved)
        detail = (f"{n} message(s) downloaded to {saved}; {removed} deleted on the server"
                  if result.ok else f"failed: {result.error}")
        args = (("user", self.login), ("count", str(n)), ("deleted", str(removed)))
        # one hop per message fetched, so that each message's path ends in the reader's client
        keys = [self._key_of(m.data) for m in result.retrieved] or [None]
        for key in keys:
            world.trace.add(Hop(world.engine.now, key, None, self.host.name, "MUA",
                                conn.server.name, "pop3d", "POP3", conn.service_port,
                                "pop3_fetch", "+OK" if result.ok else result.error, detail, sid,
                                args))
        world.trace.fetches.append(Fetch(world.engine.now, self.host.name, self.login,
                                         conn.server.name, "POP3", n, saved, result.ok,
                                         result.error))

    def _key_of(self, data: bytes) -> str | None:
        from email.parser import BytesHeaderParser

        headers = BytesHeaderParser().parsebytes(data)
        return self.host.world.msg_keys.get(str(headers.get("Message-ID", "")).strip())

    def _seen_uids(self) -> frozenset[str]:
        from .mra.pop3d import uidl

        data = self.host.fs.read(f"{self._home()}/Mail/Inbox") or b""
        from .mda.mailbox import split_mbox

        return frozenset(uidl(m) for m in split_mbox(data))

    def _save(self, messages: list[Any], path: str) -> None:
        """Append to the local Inbox mbox with Thunderbird's ``From - date`` separator."""
        world = self.host.world
        stamp = world.engine.clock.asctime(world.engine.now)
        for message in messages:
            data = message.data.replace(b"\r\n", b"\n")  # the wire's CRLF becomes LF on disk
            data = data if data.endswith(b"\n") else data + b"\n"
            self.host.fs.append(path, f"From - {stamp}\n".encode() + data + b"\n",
                                owner=self.login, mode=0o600, mtime=world.engine.now)

    def _home(self) -> str:
        user = self.host.find_user(self.login)
        return user.home if user else f"/home/{self.login}"


def _timed(transcript: list[tuple[str, str]], t0: float, rtt: float) -> list[tuple[float, str, str]]:
    """Times for a computed POP3 dialogue: the greeting, then one RTT per command."""
    out: list[tuple[float, str, str]] = []
    t = t0
    for i, (side, line) in enumerate(transcript):
        if side == "C":
            t += rtt if i else 0.0
            out.append((t, side, line))
        else:
            out.append((t + rtt / 2, side, line))
    return out


def _uuid(rng: Any) -> str:
    """A random-looking UUID from the run's seeded RNG (Thunderbird's Message-ID form)."""
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{h[16:20]}-{h[20:]}"


def _dsn_of(reply: str) -> str | None:
    parts = reply.split(" ")
    return parts[1] if len(parts) > 1 and parts[1].count(".") == 2 else None
