"""Models a person talking SMTP by hand with telnet(1) or nc(1): the classic exercise.

``talk_smtp(host, user, target, port, typed)`` is the library API (the ``telnet``/``nc``
commands and the future ``mailsim shell`` call it): it resolves ``target``, connects,
plays the typed lines against the server's smtpd (protocol/smtp_manual.py), and returns
what the terminal shows with the trace records it left. The dialogue is computed at once;
the server's log lines carry their own times, and each message the server accepted enters
its cleanup at the moment of the ``250 ... queued as`` reply (a scheduled process), so the
queue, qmgr and local(8) take it from there in simulated time.

telnet's own lines are netkit-telnet's (Debian's ``telnet``): ``Trying ADDR...``,
``Connected to NAME.``, ``Escape character is '^]'.``, ``Connection closed by foreign
host.``, ``telnet: Unable to connect to remote host: Connection refused``. OpenBSD nc
(Debian's ``netcat-openbsd``) prints nothing of its own without ``-v``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..model.trace import Hop
from ..protocol.smtp import SmtpServer, SmtpSession
from ..protocol.smtp_manual import ManualResult, Timing, Typed, run_manual
from .mta.smtpd import Smtpd

if TYPE_CHECKING:
    from ..host import Host

LOOPBACK_RTT = 0.0002
SYN_TIMEOUT = 127.0  # Linux tcp_syn_retries = 6: 1+2+4+8+16+32+64 s


@dataclass(frozen=True, slots=True)
class TypedSession:
    """What a hand-typed SMTP session left: the terminal text, its exit status, the
    transcript (``trace.sessions[sid]``) and when it ended."""

    text: str
    status: int
    start: float
    end: float
    sid: int | None = None


def _resolve(host: Host, target: str) -> tuple[str | None, float]:
    """The address telnet/nc tries, and the DNS time spent (/etc/hosts knows localhost)."""
    try:
        return str(ipaddress.IPv4Address(target)), 0.0
    except ValueError:
        pass
    if target == "localhost" or target in (host.name, host.short_name):
        return ("127.0.0.1" if target == "localhost" else host.ip), 0.0
    world = host.world
    answer = world.dns.query(target, "A")
    return (answer.rrset[0].data if answer.rrset else None), world.dns_rtt


def talk_smtp(host: Host, target: str, port: int, typed: list[Typed], program: str = "telnet",
              piped: bool = False, msg: str | None = None) -> TypedSession:
    """Run one hand-typed SMTP session from ``host`` to ``target:port``."""
    world = host.world
    now = world.engine.now
    ip, dns_time = _resolve(host, target)
    telnet = program == "telnet"
    if ip is None:
        text = (f"telnet: could not resolve {target}/{port}: Name or service not known\n"
                if telnet else f"nc: getaddrinfo for host \"{target}\" port {port}: "
                               "Name or service not known\n")
        return TypedSession(text, 1, now, now + dns_time)
    server, rtt, failure = _connect(host, ip, port)
    head = f"Trying {ip}...\n" if telnet else ""
    if failure is not None or server is None:
        text = head + (f"telnet: Unable to connect to remote host: {failure}\n" if telnet else "")
        return TypedSession(text, 1, now, now + dns_time + rtt)
    if server.mta is None or port not in server.mta.services:
        # SIMPLIFICATION: only SMTP dialogues are modelled for telnet/nc
        text = head + (f"Connected to {target}.\nEscape character is '^]'.\n" if telnet else "")
        return TypedSession(text + f"mailsim: only SMTP (ports 25, 587, 465) is modelled for "
                                   f"{program}; port {port} is not\n", 1, now, now)
    t0 = now + dns_time + rtt
    return _session(host, server, ip, port, typed, program, piped, msg, t0, rtt, target)


def _connect(host: Host, ip: str, port: int) -> tuple[Host | None, float, str | None]:
    """(server, rtt, failure): a connection to the host itself stays on the loopback."""
    from ..net.listen import accepts

    if ip.startswith("127.") or ip == host.ip:
        if not accepts(host, port, ip):
            return host, LOOPBACK_RTT, "Connection refused"
        return host, LOOPBACK_RTT, None
    conn = host.world.connect(host, ip, port, SYN_TIMEOUT)
    return conn.server, (conn.elapsed if conn.failure else conn.rtt), conn.failure


def _session(host: Host, server: Host, ip: str, port: int, typed: list[Typed], program: str,
             piped: bool, msg: str | None, t0: float, rtt: float, target: str) -> TypedSession:
    world = host.world
    smtpd = Smtpd(server.mta, server.mta.services[port], msg)
    client_ip = "127.0.0.1" if server is host and ip.startswith("127.") else (host.ip or ip)
    name = "localhost" if client_ip.startswith("127.") else world.dns.verified_client_name(
        client_ip)
    session = SmtpSession(client_ip, name, port, now=t0)
    smtpd.log_connect(session)
    timing = Timing(t0, rtt, smtpd.cf.seconds("smtpd_timeout"),
                    "\r\n" if program == "telnet" else "\n",
                    smtpd.cf.flag("smtpd_forbid_unauth_pipelining"))
    result = run_manual(SmtpServer(smtpd, session, smtpd.tls(), smtpd.features()), typed,
                        timing, piped)
    _server_log(smtpd, session, result)
    record = world.trace.open_session("SMTP", port, host.name, server.name, t0)
    record.lines = result.lines
    _schedule(host, smtpd, result, msg)
    summary = (f"{program} {target} {port}: {sum(1 for x in typed if isinstance(x, str))} "
               f"line(s) typed, {len(result.accepted_at)} message(s) queued")
    last = result.lines[-1][2] if result.lines else None
    hop = Hop(result.end, None, None, host.name, program, server.name, "smtpd", "SMTP", port,
              "typed_smtp", last, summary, record.sid,
              (("src", host.name), ("server", server.name), ("port", str(port)),
               ("program", program),
               ("queued", str(len(result.accepted_at)))))
    _at(host, result.end, lambda: world.trace.add(hop))
    text = _screen(result, program, ip, target)
    return TypedSession(text, 0 if program == "nc" else 1, world.engine.now, result.end,
                        record.sid)


def _server_log(smtpd: Smtpd, session: SmtpSession, result: ManualResult) -> None:
    """smtpd's own lines about the session: pipelining, timeout, disconnect."""
    label = f"{session.client_name}[{session.client_ip}]"
    if result.ill_pipelining is not None:
        session.now = result.lines[0][0] if result.lines else session.now
        smtpd._log(session, f"improper command pipelining after CONNECT from {label}: "
                            f"{result.ill_pipelining}")
    session.now = result.end
    if result.closed_by == "timeout":
        smtpd._log(session, f"timeout after {result.where} from {label}")
    smtpd.log_disconnect(session)


def _schedule(host: Host, smtpd: Smtpd, result: ManualResult, msg: str | None) -> None:
    """Each accepted message enters cleanup when its 250 reply is sent."""
    world = host.world
    for t, commit in zip(result.accepted_at, list(smtpd.pending)):
        key = msg if msg is not None and t == result.accepted_at[0] else world.new_key("typed")

        def enter(commit: Callable[[], None] = commit, key: str = key) -> None:
            smtpd.msg = key
            commit()

        _at(host, t, enter)
    smtpd.pending.clear()


def _at(host: Host, t: float, then: Callable[[], None]) -> None:
    env = host.world.engine.env

    def proc() -> Generator[Any, Any, None]:
        yield env.timeout(max(0.0, t - env.now))
        then()

    env.process(proc())


def _screen(result: ManualResult, program: str, ip: str, target: str) -> str:
    """The terminal: telnet's lines around the dialogue; typed lines are echoed locally."""
    lines = [text for _, _, text in sorted(result.screen, key=lambda x: x[0])]
    if program != "telnet":
        return "".join(x + "\n" for x in lines)
    head = [f"Trying {ip}...", f"Connected to {target}.", "Escape character is '^]'."]
    return "".join(x + "\n" for x in [*head, *lines, "Connection closed by foreign host."])
