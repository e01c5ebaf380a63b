"""``status`` and ``events``: where every message is now, and what is still to happen.

``status`` reads the trace's outcomes (delivered, bounced, queued, rejected, deleted: the
same lines ``mailsim run`` ends with) and each MTA's queues as showq(8) sees them;
``events`` lists the scenario's items not yet due (messages, commands, fetches, faults)
and every deferred queue file's next deferred-queue scan (qmgr(8), queue_run_delay).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .texts import say

if TYPE_CHECKING:
    from ..world import World


def status_lines(world: World, lang: str) -> list[str]:
    from ..render.console import outcome_lines

    now = world.engine.now
    clock = world.engine.clock
    lines = [text.plain for text in outcome_lines(world, lang)]
    with_outcome = {o.msg for o in world.trace.outcomes.values()}
    for key in world.trace.messages():
        if key not in with_outcome and not key.endswith(".bounce"):
            lines.append(say("status.transit", lang, msg=key))
    for i, msg in enumerate(world.spec.messages):
        if msg.at > now or (msg.at == now and world.spec.message_key(i) not in with_outcome
                            and world.spec.message_key(i) not in world.trace.messages()):
            lines.append(say("status.scheduled", lang, msg=world.spec.message_key(i),
                             sender=msg.from_, to=", ".join(msg.to), t=clock.short(msg.at)))
    lines += _queues(world, lang)
    return lines or [say("status.none", lang)]


def _queues(world: World, lang: str) -> list[str]:
    out = []
    for host in world.hosts.values():
        if host.mta is None:
            continue
        counts = {q: len(files) for q, files in host.mta.qmgr.queues.items() if files}
        if counts:
            queues = ", ".join(f"{q} {n}" for q, n in counts.items())
            out.append(say("status.queue", lang, host=host.name, n=sum(counts.values()),
                           queues=queues))
    return out


def event_lines(world: World, lang: str) -> list[str]:
    """Everything still to come, in time order (scenario order within one moment)."""
    now = world.engine.now
    pending = world.engine.env.peek() <= now  # items due now that have not run yet
    items: list[tuple[float, int, str]] = []

    def due(at: float) -> bool:
        return at > now or (at == now and pending)

    spec, stamp = world.spec, world.engine.clock.short
    for i, msg in enumerate(spec.messages):
        if due(msg.at):
            items.append((msg.at, len(items), say(
                "events.message", lang, t=stamp(msg.at), msg=spec.message_key(i),
                sender=msg.from_, to=", ".join(msg.to), client=msg.client)))
    for cmd in spec.commands:
        if due(cmd.at):
            items.append((cmd.at, len(items), say("events.command", lang, t=stamp(cmd.at),
                                                  host=cmd.host, user=cmd.user, line=cmd.run)))
    for fetch in spec.fetches:
        if due(fetch.at):
            items.append((fetch.at, len(items), say(
                "events.fetch", lang, t=stamp(fetch.at), client=fetch.client,
                account=fetch.account)))
    for event in spec.events:
        if due(event.at):
            items.append((event.at, len(items), say(
                "events.event", lang, t=stamp(event.at), what=event.do, args=_fields(event))))
    items += _retries(world, lang, len(items))
    return [text for _, _, text in sorted(items)] or [say("events.none", lang)]


def _fields(event: Any) -> str:
    data = event.model_dump(exclude={"at", "do"}, exclude_none=True)
    return " ".join(f"{k}={'-'.join(v) if isinstance(v, (list, tuple)) else v}"
                    for k, v in data.items())


def _retries(world: World, lang: str, start: int) -> list[tuple[float, int, str]]:
    out: list[tuple[float, int, str]] = []
    stamp = world.engine.clock.short
    for host in world.hosts.values():
        if host.mta is None:
            continue
        for qf in sorted(host.mta.qmgr.deferred(), key=lambda q: (q.next_try or 0, q.qid)):
            if qf.next_try is None or qf.next_try < world.engine.now:
                continue
            why = next((r.defer_reason for r in qf.pending() if r.defer_reason), "deferred")
            out.append((qf.next_try, start + len(out), say(
                "events.retry", lang, t=stamp(qf.next_try), host=host.name, qid=qf.qid,
                why=why)))
    return out

