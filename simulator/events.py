"""Scenario events: things that happen to the world at a given simulated time.

Each kind is a pydantic model with a literal ``do:`` and an ``apply`` function registered
for it; the scenario's ``events:`` list is a discriminated union of the kinds. Every event
leaves a hop in the trace, so a learner sees what changed and when.

Faults a lab can inject: a host going down and coming back (its queue survives, as the
files under /var/spool/postfix do), a link down or up or slowed, a service stopped
(``Connection refused``), a DNS name failing (SERVFAIL or NXDOMAIN), and an SMTP server
forced to answer a given reply at a given stage (greylisting, a full mailbox, 421).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .model.trace import Hop
from .scenario_types import Duration, Text, UnixPath, UserName

if TYPE_CHECKING:
    from .world import World

SERVICE_PORTS = {"smtp": 25, "submission": 587, "submissions": 465, "pop3": 110, "imap": 143}


class EventBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    at: Duration


class WriteFile(EventBase):
    """Replace a file on a host, as an administrator editing /etc/aliases or ~/.forward."""

    do: Literal["write_file"]
    host: str
    path: UnixPath
    content: Text
    owner: UserName = "root"
    mode: str = "0644"


class HostDown(EventBase):
    """The machine stops (power, crash): unreachable, its daemons stop, its disk stays."""

    do: Literal["host_down"]
    host: str


class HostUp(EventBase):
    """The machine runs again; Postfix starts and takes up its queue."""

    do: Literal["host_up"]
    host: str


class LinkDown(EventBase):
    do: Literal["link_down"]
    between: tuple[str, str]


class LinkUp(EventBase):
    do: Literal["link_up"]
    between: tuple[str, str]


class LinkLatency(EventBase):
    """A slow (or fast again) link: its one-way latency from now on."""

    do: Literal["link_latency"]
    between: tuple[str, str]
    latency: Duration


class ServiceDown(EventBase):
    """A service stops listening (``postfix stop`` on port 25): connections are refused."""

    do: Literal["service_down"]
    host: str
    service: Literal["smtp", "submission", "submissions", "pop3", "imap"]


class ServiceUp(EventBase):
    do: Literal["service_up"]
    host: str
    service: Literal["smtp", "submission", "submissions", "pop3", "imap"]


class DnsFailure(EventBase):
    """Queries for a name (of one type, or of every type) fail from now on."""

    do: Literal["dns_failure"]
    name: str
    type: str | None = None
    rcode: Literal["SERVFAIL", "NXDOMAIN"]


class DnsRestore(EventBase):
    do: Literal["dns_restore"]
    name: str
    type: str | None = None


class SmtpReply(EventBase):
    """A server answers ``reply`` at ``stage``: the first ``times`` times, until ``until``
    (a time from the start, like ``at``), or both; ``{rcpt}`` in the reply is the
    recipient. Without either limit it answers so for the rest of the run."""

    do: Literal["smtp_reply"]
    host: str
    stage: Literal["connect", "helo", "mail", "rcpt", "data", "end_of_data"]
    reply: str
    times: int | None = Field(default=None, ge=1)
    until: Duration | None = None
    rcpt: str | None = None

    @field_validator("reply")
    @classmethod
    def _reply(cls, value: str) -> str:
        from .agents.mta.faults import parse_reply

        parse_reply(value)
        return value


Event = Annotated[WriteFile | HostDown | HostUp | LinkDown | LinkUp | LinkLatency | ServiceDown | ServiceUp | DnsFailure | DnsRestore | SmtpReply,
                  Field(discriminator="do")]

APPLY: dict[type[EventBase], Callable[[World, Any], str]] = {}


def applies(kind: type[EventBase]) -> Callable[[Callable[[World, Any], str]],
                                                Callable[[World, Any], str]]:
    def register(fn: Callable[[World, Any], str]) -> Callable[[World, Any], str]:
        APPLY[kind] = fn
        return fn

    return register


@applies(WriteFile)
def _write_file(world: World, ev: WriteFile) -> str:
    world.hosts[ev.host].fs.write(ev.path, ev.content.encode(), ev.owner, int(ev.mode, 8),
                                  world.engine.now)
    return f"{ev.path} rewritten ({len(ev.content.splitlines())} lines, owner {ev.owner}, mode {ev.mode})"


@applies(HostDown)
def _host_down(world: World, ev: HostDown) -> str:
    host = world.hosts[ev.host]
    if not host.up:
        return f"{ev.host} is already down"
    host.up, host.boot, host.down_at = False, host.boot + 1, world.engine.now
    world.net.set_host(ev.host, False)
    queued = sum(len(q) for q in host.mta.qmgr.queues.values()) if host.mta else 0
    return (f"{ev.host} goes down: unreachable, its daemons stop; the {queued} file(s) in its "
            f"mail queue stay on disk")


@applies(HostUp)
def _host_up(world: World, ev: HostUp) -> str:
    host = world.hosts[ev.host]
    if host.up:
        return f"{ev.host} is already up"
    host.up = True
    host.new_processes()
    world.net.set_host(ev.host, True)
    if host.mta is not None:
        from .agents.mta.master import booted

        booted(host.mta)
        host.mta.qmgr.restart()
        return f"{ev.host} is up again: Postfix starts, qmgr takes up the queue"
    return f"{ev.host} is up again"


@applies(LinkDown)
def _link_down(world: World, ev: LinkDown) -> str:
    world.net.set_link(*ev.between, up=False)
    return f"the link {ev.between[0]} - {ev.between[1]} is down"


@applies(LinkUp)
def _link_up(world: World, ev: LinkUp) -> str:
    world.net.set_link(*ev.between, up=True)
    return f"the link {ev.between[0]} - {ev.between[1]} is up again"


@applies(LinkLatency)
def _link_latency(world: World, ev: LinkLatency) -> str:
    world.net.set_latency(*ev.between, ev.latency)
    return f"the link {ev.between[0]} - {ev.between[1]} now takes {ev.latency * 1000:g} ms one way"


@applies(ServiceDown)
def _service_down(world: World, ev: ServiceDown) -> str:
    host, port = world.hosts[ev.host], SERVICE_PORTS[ev.service]
    if port in host.services:
        host.closed[port] = host.services.pop(port)
    return f"{ev.service} (port {port}) on {ev.host} stops listening: connections are refused"


@applies(ServiceUp)
def _service_up(world: World, ev: ServiceUp) -> str:
    host, port = world.hosts[ev.host], SERVICE_PORTS[ev.service]
    if port in host.closed:
        host.services[port] = host.closed.pop(port)
    return f"{ev.service} (port {port}) on {ev.host} listens again"


@applies(DnsFailure)
def _dns_failure(world: World, ev: DnsFailure) -> str:
    world.dns.set_failure(ev.name, ev.type, ev.rcode)
    return f"DNS answers {ev.rcode} for {ev.name}" + (f" type {ev.type}" if ev.type else "")


@applies(DnsRestore)
def _dns_restore(world: World, ev: DnsRestore) -> str:
    world.dns.clear_failure(ev.name, ev.type)
    return f"DNS answers normally again for {ev.name}" + (f" type {ev.type}" if ev.type else "")


@applies(SmtpReply)
def _smtp_reply(world: World, ev: SmtpReply) -> str:
    from .agents.mta.faults import InjectedReply, parse_reply

    reply = parse_reply(ev.reply)
    world.hosts[ev.host].faults.append(InjectedReply(ev.stage, reply, ev.times, ev.until,
                                                     ev.rcpt))
    limit = [f"the first {ev.times} time(s)"] if ev.times else []
    limit += [f"until {world.engine.clock.short(ev.until)}"] if ev.until is not None else []
    shown = ev.reply.replace("{rcpt}", "the recipient's address")
    return (f"the SMTP server on {ev.host} answers '{shown}' at {ev.stage}"
            + (f" ({', '.join(limit)})" if limit else ""))


def apply(world: World, event: EventBase) -> None:
    detail = APPLY[type(event)](world, event)
    host = getattr(event, "host", None) or "world"
    world.trace.add(Hop(world.engine.now, None, None, host, "scenario", host, "event", None,
                        None, "event", getattr(event, "do", ""), detail, None,
                        (("event", getattr(event, "do", "")), ("detail", detail))))


def referenced_hosts(event: EventBase) -> list[tuple[str, str]]:
    """(field, host name) pairs an event refers to, for the scenario's cross-check."""
    return [(name, value) for name, value in event.model_dump().items()
            if name in ("host", "server", "client") and isinstance(value, str)]
