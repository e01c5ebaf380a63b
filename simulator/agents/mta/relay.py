"""Models Postfix smtp(8): deliver to the next hop's MX hosts over SMTP port 25.

The MX walk follows RFC 5321 §5.1 (see net/dns.py): each MX host in preference order, each
of its addresses, at most smtp_mx_address_limit addresses and smtp_mx_session_limit
sessions (smtp_connect.c). Every failed connection is logged (``connect to
mx1.example.org[192.0.2.25]:25: Connection refused``) and the next address is tried. A
server that is not the last one to try and answers with a temporary (4xx) error keeps the
affected recipients for the next server, logged as ``QID: host ... said: ...``
(smtp_trouble.c smtp_bulk_fail(), smtp_rcpt_fail()); the last server's 4xx defers them,
any server's 5xx bounces them at once, 2xx after the end of data means sent. Whatever is
left when no server could be reached is deferred with the last connection error.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from ...model.message import Envelope
from ...model.status import DeliveryResult
from ...model.trace import Hop
from ...net.dns import ANSWER_TEXT
from ...protocol.smtp_client import NO_STARTTLS, ClientOptions, SmtpClientResult
from ...protocol.smtp_dsn import NOTIFY_SUCCESS, wants
from ..session import Caller, smtp_session
from .delivery_log import Stamps, status_line
from .queue import QueueFile, QueueRecipient
from .resolve import Route

if TYPE_CHECKING:
    from ...net.dns import MXResult
    from .mta import Mta

LOST = "lost connection"  # SmtpClientResult.failed_command when the server went away


class SmtpClient:
    __slots__ = ("mta",)

    def __init__(self, mta: Mta) -> None:
        self.mta = mta

    def deliver(self, qf: QueueFile, route: Route, rcpts: list[QueueRecipient],
                stamps: Stamps) -> Generator[Any, Any, list[DeliveryResult]]:
        mx = yield from self._lookup(qf, route.nexthop)
        if mx.status != "ok":
            status = "deferred" if mx.temporary else "bounced"
            return self._results(qf, rcpts, status, mx.dsn or "4.4.3", mx.detail, "none", stamps)
        cf, boot = self.mta.cf, self.mta.host.boot
        servers = [(h.hostname, ip) for h in mx.hosts for ip in h.addresses]
        servers = servers[:max(1, cf.integer("smtp_mx_address_limit"))]
        session_limit = cf.integer("smtp_mx_session_limit")
        left, out = list(rcpts), list[DeliveryResult]()
        last_reason, sessions = "no MX host could be reached", 0
        for i, (name, ip) in enumerate(servers):
            label = f"{name}[{ip}]"
            conn = self.mta.host.world.connect(self.mta.host, ip, 25,
                                               cf.seconds("smtp_connect_timeout"))
            if conn.failure is not None:
                yield from self.mta.host.world.wait_failed(self.mta.host, "smtp", qf.msg,
                                                           qf.qid, conn)
                if self.mta.host.boot != boot:
                    return out  # this host went down while waiting: nothing more happens
                last_reason = f"connect to {label}:25: {conn.failure}"
                self._connect_failed(qf, name, last_reason)
                continue
            sessions += 1
            final = i == len(servers) - 1 or sessions == session_limit
            result = yield from self._transfer(qf, left, conn, stamps)
            if self.mta.host.boot != boot:
                return out
            done, left = self._verdicts(qf, left, result, label, stamps, final)
            out += done
            if not left or final:
                break
        if left:
            out += self._results(qf, left, "deferred", "4.4.1", last_reason, "none", stamps)
        return out

    def _lookup(self, qf: QueueFile, nexthop: str) -> Generator[Any, Any, MXResult]:
        world = self.mta.host.world
        if nexthop.startswith("["):  # [host]: no MX lookup (transport(5))
            mx = world.dns.resolve_host(nexthop.strip("[]"))
        else:
            mx = world.dns.resolve_mx(nexthop, world.engine.rng, self.mta.my_names())
        yield world.engine.env.timeout(world.dns_rtt * len(mx.queries))
        for answer in mx.queries:
            world.trace.add(Hop(world.engine.now, qf.msg, qf.qid, self.mta.host.name, "smtp",
                                "dns", "resolver", "DNS", 53, f"dns_{answer.qtype.lower()}",
                                answer.rcode, ANSWER_TEXT, None, answer))
        return mx

    def _transfer(self, qf: QueueFile, rcpts: list[QueueRecipient], conn: Any,
                  stamps: Stamps) -> Generator[Any, Any, SmtpClientResult]:
        stamps.conn_done = self.mta.host.world.engine.now + conn.rtt * 2
        # smtp_proto.c: to a server that announces DSN, ENVID/RET go on, and each RCPT TO
        # gets ORCPT (the recorded one, else "rfc822;" and the original address) and NOTIFY
        envelope = Envelope(qf.sender, tuple(r.address for r in rcpts), qf.dsn_ret,
                            qf.dsn_envid, tuple((r.dsn_notify, r.dsn_orcpt or (
                                f"rfc822;{r.orig}" if r.orig else "")) for r in rcpts))
        # smtp_tls_security_level (smtp(8)): may uses STARTTLS when offered, encrypt
        # insists on it; empty or none (the default before Postfix 3.11) never tries
        level = self.mta.cf["smtp_tls_security_level"].strip()
        starttls = {"may": "may", "encrypt": "require"}.get(level, "never")
        options = ClientOptions(ehlo_name=self.mta.cf["smtp_helo_name"], probe=qf.trace_only,
                                starttls=starttls)  # type: ignore[arg-type]
        caller = Caller(self.mta.host, "smtp", qf.msg, qf.qid, "relay")
        return (yield from smtp_session(caller, conn, envelope, qf.content, options))

    def _verdicts(self, qf: QueueFile, rcpts: list[QueueRecipient], result: SmtpClientResult,
                  label: str, stamps: Stamps, final: bool
                  ) -> tuple[list[DeliveryResult], list[QueueRecipient]]:
        """Each recipient's fate at this server: results, and those kept for the next one."""
        # smtp(8) reports each recipient as soon as its reply is in (smtp_proto.c)
        when = result.data_done if result.data_done is not None else self._now()
        out: list[DeliveryResult] = []
        kept: list[QueueRecipient] = []
        for rcpt in rcpts:
            reply, why = _verdict(result, rcpt.address, label)
            soft = reply.startswith("4") or result.failed_command == LOST
            if reply.startswith("2"):
                out.append(self._one(qf, rcpt, "sent", _dsn(reply, "2.0.0"), reply,
                                     f"{label}:25", stamps, when, label.split("[")[0], reply))
                self._relayed(qf, rcpt, "DSN" in result.keywords, label, reply)
            elif soft and not final:
                self.mta.host.log("postfix/smtp", f"{qf.qid}: {why}", t=when)
                kept.append(rcpt)
            else:
                status = "deferred" if soft else "bounced"
                dsn = "4.4.2" if result.failed_command == LOST else _dsn(reply, reply[0] + ".0.0")
                local = result.failed_command == LOST or result.failure == NO_STARTTLS
                remote = None if local else label.split("[")[0]
                res = self._one(qf, rcpt, status, dsn, why, f"{label}:25", stamps, when,
                                remote, reply if remote else None)
                out.append(DeliveryResult(res.recipient, res.status, res.dsn, res.reason,
                                          res.relay, remote, reply if remote else None, res.at))
        return out, kept

    def _relayed(self, qf: QueueFile, rcpt: QueueRecipient, dsn_server: bool, label: str,
                 reply: str) -> None:
        """smtp_rcpt.c smtp_rcpt_done(): a server that announced DSN takes the NOTIFY=SUCCESS
        duty over (the request went on with RCPT TO); otherwise the success is reported
        here as "relayed", with the server's reply."""
        if qf.trace_only or dsn_server or not wants(rcpt.dsn_notify, NOTIFY_SUCCESS):
            return
        qf.trace_log.append(QueueRecipient(
            rcpt.address, rcpt.orig, "relayed", _dsn(reply, "2.0.0"),
            f"delivery via {label}:25: {reply}", remote_mta=label.split("[")[0],
            diagnostic=reply, dsn_orcpt=rcpt.dsn_orcpt))

    def _results(self, qf: QueueFile, rcpts: list[QueueRecipient], status: str, dsn: str,
                 reason: str, relay: str, stamps: Stamps) -> list[DeliveryResult]:
        if stamps.conn_done is None:  # smtp_bulk_fail(): set-up ends with the failure
            stamps.conn_done = self._now()
        return [self._one(qf, r, status, dsn, reason, relay, stamps) for r in rcpts]

    def _one(self, qf: QueueFile, rcpt: QueueRecipient, status: str, dsn: str, reason: str,
             relay: str, stamps: Stamps, when: float | None = None, remote: str | None = None,
             reply: str | None = None) -> DeliveryResult:
        host = self.mta.host
        t = self._now() if when is None else when
        if qf.trace_only:  # sendmail -bv: a verdict for the report, nothing more
            status = "deliverable" if status == "sent" else "undeliverable"
            qf.trace_log.append(QueueRecipient(
                rcpt.address, rcpt.orig, status, dsn, f"delivery via {relay}: {reason}",
                remote_mta=remote, diagnostic=reply, dsn_orcpt=rcpt.dsn_orcpt))
        line = status_line(qf.qid, rcpt.address, rcpt.orig, relay, stamps, t, dsn, status,
                           reason)
        host.log("postfix/smtp", line, t=t)
        final = "sent" if qf.trace_only else status
        return DeliveryResult(rcpt.address, final, dsn, reason, relay,  # type: ignore[arg-type]
                              at=t)

    def _connect_failed(self, qf: QueueFile, target: str, reason: str) -> None:
        world = self.mta.host.world
        # smtp_connect.c: every failed connection is logged, without a queue ID
        self.mta.host.log("postfix/smtp", reason)
        world.trace.add(Hop(world.engine.now, qf.msg, qf.qid, self.mta.host.name, "smtp",
                            target, "smtpd", "SMTP", 25, "connect_failed", None, reason, None,
                            (("server", target), ("reason", reason))))

    def _now(self) -> float:
        return self.mta.host.world.engine.now


def _verdict(result: SmtpClientResult, rcpt: str, label: str) -> tuple[str, str]:
    """The reply that decides one recipient at this server, and Postfix's words for it."""
    if result.failed_command == LOST:
        assert result.failure is not None
        return result.failure, result.failure
    if result.failure == NO_STARTTLS:  # smtp_tls_security_level = encrypt (smtp_proto.c)
        text = f"TLS is required, but was not offered by host {label}"
        return f"454 4.7.4 {text}", text
    if result.failed_command == "initial greeting":
        assert result.failure is not None
        return result.failure, f"host {label} refused to talk to me: {result.failure}"
    rcpt_reply = result.rcpt_replies.get(rcpt)
    if result.failed_command == "MAIL FROM" or rcpt_reply is None:
        reply, command = result.failure or "451 4.3.0 no reply", result.failed_command or "MAIL FROM"
    elif not rcpt_reply.startswith("2"):
        reply, command = rcpt_reply, "RCPT TO"
    elif result.failure is not None:
        reply, command = result.failure, result.failed_command or "end of DATA"
    else:  # a sendmail -bv probe stops after RCPT TO: that reply is the answer
        return result.data_reply or rcpt_reply, ""
    return reply, f"host {label} said: {reply} (in reply to {command} command)"


def _dsn(reply: str, default: str) -> str:
    """The enhanced status code of a reply (RFC 3463), if the server sent one."""
    parts = reply.split(" ", 2)
    if len(parts) > 1 and parts[1].count(".") == 2 and parts[1][0] in "245":
        return parts[1]
    return default
