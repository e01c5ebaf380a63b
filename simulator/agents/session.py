"""Playing one SMTP connection in simulated time (used by the MUA and by smtp(8)).

The dialogue is computed at once against the server's state machine; the process then
waits one timeout up to the moment the server sends its end-of-data reply, lets the
server's cleanup take the message at that moment, and waits out the QUIT exchange.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..model.message import Envelope
from ..model.trace import Hop, HopText
from ..protocol.smtp import SmtpServer, SmtpSession
from ..protocol.smtp_client import ClientOptions, SmtpClientResult, run_smtp_client
from .mta.smtpd import Smtpd

if TYPE_CHECKING:
    from ..host import Host
    from ..protocol.tls import TlsSession
    from ..world import Connected


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is sending, for the trace: host, actor name, message key, queue ID."""

    host: Host
    actor: str
    msg: str
    qid: str | None
    action: str


def smtp_session(caller: Caller, conn: Connected, envelope: Envelope, data: bytes,
                 options: ClientOptions) -> Generator[Any, Any, SmtpClientResult]:
    world = caller.host.world
    env, now = world.engine.env, world.engine.now
    server_host = conn.server
    smtpd = Smtpd(server_host.mta, conn.service, caller.msg)
    assert caller.host.ip is not None
    session = SmtpSession(caller.host.ip, world.dns.verified_client_name(caller.host.ip),
                          conn.service.port, now=now + conn.rtt)
    smtpd.log_connect(session)
    result = run_smtp_client(SmtpServer(smtpd, session, smtpd.tls(), smtpd.features()), now, conn.rtt, envelope,
                             data, options)
    if result.tls_done is not None:
        session.now = result.tls_done
        smtpd.log_tls(session)
    session.now = result.end
    smtpd.log_disconnect(session)
    record = world.trace.open_session("SMTP", conn.service.port, caller.host.name,
                                      server_host.name, now)
    if record.kept:  # the facts of the dialogue; its lines are rendered when a view asks
        record.dialogue, record.encrypted_from = result.dialogue, result.encrypted_from
    commit_at = result.commit_at if result.commit_at is not None else result.end
    boots = (caller.host.boot, server_host.boot)
    yield env.timeout(commit_at - now)
    if boots != (caller.host.boot, server_host.boot):
        _lost(result, smtpd, conn, caller.host.name if boots[0] != caller.host.boot else None)
    if result.tls is not None and result.tls_done is not None:
        _tls_hop(caller, conn, result, record.sid)
    reply = result.data_reply if result.failure is None else result.failure
    detail = _detail(result, envelope)
    # a refused transaction has its own explanation (nobody took the message)
    action = caller.action if smtpd.accepted_qids else (
        "submit_refused" if caller.action == "submit" else "relay_refused")
    if action == "submit" and session.sasl_user is None:
        action = "submit_noauth"  # port 25 from a client: its address decided (relay rules)
    world.trace.add(Hop(env.now, caller.msg, caller.qid, caller.host.name, caller.actor,
                        server_host.name, "smtpd", session.received_protocol,
                        conn.service.port, action, reply, _HANDED, record.sid,
                        (detail, smtpd.accepted_qids[0] if smtpd.accepted_qids else "-")))
    for commit in smtpd.pending:
        commit()
    yield env.timeout(result.end - commit_at)
    return result


def _tls_hop(caller: Caller, conn: Connected, result: SmtpClientResult, sid: int) -> None:
    """The handshake as its own hop, at the moment it completed (added after the fact:
    the trace views order hops by time)."""
    tls = result.tls
    assert tls is not None and result.tls_done is not None
    caller.host.world.trace.add(Hop(
        result.tls_done, caller.msg, caller.qid, caller.host.name, caller.actor,
        conn.server.name, "smtpd", "TLS", conn.service.port, "tls_handshake", tls.protocol,
        _HANDSHAKE, sid, tls))


# --- the frequent hops, written from their facts when a view asks (model/hop.py) ----------
def _how(hop: Hop) -> str:
    return "implicit TLS" if hop.port == 465 else "STARTTLS"


def _handshake_detail(hop: Hop, tls: TlsSession) -> str:
    return f"{_how(hop)}: {tls.summary()} ({tls.rtts} round trip{'s' if tls.rtts > 1 else ''})"


def _handshake_args(hop: Hop, tls: TlsSession) -> tuple[tuple[str, str], ...]:
    return (("version", tls.protocol), ("cipher", tls.cipher), ("how", _how(hop)),
            ("rtts", str(tls.rtts)), ("port", str(hop.port)))


# tls_handshake: the TlsSession (one of a few shared ones, protocol/tls.py)
_HANDSHAKE = HopText(_handshake_detail, _handshake_args)
# submit / relay and their refusals: (the MAIL/RCPT summary, the queue ID the server gave)
_HANDED = HopText(lambda hop, f: f[0], lambda hop, f: (
    ("server", hop.dst_host), ("port", str(hop.port)), ("qid", f[1])))


def _lost(result: SmtpClientResult, smtpd: Smtpd, conn: Connected,
          dead_client: str | None) -> None:
    """A crash cut the connection before the server's end-of-data reply: nothing is queued
    there. A client that is still alive sees the connection drop (smtp_trouble.c); a dead
    one sees nothing, and its queue file stays where it was.

    SIMPLIFICATION: the server's log was written when the dialogue was computed, so it
    reads as if the session had ended normally.
    """
    smtpd.pending.clear()
    smtpd.accepted_qids.clear()
    name = conn.server.name
    if dead_client is None:
        result.failure = (f"lost connection with {name}[{conn.server.ip}] while sending end of "
                          f"data -- message may be sent more than once")
    else:
        result.failure = f"connection lost: {dead_client} went down during the session"
    result.failed_command = "lost connection"
    result.data_reply = None


def _detail(result: SmtpClientResult, envelope: Envelope) -> str:
    parts = [f"MAIL FROM:<{envelope.sender}>"]
    parts += [f"RCPT TO:<{r}> {result.rcpt_replies.get(r, '-')}" for r in envelope.recipients]
    if result.failure is not None:
        parts.append(f"stopped at {result.failed_command}: {result.failure}")
    return "; ".join(parts)
