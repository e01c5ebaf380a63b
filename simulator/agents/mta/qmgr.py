"""Models Postfix qmgr(8): the queues and who delivers what.

A queue file enters *incoming* (from cleanup), moves to *active*, each recipient is
resolved (trivial-rewrite) and handed to its transport: local(8) or smtp(8). Recipients
that fail for good are bounced (bounce(8)); when nothing is pending the file is
``removed``. Temporary failures leave the file in *deferred*.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from ...model.status import DeliveryResult
from ...model.trace import Hop, Outcome
from .delivery_log import Stamps
from .queue import QUEUE_NAMES, QueueFile, QueueRecipient
from .resolve import Route, resolve

if TYPE_CHECKING:
    from .mta import Mta


class Qmgr:
    __slots__ = ("mta", "queues")

    def __init__(self, mta: "Mta") -> None:
        self.mta = mta
        self.queues: dict[str, dict[str, QueueFile]] = {name: {} for name in QUEUE_NAMES}

    def enqueue(self, qf: QueueFile) -> None:
        """cleanup's hand-over: the file is in incoming; qmgr picks it up at once."""
        self.queues["incoming"][qf.qid] = qf
        qf.queue = "incoming"
        for rcpt in qf.recipients:
            self._outcome(qf, rcpt, "queued", f"queue {qf.qid} (incoming)", None)
        self.mta.host.world.engine.env.process(self.run(qf))

    def run(self, qf: QueueFile) -> Generator[Any, Any, None]:
        world = self.mta.host.world
        self._move(qf, "active")
        self.mta.host.log("postfix/qmgr", f"{qf.qid}: from=<{qf.sender}>, size={qf.size}, "
                                          f"nrcpt={len(qf.recipients)} (queue active)")
        self._hop(qf, "cleanup", "qmgr", "queue_active", None,
                  f"from=<{qf.sender}>, size={qf.size}, nrcpt={len(qf.recipients)}")
        stamps = Stamps(qf.arrival, world.engine.now, world.engine.now)
        for route, rcpts in self._routes(qf).items():
            agent = self.mta.local if route.transport == "local" else self.mta.smtp
            results = yield from agent.deliver(qf, route, rcpts, stamps)
            self._apply(qf, rcpts, results)
        self._finish(qf)

    def _routes(self, qf: QueueFile) -> dict[Route, list[QueueRecipient]]:
        groups: dict[Route, list[QueueRecipient]] = {}
        for rcpt in qf.pending():
            route = resolve(self.mta.cf, self.mta.local_domains(), rcpt.address)
            groups.setdefault(route, []).append(rcpt)
        for route, rcpts in groups.items():
            why = ("listed in mydestination" if route.transport == "local"
                   else f"not in mydestination: {route.address_class} address class")
            names = ", ".join(f"<{r.address}>" for r in rcpts)
            self._hop(qf, "qmgr", "trivial-rewrite", f"resolve_{route.transport}", str(route),
                      f"{names} -> {route} ({why})", (("route", str(route)),))
        return groups

    def _apply(self, qf: QueueFile, rcpts: list[QueueRecipient],
               results: list[DeliveryResult]) -> None:
        by_address = {r.recipient: r for r in results}
        for rcpt in rcpts:
            result = by_address.get(rcpt.address)
            if result is None:  # a bug, never a silent loss: keep it queued, say why
                result = DeliveryResult(rcpt.address, "deferred", "4.3.0",
                                        "no result from the delivery agent", "none")
            rcpt.status, rcpt.dsn, rcpt.reason = result.status, result.dsn, result.reason
            rcpt.remote_mta, rcpt.diagnostic = result.remote_mta, result.diagnostic
            if result.status != "sent":  # a failure is always a visible step, with why
                agent = "local" if result.relay == "local" else "smtp"
                self._hop(qf, agent, "qmgr", f"status_{result.status}",
                          f"dsn={result.dsn}, status={result.status}",
                          f"<{rcpt.address}>: {result.reason}",
                          (("rcpt", rcpt.address), ("reason", result.reason)))
            if result.status == "deferred":
                self._outcome(qf, rcpt, "queued", f"deferred: {result.reason}", result.dsn)

    def _finish(self, qf: QueueFile) -> None:
        bounced = [r for r in qf.recipients if r.status == "bounced" and not r.notified]
        if bounced:
            for rcpt in bounced:
                rcpt.notified = True
            self.mta.bounce.notify(qf, bounced)
        if qf.pending():
            self._move(qf, "deferred")
            return
        del self.queues[qf.queue][qf.qid]
        self.mta.host.log("postfix/qmgr", f"{qf.qid}: removed")
        self._hop(qf, "qmgr", "qmgr", "queue_removed", None,
                  "every recipient is done: the queue file is deleted")

    def _move(self, qf: QueueFile, queue: str) -> None:
        del self.queues[qf.queue][qf.qid]
        self.queues[queue][qf.qid] = qf
        qf.queue = queue
        if queue == "active":  # a recipient still waiting says where it waits
            for rcpt in qf.pending():
                self._outcome(qf, rcpt, "queued", f"queue {qf.qid} (active)", None)

    def _hop(self, qf: QueueFile, src: str, dst: str, action: str, reply: str | None,
             detail: str, args: tuple[tuple[str, str], ...] = ()) -> None:
        host = self.mta.host
        host.world.trace.add(Hop(host.world.engine.now, qf.msg, qf.qid, host.name, src,
                                 host.name, dst, None, None, action, reply, detail, None,
                                 (("qid", qf.qid), ("host", host.name), *args)))

    def _outcome(self, qf: QueueFile, rcpt: QueueRecipient, status: str, where: str,
                 dsn: str | None) -> None:
        world = self.mta.host.world
        world.trace.set_outcome(Outcome(qf.msg, rcpt.orig, status, world.engine.now,  # type: ignore[arg-type]
                                        self.mta.host.name, where, dsn,
                                        world.trace.hop_count(qf.msg)))
