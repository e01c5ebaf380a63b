"""Builds a runnable world from a scenario and runs it (cf. master(8) starting daemons).

The world owns the engine (SimPy env, clock, RNG), the trace, the DNS, the network and the
hosts; actors reach each other only through ``connect`` (a simulated TCP connection to a
host's port) and ``lookup_a`` (a DNS query), both of which cost simulated time.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from .agents.mta.maincf import MAIN_CF, main_cf_text
from .agents.mta.params import MainCf
from .engine import Engine
from .host import Host, User
from .model.address import Address
from .model.duration import parse_duration
from .model.fs import export_path
from .model.runstats import RunStats
from .model.trace import Hop, TraceLog
from .net.addr import ipv4_text
from .net.dns import ANSWER_TEXT, DNS
from .net.topology import Link, Network
from .scenario import cf_text
from .scenario_workload import WorkloadFeed, message_spec
from .trace_level import TraceLevel

if TYPE_CHECKING:
    from .scenario import HostSpec, Scenario
    from .scenario_workload import Arrival

PORTS = {"smtp": 25, "submission": 587, "submissions": 465, "pop3": 110, "imap": 143}


@dataclass(frozen=True, slots=True)
class Connected:
    """A connection attempt's result: the server and its service, or why not."""

    server: Host
    service: Any  # the smtpd Service for SMTP ports; the port number otherwise
    service_port: int
    rtt: float
    failure: str | None = None  # "Connection refused" | "Connection timed out"
    elapsed: float = 0.0  # how long the failed attempt took
    blocked: Any = None  # (Op25b rule, dynamic block, one-way latency to the router)


def detailed_from_env() -> bool:
    """MAILSIM_DETAILED=1 (any value but empty or 0): every local delivery takes the
    detailed path of agents/mda/recipient.py, never the plain-recipient fast path."""
    return os.environ.get("MAILSIM_DETAILED", "") not in ("", "0")


class World:
    def __init__(self, spec: Scenario, seed: int | None = None, source: str = "",
                 detailed: bool | None = None, trace: TraceLevel = "full") -> None:
        self.spec, self.source = spec, source
        # read once, here: local(8)'s fast path for plain recipients (agents/mda/plain.py)
        # is on unless the caller or MAILSIM_DETAILED asks for the detailed path everywhere
        self.detailed = detailed_from_env() if detailed is None else detailed
        self.fast_local: dict[str, int] = {}  # "taken" / "refused <why>" -> deliveries
        tz = ZoneInfo(spec.timezone)
        start = spec.start.replace(tzinfo=tz) if spec.start.tzinfo is None else spec.start.astimezone(tz)
        self.engine = Engine(start, spec.seed if seed is None else seed)
        self.feed = WorkloadFeed(spec) if spec.workload is not None else None
        self._listed = {spec.message_key(i): m.at for i, m in enumerate(spec.messages)}
        self.outcomes_read = bool(spec.expect.recipients)  # keep_outcomes() sets it too
        self.hosts: dict[str, Host] = {}
        self.trace = TraceLog(trace, RunStats(self.arrival))
        self._apply_level(trace)  # before any host logs its first line
        self.dns = DNS.from_text(spec.dns)
        self.dns_rtt = float(spec.dns_latency)
        self.net = Network(list(spec.hosts), [Link(l.between[0], l.between[1], l.latency)
                                              for l in spec.links])
        self.firewalls = _firewalls(spec)
        self.by_ip: dict[str, Host] = {}
        self.msg_keys: dict[str, str] = {}  # Message-ID -> scenario message key, for MUAs
        self._key_counts: dict[str, int] = {}
        for name, host_spec in spec.hosts.items():
            self._build_host(name, host_spec)
        self._wire_drac()
        self._schedule()

    # --- building ------------------------------------------------------------------------
    def _build_host(self, name: str, hs: HostSpec) -> None:
        from .agents.mda.aliases import install as install_aliases
        from .agents.mra.imapd import Imapd
        from .agents.mra.pop3d import Pop3d
        from .agents.mta.mta import Mta
        from .agents.mta.programs import install as install_programs
        from .agents.mua import Mua
        from .distro import distro

        cf = None
        settings = {k: cf_text(v) for k, v in hs.mta.items()}
        if hs.role == "server":
            cf = MainCf(name, hs.ip, settings, distro(hs.os).defaults)
        host = Host(self, name, hs.ip, hs.role, hs.network, cf, hs.os, hs.hostname)
        host.fs.keep_appended = self.keeps_mail_bytes
        self.hosts[name] = host
        if hs.ip:
            self.by_ip[hs.ip] = host
        self._add_users(host, hs)
        for path, f in hs.files.items():
            content, owner, mode = (f, "root", 0o644) if isinstance(f, str) else (
                f.content, f.owner, int(f.mode, 8))
            host.fs.write(path, content.encode(), owner, mode)
        if hs.role == "server":
            assert cf is not None
            if not host.fs.exists(MAIN_CF):
                if host.hostname != name:  # the lab's name is myhostname, set in main.cf
                    settings = {"myhostname": name} | settings
                host.fs.write(MAIN_CF, main_cf_text(settings).encode(), "root", 0o644)
            install_aliases(host.fs, cf)
            host.mta = Mta(host, hs.mta_family, _smtp_services(hs))
            install_programs(host)  # /usr/sbin/sendmail & co. as the package ships them
            host.pop3d = Pop3d(host) if "pop3" in hs.services else None
            host.imapd = Imapd(host) if "imap" in hs.services else None
            host.services = {PORTS[s]: s for s in hs.services}
        for login, account in hs.accounts.items():
            host.accounts[login] = Mua(host, login, account)

    def _wire_drac(self) -> None:
        """POP-before-SMTP: rpc.dracd on the named host; the POP3 server reports to it."""
        from .agents.mra.drac import Dracd

        for name, hs in self.spec.hosts.items():
            if hs.drac is None or self.hosts[name].pop3d is None:
                continue
            server = self.hosts[hs.drac.server or name]
            if server.dracd is None:
                server.dracd = Dracd(server, hs.drac.expire)
            self.hosts[name].pop3d.drac = server.dracd

    def _add_users(self, host: Host, hs: HostSpec) -> None:
        if host.role == "server":
            host.users["root"] = User("root", 0, "/root", None, "root")
        names = list(hs.users) + [n for n in hs.accounts if n not in hs.users]
        for i, name in enumerate(names):
            u = hs.users.get(name)
            uid = u.uid if u and u.uid is not None else 1000 + i
            home = u.home if u and u.home else f"/home/{name}"
            host.users[name.lower()] = User(name.lower(), uid, home, u.password if u else None,
                                            u.gecos if u else None)

    def _schedule(self) -> None:
        for i, msg in enumerate(self.spec.messages):
            sender = str(Address.parse(msg.from_))
            accounts = self.hosts[msg.client].accounts
            mua = accounts[msg.account] if msg.account is not None else next(
                m for m in accounts.values() if m.account.address == sender)
            self._later(msg.at, partial(mua.submit, self.spec.message_key(i), msg))
        if self.feed is not None:
            self.engine.env.process(self._feed(iter(self.feed)))
        for fetch in self.spec.fetches:
            mua = self.hosts[fetch.client].accounts[fetch.account]
            self._later(fetch.at, partial(mua.fetch, fetch))
        for cmd in self.spec.commands:
            self._later(cmd.at, partial(self._command, cmd))
        for event in self.spec.events:
            self._later(event.at, partial(self._event, event))

    def _feed(self, arrivals: Iterator[Arrival]) -> Generator[Any, Any, None]:
        """The workload's messages, drawn one at a time as the clock reaches each."""
        env = self.engine.env
        assert self.spec.workload is not None
        by_address: dict[str, Any] = {}
        for mua in self.hosts[self.spec.workload.client].accounts.values():
            by_address.setdefault(mua.account.address, mua)  # the first, as _schedule picks
        for arrival in arrivals:
            if arrival.at > env.now:
                yield env.timeout(_exact_delay(env.now, arrival.at))
            mua = by_address[arrival.sender]
            env.process(mua.submit(arrival.key, message_spec(self.spec, arrival)))

    def _apply_level(self, level: TraceLevel) -> None:
        """What the trace keeps from now on (trace_level.py), and what the scenario reads
        is kept at every level, so that the run never depends on --trace: its commands can
        read the maillog (``tail /var/log/maillog``, ``systemctl status``, ``journalctl``),
        and mailbox bytes stay while anything reads them (keeps_mail_bytes)."""
        self.trace_level: TraceLevel = level
        self.trace.set_level(level)
        if self.spec.commands:
            self.trace.keeps_logs = True
        self._forget_finished()
        for host in self.hosts.values():  # hosts built later take it in _build_host
            host.fs.keep_appended = self.keeps_mail_bytes

    def keep_outcomes(self) -> None:
        """Keep every recipient's outcome also under --trace summary: the caller will list
        them (``mailsim run --json`` or ``--html``)."""
        self.outcomes_read = True
        self.trace.retention.droppable = None

    def _forget_finished(self) -> None:
        """Under --trace summary, a fed message's finished outcomes are dropped once no
        queue file carries it (model/retention.py), unless something reads them after the
        run. Turned on only before the run starts: the live files must all be counted."""
        forget = (self.trace_level == "summary" and self.feed is not None
                  and not self.outcomes_read)
        if not forget:
            self.trace.retention.droppable = None
        elif not self.trace.outcomes and self.engine.now == 0:
            self.trace.retention.droppable = self.fed

    def fed(self, key: str) -> bool:
        """Whether ``key`` (or the message it is a bounce or copy of: ``m7.bounce``) was
        fed by the workload, not listed in ``messages:``."""
        base = key.split(".", 1)[0]
        return base not in self._listed and self.arrival(base) is not None

    @property
    def keeps_mail_bytes(self) -> bool:
        """Whether mailboxes keep delivered mail's bytes: always, but under --trace summary
        only when something in the scenario reads them (a fetch, a command such as mail)
        or an expectation looks into them, so that the run itself never depends on the
        trace level; otherwise their sizes are counted (VirtualFS.appended)."""
        s = self.spec
        return self.trace_level != "summary" or bool(
            s.fetches or s.commands or s.expect.mailboxes or s.expect.fetched)

    def arrival(self, key: str) -> float | None:
        """When the scenario message ``key`` arrives (listed or fed), in seconds."""
        found = self._listed.get(key)
        if found is None and self.feed is not None and key[1:].isdigit():
            n = int(key[1:])
            if n - self.feed.first in range(len(self.feed)):
                return self.feed.arrival_of(n)
        return found

    def _command(self, cmd: Any) -> Generator[Any, Any, None]:
        from .commands import run_command

        host = self.hosts[cmd.host]
        user = host.users.get(cmd.user.lower()) or host.users["root"]
        run_command(host, user, cmd.run, cmd.stdin, cmd.id, cmd.typed())
        yield from ()

    def _event(self, event: Any) -> Generator[Any, Any, None]:
        from .events import apply

        apply(self, event)
        yield from ()

    def new_key(self, prefix: str) -> str:
        """A fresh message key (``cmd1``, ``cmd2`` ...) for mail the scenario did not name."""
        self._key_counts[prefix] = self._key_counts.get(prefix, 0) + 1
        return f"{prefix}{self._key_counts[prefix]}"

    def _later(self, delay: float, start: Callable[[], Generator[Any, Any, Any]]) -> None:
        env = self.engine.env

        def proc() -> Generator[Any, Any, None]:
            yield env.timeout(delay)
            yield from start()

        env.process(proc())

    # --- what actors use -----------------------------------------------------------------
    def connect(self, client: Host, ip: str, port: int, timeout: float) -> Connected:
        """Open a TCP connection: refused when nothing listens, timed out when unreachable."""
        server = self.by_ip.get(ip)
        route = self.net.route(client.name, server.name) if server is not None else None
        if server is None or route is None:
            ghost = server or client
            return Connected(ghost, None, port, 0.0, "Connection timed out", timeout)
        rtt = 2 * route[0]
        blocked = self._firewall(client, server, port, route[1])
        if blocked is not None:
            rule, _, _ = blocked
            failure = "Connection timed out" if rule.action == "drop" else "Connection refused"
            elapsed = timeout if rule.action == "drop" else 2 * blocked[2]
            return Connected(server, None, port, rtt, failure, elapsed, blocked)
        service = server.services.get(port)
        if service is None or not _listening(server, port, ip):
            return Connected(server, None, port, rtt, "Connection refused", rtt)
        if server.mta is not None and port in server.mta.services:
            return Connected(server, server.mta.services[port], port, rtt)
        return Connected(server, port, port, rtt)

    def _firewall(self, client: Host, server: Host, port: int,
                  path: tuple[str, ...]) -> tuple[Any, str, float] | None:
        """OP25B on a router along the path (net/firewall.py)."""
        from .net.firewall import first_block

        if not self.firewalls or client.ip is None:
            return None
        found = first_block(path, self.firewalls, client.ip, port, server.network)
        if found is None:
            return None
        rule, block = found
        to_router = self.net.latency(client.name, rule.router) or 0.0
        return rule, block, to_router

    def wait_failed(self, host: Host, actor: str, msg: str | None, qid: str | None,
                    conn: Connected) -> Generator[Any, Any, None]:
        """Wait out a failed connection attempt; a firewall's block is a hop of its own,
        at the moment the client's SYN reaches the router."""
        env = self.engine.env
        if conn.blocked is None:
            yield env.timeout(conn.elapsed)
            return
        rule, block, to_router = conn.blocked
        yield env.timeout(to_router)
        what = "dropped" if rule.action == "drop" else "refused (TCP RST)"
        self.trace.add(Hop(
            self.engine.now, msg, qid, host.name, actor, rule.router, "firewall", "TCP",
            conn.service_port, "op25b_block", what,
            f"OP25B at {rule.router}: TCP port {conn.service_port} from the dynamic address "
            f"{host.ip} ({block}) to {conn.server.name} outside the ISP network is {what}",
            None, (("router", rule.router), ("client", host.ip or ""), ("block", block),
                   ("server", conn.server.name), ("port", str(conn.service_port)),
                   ("what", what))))
        yield env.timeout(max(0.0, conn.elapsed - to_router))

    def lookup_a(self, host: Host, actor: str, msg: str | None,
                 name: str) -> Generator[Any, Any, str | None]:
        """The address of ``name`` (an IP literal is its own answer), as a resolver finds it."""
        try:
            return ipv4_text(name.strip("[]"))
        except ValueError:
            pass
        answer = self.dns.query(name, "A")
        yield self.engine.env.timeout(self.dns_rtt)
        self.trace.add(Hop(self.engine.now, msg, None, host.name, actor, "dns", "resolver", "DNS",
                           53, "dns_a", answer.rcode, ANSWER_TEXT, None, answer))
        return answer.rrset[0].data if answer.rrset else None

    # --- running -------------------------------------------------------------------------
    def run(self, until: str | float | None = None, trace: TraceLevel | None = None) -> World:
        """Run to ``until`` (a duration like "2h" from the start), or until nothing is left;
        ``trace`` chooses what the trace keeps from now on (trace_level.py; default full)."""
        if trace is not None:
            self._apply_level(trace)
        limit = self.spec.until if until is None else parse_duration(until)
        if limit is None:
            self.engine.env.run()
        elif limit > self.engine.now:  # the clock never runs backwards; "0s" runs nothing
            self.engine.env.run(until=limit)
        return self

    def at(self, t: float) -> datetime:
        return self.engine.clock.at(t)

    # --- results -------------------------------------------------------------------------
    def mailbox_paths(self, host: Host) -> list[str]:
        """Files and Maildir folders that hold mail on ``host``."""
        found: set[str] = set()
        for path in host.fs.files:
            if "/Maildir/" in path:
                found.add(path[: path.index("/Maildir/") + len("/Maildir/")])
            elif (path.startswith(("/var/spool/mail/", "/var/mail/")) or "/Mail/" in path
                  or "/ImapMail/" in path or path.endswith("/Mailbox")) \
                    and not path.endswith(".lock"):  # ~/Mailbox: qmail-local's mbox
                found.add(path)
        return sorted(found)

    def export(self, directory: str | Path) -> list[Path]:
        """Write every host's mailboxes (mbox files, Maildir folders) and maillog below it."""
        root = Path(directory)
        written: list[Path] = []
        for host in self.hosts.values():
            for path in self.mailbox_paths(host):
                written += _export_mailbox(root, host, path)
            log = host.maillog()
            if log:
                target = export_path(root, host.name, "/var/log/maillog")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(log)
                written.append(target)
        return written


def _exact_delay(now: float, at: float) -> float:
    """The delay that makes ``now + delay`` exactly ``at`` (what a timeout of ``at`` from
    the start gives), rounding errors of the subtraction undone."""
    delay = at - now
    while now + delay < at:
        delay = math.nextafter(delay, math.inf)
    while now + delay > at:
        delay = math.nextafter(delay, -math.inf)
    return delay


def _listening(server: Host, port: int, ip: str) -> bool:
    """inet_interfaces decides which addresses Postfix's smtpd ports answer on (net/listen.py)."""
    from .net.listen import accepts

    return server.mta is None or port not in server.mta.services or accepts(server, port, ip)


def _smtp_services(hs: HostSpec) -> dict[int, Any]:
    """The host's smtpd services (master.cf), with the scenario's ``master:`` overrides."""
    from .agents.mta.smtpd import SERVICES

    out = {}
    for name in hs.services:
        if name in SERVICES:
            extra = {k: cf_text(v) for entry, overrides in hs.master.items() if entry == name
                     for k, v in overrides.items()}
            service = SERVICES[name].with_overrides(extra) if extra else SERVICES[name]
            out[service.port] = service
    return out


def _firewalls(spec: Scenario) -> dict[str, Any]:
    """OP25B rules of the routers, by router name."""
    from .net.firewall import Op25b

    rules = {}
    for name, hs in spec.hosts.items():
        if hs.op25b is not None:
            rules[name] = Op25b(name, hs.network, tuple(hs.op25b.dynamic), hs.op25b.action)
    return rules


def _export_mailbox(root: Path, host: Host, path: str) -> list[Path]:
    if path.endswith("/"):
        base = export_path(root, host.name, path)
        for sub in ("tmp", "new", "cur"):
            (base / sub).mkdir(parents=True, exist_ok=True)
        out = []
        for name in host.fs.under(path):
            target = export_path(root, host.name, name)
            target.write_bytes(host.fs.read(name) or b"")
            out.append(target)
        return out or [base]
    target = export_path(root, host.name, path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(host.fs.read(path) or b"")
    return [target]

