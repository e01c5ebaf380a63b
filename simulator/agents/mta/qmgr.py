"""Models Postfix qmgr(8): the queues and who delivers what, and when to try again.

A queue file enters *incoming* (from cleanup) and the queue manager moves it to *active*
at once; each recipient is resolved (trivial-rewrite) and handed to its transport:
local(8) or smtp(8). Afterwards (qmgr_active.c qmgr_active_done()): recipients that
failed for good are bounced (bounce(8)); if some were deferred, a message older than
maximal_queue_lifetime is returned to the sender (``status=expired, returned to
sender``), a delay warning may be sent (delay_warning_time), and otherwise the file moves
to *deferred* with a time stamp in the future (backoff.py) until a deferred-queue scan
(scan.py) takes it back to *active*. When nothing is pending the file is ``removed``.

A host that goes down keeps its queue files; on restart the queue manager moves what was
in *active* back to *incoming* and starts over (qmgr.c qmgr_post_init()).
"""

from __future__ import annotations

import sys
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from ...model.status import DeliveryResult
from ...model.trace import Hop, HopText, Outcome
from . import backoff
from .admin import QueueAdmin
from .delivery_log import Stamps
from .master import running
from .queue import QUEUE_NAMES, QueueFile, QueueRecipient
from .resolve import Route, resolve
from .scan import DeferredScans

if TYPE_CHECKING:
    from .mta import Mta


class Qmgr:
    __slots__ = ("admin", "mta", "queues", "scans")

    def __init__(self, mta: Mta) -> None:
        self.mta = mta
        self.queues: dict[str, dict[str, QueueFile]] = {name: {} for name in QUEUE_NAMES}
        self.scans = DeferredScans(self)
        self.admin = QueueAdmin(self)

    # --- entering the active queue --------------------------------------------------------
    def enqueue(self, qf: QueueFile) -> None:
        """cleanup's hand-over: the file is in incoming; qmgr picks it up at once."""
        self.queues["incoming"][qf.qid] = qf
        qf.queue = "incoming"
        for rcpt in qf.pending():
            self.outcome(qf, rcpt, "queued", f"queue {qf.qid} (incoming)", None)
        if running(self.mta):  # a stopped Postfix leaves it in incoming (master.py)
            self.activate(qf)

    def retry(self, qf: QueueFile, scan: float, why: str) -> None:
        """A deferred-queue scan (or a flush) takes the file back to the active queue."""
        self.note(qf, "qmgr", "qmgr", "retry", None, why,
                  (("attempt", str(len(qf.attempts) + 1)),))
        self.activate(qf)

    def activate(self, qf: QueueFile) -> None:
        """Move the file to active and start delivering it (qmgr_active_feed())."""
        source = "cleanup" if qf.queue == "incoming" and not qf.attempts else qf.queue
        self._move(qf, "active")
        qf.attempts.append(self.mta.host.world.engine.now)
        qf.next_try = None
        if not qf.forced_expire:  # the defer log is reset (qmgr_message_alloc())
            for rcpt in qf.recipients:
                rcpt.defer_reason = None
        for rcpt in qf.pending():  # a recipient still waiting says where it waits
            self.outcome(qf, rcpt, "queued", f"queue {qf.qid} (active)", None)
        # one tuple of facts for the log line's template and the hop's text
        facts = (qf.qid, qf.sender, qf.size, len(qf.recipients))
        self.mta.host.log("postfix/qmgr", "%s: from=<%s>, size=%s, nrcpt=%s (queue active)",
                          args=facts)
        self.note(qf, source, "qmgr", "queue_active", None, _ACTIVE, facts)
        self.mta.host.world.engine.env.process(self._deliver(qf, self.mta.host.boot))

    def _deliver(self, qf: QueueFile, boot: int) -> Generator[Any, Any, None]:
        world = self.mta.host.world
        active = world.engine.now
        attempt = len(qf.attempts)
        if qf.forced_expire:  # no deliveries: the defer log (or retry(8)) says why
            self._administratively_expired(qf, Stamps(qf.arrival, active, active))
            self._finish(qf)
            return
        for route, rcpts in self._routes(qf).items():
            agent = self.mta.local if route.transport == "local" else self.mta.smtp
            stamps = Stamps(qf.arrival, active, world.engine.now)  # one per delivery request
            results = yield from agent.deliver(qf, route, rcpts, stamps)
            if self.mta.host.boot != boot:  # the host crashed during this attempt:
                if len(qf.attempts) == attempt:  # what was written down before it counts
                    self._apply(qf, rcpts, [r for r in results
                                            if _before(r, self.mta.host.down_at)], lost_ok=True)
                return
            self._apply(qf, rcpts, results)
        self._finish(qf)

    def _routes(self, qf: QueueFile) -> dict[Route, list[QueueRecipient]]:
        groups: dict[Route, list[QueueRecipient]] = {}
        for rcpt in qf.pending():
            if self._discard_double_bounce(qf, rcpt):
                continue
            route = resolve(self.mta.cf, self.mta.local_domains(), rcpt.address)
            groups.setdefault(route, []).append(rcpt)
        for route, rcpts in groups.items():
            self.note(qf, "qmgr", "trivial-rewrite", f"resolve_{route.transport}",
                      _route_name(route), _RESOLVE, (route, *(r.address for r in rcpts)))
        return groups

    def _administratively_expired(self, qf: QueueFile, stamps: Stamps) -> None:
        """qmgr_message.c: a force-expired file without a defer log reason goes to the
        retry(8) transport with "4.7.0 message is administratively expired"."""
        from .delivery_log import status_line

        reason = "message is administratively expired"
        for rcpt in qf.pending():
            if rcpt.defer_reason is None:
                self.mta.host.log("postfix/retry", status_line(
                    qf.qid, rcpt.address, rcpt.orig, "none", stamps,
                    self.mta.host.world.engine.now, "4.7.0", "deferred", reason))
                rcpt.status, rcpt.dsn, rcpt.reason, rcpt.defer_reason = \
                    "deferred", "4.7.0", reason, reason
                rcpt.remote_mta = rcpt.diagnostic = None

    def _discard_double_bounce(self, qf: QueueFile, rcpt: QueueRecipient) -> bool:
        """qmgr_message.c: mail to the local double-bounce address is dropped as sent."""
        local, _, domain = rcpt.address.rpartition("@")
        if domain.lower() not in self.mta.local_domains() or \
                local.lower() != self.mta.cf["double_bounce_sender"].lower():
            return False
        from .delivery_log import status_line

        now = self.mta.host.world.engine.now
        reason = "undeliverable postmaster notification discarded"
        self.mta.host.log("postfix/qmgr", status_line(
            qf.qid, rcpt.address, rcpt.orig, "none", Stamps(qf.arrival, now, now), now,
            "2.0.0", "sent", reason))
        rcpt.status, rcpt.dsn, rcpt.reason = "sent", "2.0.0", reason
        self.note(qf, "qmgr", "qmgr", "double_bounce_discarded", None,
                  f"<{rcpt.address}>: {reason}")
        self.outcome(qf, rcpt, "delivered", "discarded (double-bounce address)", "2.0.0")
        return True

    # --- after an attempt ------------------------------------------------------------------
    def _apply(self, qf: QueueFile, rcpts: list[QueueRecipient],
               results: list[DeliveryResult], lost_ok: bool = False) -> None:
        by_address = {r.recipient: r for r in results}
        for rcpt in rcpts:
            result = by_address.get(rcpt.address)
            if result is None:
                if lost_ok:  # cut short by a crash: the recipient stays as it was
                    continue
                # a bug, never a silent loss: keep it queued, say why
                result = DeliveryResult(rcpt.address, "deferred", "4.3.0",
                                        "no result from the delivery agent", "none")
            rcpt.status, rcpt.dsn, rcpt.reason = result.status, result.dsn, result.reason
            rcpt.remote_mta, rcpt.diagnostic = result.remote_mta, result.diagnostic
            if result.status != "sent":  # a failure is always a visible step, with why
                agent = "local" if result.relay == "local" else "smtp"
                self.note(qf, agent, "qmgr", f"status_{result.status}",
                          f"dsn={result.dsn}, status={result.status}",
                          f"<{rcpt.address}>: {result.reason}",
                          (("rcpt", rcpt.address), ("reason", result.reason)))
            if result.status == "deferred":
                rcpt.defer_reason = result.reason

    def _finish(self, qf: QueueFile) -> None:
        """qmgr_active_done(): bounce, expire, warn, defer or remove."""
        if not self._still_active(qf):
            return
        if qf.trace_log:  # sendmail -bv, or DSN NOTIFY=SUCCESS: the report (qmgr_active.c)
            self.mta.bounce.trace(qf, qf.trace_log)
            qf.trace_log = []
        # the bounce logfile: recipients bounced by the agent, and addresses they expanded
        bounced = [r for r in qf.recipients if r.status == "bounced" and not r.notified]
        bounced += qf.bounce_log
        qf.bounce_log = []
        if bounced:
            for rcpt in bounced:
                rcpt.notified = True
            self.mta.bounce.notify(qf, bounced)
        pending = qf.pending()
        if pending and (qf.forced_expire or self._expired(qf)):
            self._expire(qf, pending)
        elif pending:
            if backoff.warning_due(self.mta.host.world.engine.now, qf.warn_time):
                self.mta.bounce.delay_warning(qf, pending)
                qf.warn_time = -1
            self._defer(qf, pending)
            return
        self._remove(qf)

    def _still_active(self, qf: QueueFile) -> bool:
        """A file deleted or put on hold by postsuper while being delivered is not ours to
        move any more; qmgr only complains (qmgr_active.c)."""
        if self.queues["active"].get(qf.qid) is qf:
            return True
        target = "deferred" if qf.pending() else None
        where = f"rename {qf.qid} from active to {target}" if target else \
            f"remove {qf.qid} from active"
        func = "qmgr_active_defer" if target else "qmgr_active_done_3_generic"
        self.mta.host.log("postfix/qmgr", f"warning: {func}: {where}: No such file or directory")
        return False

    def _expired(self, qf: QueueFile) -> bool:
        cf = self.mta.cf
        life = backoff.lifetime(qf.sender, cf.seconds("maximal_queue_lifetime"),
                                cf.seconds("bounce_queue_lifetime"))
        return backoff.expired(self.mta.host.world.engine.now, qf.create, life)

    def _expire(self, qf: QueueFile, pending: list[QueueRecipient]) -> None:
        status = "force-expired" if qf.forced_expire else "expired"
        self.mta.host.log("postfix/qmgr", f"{qf.qid}: from=<{qf.sender}>, status={status}, "
                                          "returned to sender")
        age = self.mta.host.world.engine.now - qf.arrival
        why = ("postsuper -e asked for it" if qf.forced_expire
               else f"queued for {age / 86400:.2f} days, past its lifetime")
        self.note(qf, "qmgr", "bounce", "expired", f"status={status}",
                  f"{why}: returned to sender")
        for rcpt in pending:
            rcpt.status, rcpt.reason = "bounced", rcpt.defer_reason or rcpt.reason
            rcpt.notified = True
        self.mta.bounce.notify(qf, pending)

    def _defer(self, qf: QueueFile, pending: list[QueueRecipient]) -> None:
        """qmgr_active_done_3_generic(): the time stamp goes age (clamped) into the future."""
        cf, now = self.mta.cf, self.mta.host.world.engine.now
        low, high = cf.seconds("minimal_backoff_time"), cf.seconds("maximal_backoff_time")
        delay = backoff.backoff_delay(now, qf.create, low, high)
        qf.mtime = backoff.whole(now) + delay
        self._move(qf, "deferred")
        qf.next_try = self.scans.want(qf)
        clock = self.mta.host.world.engine.clock
        age = backoff.whole(now) - qf.create
        bound = " (minimal_backoff_time)" if delay == int(low) and age < low else \
            " (maximal_backoff_time)" if delay == int(high) and age > high else ""
        self.note(qf, "qmgr", "qmgr", "deferred", "deferred",
                  f"age {age}s -> wait {delay}s{bound}: time stamp {clock.short(qf.mtime)}; "
                  f"next try at the deferred-queue scan of {clock.short(qf.next_try)}",
                  (("next", clock.short(qf.next_try)), ("delay", str(delay))))
        for rcpt in pending:
            self.outcome(qf, rcpt, "queued", f"deferred: {rcpt.defer_reason or rcpt.reason}",
                          rcpt.dsn, qf.next_try)

    def _remove(self, qf: QueueFile) -> None:
        del self.queues[qf.queue][qf.qid]
        self.mta.host.log("postfix/qmgr", f"{qf.qid}: removed")
        self.note(qf, "qmgr", "qmgr", "queue_removed", None, _REMOVED, ())
        self.mta.host.world.trace.file_gone(qf.msg)

    # --- restarts and administration -------------------------------------------------------
    def restart(self) -> None:
        """The host is up again: active files go back to incoming (time stamp now), the
        incoming queue is scanned, deferred scans start a new series (qmgr_post_init())."""
        now = self.mta.host.world.engine.now
        for qf in sorted(self.queues["active"].values(), key=lambda q: q.qid):
            self._move(qf, "incoming")
            qf.mtime = now
        for qf in sorted(self.queues["incoming"].values(), key=lambda q: q.qid):
            self.note(qf, "qmgr", "qmgr", "restart_requeue", None,
                      "the queue manager starts: files left in active or incoming are "
                      "delivered again from the start")
            self.activate(qf)
        for qf in sorted(self.queues["maildrop"].values(), key=lambda q: q.qid):
            self.mta.pickup.requeue(qf)  # pickup reads what postsuper -r left there
        self.scans.restart(now)

    def deferred(self) -> list[QueueFile]:
        """Deferred files in scan order. SIMPLIFICATION: queue ID order stands for the
        order of the hashed queue directories."""
        return sorted(self.queues["deferred"].values(), key=lambda q: q.qid)

    def find(self, qid: str) -> QueueFile | None:
        for queue in QUEUE_NAMES:
            if qid in self.queues[queue]:
                return self.queues[queue][qid]
        return None

    def move(self, qf: QueueFile, queue: str) -> None:
        """postsuper's rename of a queue file into another queue."""
        self._move(qf, queue)

    def delete(self, qf: QueueFile) -> None:
        del self.queues[qf.queue][qf.qid]
        qf.queue = "deleted"

    def _move(self, qf: QueueFile, queue: str) -> None:
        del self.queues[qf.queue][qf.qid]
        self.queues[queue][qf.qid] = qf
        qf.queue = queue
        if queue == "active":  # a recipient still waiting says where it waits
            for rcpt in qf.pending():
                self.outcome(qf, rcpt, "queued", f"queue {qf.qid} (active)", None)

    def note(self, qf: QueueFile, src: str, dst: str, action: str, reply: str | None,
             detail: str | HopText, args: Any = ()) -> None:
        """A hop inside this host; its explanation values start with the queue ID and the
        host. ``detail`` is the text, or a HopText that writes it from the facts ``args``
        when a view asks (the frequent hops: every message takes them)."""
        host = self.mta.host
        if not isinstance(detail, HopText):
            args = (("qid", qf.qid), ("host", host.name), *args)
        host.world.trace.add(Hop(host.world.engine.now, qf.msg, qf.qid, host.name, src,
                                 host.name, dst, None, None, action, reply, detail, None, args))

    def outcome(self, qf: QueueFile, rcpt: QueueRecipient, status: str, where: str,
                dsn: str | None, next_try: float | None = None) -> None:
        if qf.trace_only:  # a sendmail -bv probe is not mail: its result is the report
            return
        world = self.mta.host.world
        world.trace.set_outcome(Outcome(qf.msg, rcpt.address, status, world.engine.now,  # type: ignore[arg-type]
                                        self.mta.host.name, where, dsn,
                                        world.trace.hop_count(qf.msg), next_try,
                                        orig=rcpt.orig))


def _before(result: DeliveryResult, crash: float | None) -> bool:
    """Was this result written down before the host crashed?"""
    return crash is not None and result.at is not None and result.at <= crash


# --- the frequent hops, written from their facts when a view asks (model/hop.py) ----------
def _in_host(hop: Hop, *more: tuple[str, str]) -> tuple[tuple[str, str], ...]:
    return (("qid", hop.qid or ""), ("host", hop.src_host), *more)


def _route_name(route: Route) -> str:
    """``smtp:example.net``: the reply of a resolve hop, one string per route."""
    return sys.intern(str(route))


def _resolve_detail(hop: Hop, facts: tuple[Any, ...]) -> str:
    route, names = facts[0], ", ".join(f"<{a}>" for a in facts[1:])
    why = ("listed in mydestination" if route.transport == "local"
           else f"not in mydestination: {route.address_class} address class")
    return f"{names} -> {route} ({why})"


# queue_active: (queue ID, sender, size, number of recipients), its log line's values
_ACTIVE = HopText(lambda hop, f: f"from=<{f[1]}>, size={f[2]}, nrcpt={f[3]}",
                  lambda hop, f: _in_host(hop))
# resolve_local / resolve_smtp: (route, recipient addresses...)
_RESOLVE = HopText(_resolve_detail, lambda hop, f: _in_host(hop, ("route", str(f[0]))))
_REMOVED = HopText(lambda hop, f: "every recipient is done: the queue file is deleted",
                   lambda hop, f: _in_host(hop))
