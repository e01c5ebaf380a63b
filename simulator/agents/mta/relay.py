"""Models Postfix smtp(8): deliver to the next hop's MX hosts over SMTP port 25.

The MX walk follows RFC 5321 §5.1 (see net/dns.py): each MX host in order, each of its
addresses; a connection failure or a 4xx greeting moves on to the next (smtp_connect.c);
the first server that answers the transaction decides each recipient: 2xx sent, 4xx
deferred, 5xx bounced, with the server's words quoted as Postfix quotes them.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ...model.message import Envelope
from ...model.status import DeliveryResult
from ...model.trace import Hop
from ...protocol.smtp_client import NO_STARTTLS, ClientOptions, SmtpClientResult
from ..session import Caller, smtp_session
from .delivery_log import Stamps, status_line
from .queue import QueueFile, QueueRecipient
from .resolve import Route

if TYPE_CHECKING:
    from ...net.dns import MXResult
    from .mta import Mta


class SmtpClient:
    __slots__ = ("mta",)

    def __init__(self, mta: "Mta") -> None:
        self.mta = mta

    def deliver(self, qf: QueueFile, route: Route, rcpts: list[QueueRecipient],
                stamps: Stamps) -> Generator[Any, Any, list[DeliveryResult]]:
        world = self.mta.host.world
        mx = yield from self._lookup(qf, route.nexthop)
        if mx.status != "ok":
            status = "deferred" if mx.temporary else "bounced"
            dsn = mx.dsn or "4.4.3"
            return self._results(qf, rcpts, status, dsn, mx.detail, "none", stamps)
        last_reason = "no MX host could be reached"
        for mxhost in mx.hosts:
            for ip in mxhost.addresses:
                label = f"{mxhost.hostname}[{ip}]"
                conn = world.connect(self.mta.host, ip, 25,
                                     self.mta.cf.seconds("smtp_connect_timeout"))
                if conn.failure is not None:
                    yield from world.wait_failed(self.mta.host, "smtp", qf.msg, qf.qid, conn)
                    last_reason = f"connect to {label}:25: {conn.failure}"
                    self._hop_failed(qf, mxhost.hostname, last_reason)
                    continue
                result = yield from self._transfer(qf, rcpts, conn, stamps)
                if result.failure is not None and result.failed_command == "initial greeting" \
                        and result.failure.startswith("4"):
                    last_reason = f"host {label} refused to talk to me: {result.failure}"
                    continue
                if result.failure == NO_STARTTLS:  # smtp_tls_security_level = encrypt
                    last_reason = f"TLS is required, but was not offered by host {label}"
                    continue
                # smtp(8) reports each recipient as soon as the end-of-data reply is in,
                # before its QUIT (smtp_proto.c)
                when = result.data_done if result.data_done is not None else world.engine.now
                return self._verdicts(qf, rcpts, result, label, stamps, when)
        return self._results(qf, rcpts, "deferred", "4.4.1", last_reason, "none", stamps)

    def _lookup(self, qf: QueueFile, nexthop: str) -> Generator[Any, Any, "MXResult"]:
        world = self.mta.host.world
        if nexthop.startswith("["):  # [host]: no MX lookup (transport(5))
            mx = world.dns.resolve_host(nexthop.strip("[]"))
        else:
            mx = world.dns.resolve_mx(nexthop, world.engine.rng, self.mta.my_names())
        yield world.engine.env.timeout(world.dns_rtt * len(mx.queries))
        for answer in mx.queries:
            world.trace.add(Hop(world.engine.now, qf.msg, qf.qid, self.mta.host.name, "smtp",
                                "dns", "resolver", "DNS", 53, f"dns_{answer.qtype.lower()}",
                                answer.rcode, f"{answer.qname} {answer.qtype}? {answer.summary()}",
                                None, (("qname", answer.qname.rstrip(".")), ("qtype", answer.qtype),
                                       ("answer", answer.summary()))))
        return mx

    def _transfer(self, qf: QueueFile, rcpts: list[QueueRecipient], conn: Any,
                  stamps: Stamps) -> Generator[Any, Any, SmtpClientResult]:
        stamps.conn_done = self.mta.host.world.engine.now + conn.rtt * 2
        envelope = Envelope(qf.sender, tuple(r.address for r in rcpts))
        # smtp_tls_security_level (smtp(8)): may uses STARTTLS when offered, encrypt
        # insists on it; empty or none (the default before Postfix 3.11) never tries
        level = self.mta.cf["smtp_tls_security_level"].strip()
        starttls = {"may": "may", "encrypt": "require"}.get(level, "never")
        options = ClientOptions(ehlo_name=self.mta.cf["smtp_helo_name"],
                                starttls=starttls)  # type: ignore[arg-type]
        caller = Caller(self.mta.host, "smtp", qf.msg, qf.qid, "relay")
        return (yield from smtp_session(caller, conn, envelope, qf.content, options))

    def _verdicts(self, qf: QueueFile, rcpts: list[QueueRecipient], result: SmtpClientResult,
                  label: str, stamps: Stamps, when: float) -> list[DeliveryResult]:
        out = []
        for rcpt in rcpts:
            reply = result.rcpt_replies.get(rcpt.address)
            command = "RCPT TO"
            if reply is None or reply.startswith("2"):
                reply, command = _session_reply(result)
            if reply.startswith("2"):
                out.append(self._one(qf, rcpt, "sent", _dsn(reply, "2.0.0"), reply,
                                     f"{label}:25", stamps, when))
                continue
            status = "deferred" if reply.startswith("4") else "bounced"
            why = f"host {label} said: {reply} (in reply to {command} command)"
            verdict = self._one(qf, rcpt, status, _dsn(reply, reply[0] + ".0.0"), why,
                                f"{label}:25", stamps, when)
            out.append(replace(verdict, remote_mta=label.split("[")[0], diagnostic=reply))
        return out

    def _results(self, qf: QueueFile, rcpts: list[QueueRecipient], status: str, dsn: str,
                 reason: str, relay: str, stamps: Stamps) -> list[DeliveryResult]:
        return [self._one(qf, r, status, dsn, reason, relay, stamps) for r in rcpts]

    def _one(self, qf: QueueFile, rcpt: QueueRecipient, status: str, dsn: str, reason: str,
             relay: str, stamps: Stamps, when: float | None = None) -> DeliveryResult:
        host = self.mta.host
        t = host.world.engine.now if when is None else when
        line = status_line(qf.qid, rcpt.address, rcpt.orig, relay, stamps, t, dsn, status,
                           reason)
        host.log("postfix/smtp", line, t=t)
        return DeliveryResult(rcpt.address, status, dsn, reason, relay)  # type: ignore[arg-type]

    def _hop_failed(self, qf: QueueFile, target: str, reason: str) -> None:
        world = self.mta.host.world
        world.trace.add(Hop(world.engine.now, qf.msg, qf.qid, self.mta.host.name, "smtp",
                            target, "smtpd", "SMTP", 25, "connect_failed", None, reason, None,
                            (("server", target), ("reason", reason))))


def _session_reply(result: SmtpClientResult) -> tuple[str, str]:
    """The reply that decided the whole transaction and the command it answered."""
    if result.failure is not None:
        return result.failure, result.failed_command or "DATA"
    return result.data_reply or "250 2.0.0 Ok", "end of DATA"


def _dsn(reply: str, default: str) -> str:
    """The enhanced status code of a reply (RFC 3463), if the server sent one."""
    parts = reply.split(" ", 2)
    if len(parts) > 1 and parts[1].count(".") == 2 and parts[1][0] in "245":
        return parts[1]
    return default
