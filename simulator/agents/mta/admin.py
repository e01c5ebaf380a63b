"""What an administrator's commands do to a Postfix queue: postsuper(1) and flush(8).

- postsuper -d deletes a queue file (and its logs); -h renames it into *hold*, where qmgr
  never looks; -H renames it from hold into *deferred* with its old time stamp, so the
  next deferred-queue scan takes it; -r renames it into *maildrop*, where pickup sends it
  through cleanup again as a new queue file; -e marks it for forced expiration
  (postsuper.c delete_one(), hold_one(), release_one(), requeue_one(), expire_one()).
- postqueue -i moves one deferred file to *incoming* with the time stamp now and asks for
  an incoming-queue scan; postqueue -s does that for every file deferred to a site listed
  in fast_flush_domains (flush.c flush_one_file(), flush_send_path()); postqueue -f asks
  qmgr to scan the whole deferred queue at once (scan.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...model.address import domain_of
from .master import running
from .queue import QueueFile

if TYPE_CHECKING:
    from .qmgr import Qmgr


class QueueAdmin:
    __slots__ = ("qmgr",)

    def __init__(self, qmgr: Qmgr) -> None:
        self.qmgr = qmgr

    @property
    def now(self) -> float:
        return self.qmgr.mta.host.world.engine.now

    # --- postsuper ---------------------------------------------------------------------------
    def delete(self, qf: QueueFile) -> None:
        host = self.qmgr.mta.host
        self.qmgr.delete(qf)
        self.qmgr.note(qf, "postsuper", "qmgr", "queue_deleted", "removed",
                       "postsuper -d: the queue file is deleted; nobody is told")
        for rcpt in qf.pending():
            self.qmgr.outcome(qf, rcpt, "deleted", f"queue file {qf.qid} deleted by "
                              f"postsuper -d on {host.name}", None)
        host.world.trace.file_gone(qf.msg)

    def hold(self, qf: QueueFile) -> bool:
        if qf.queue in ("maildrop", "hold"):
            return False  # maildrop mail is not yet sanitised; hold is hold
        self.qmgr.move(qf, "hold")
        qf.next_try = None
        self.qmgr.note(qf, "postsuper", "qmgr", "queue_hold", "placed on hold",
                       "postsuper -h: moved to the hold queue")
        for rcpt in qf.pending():
            self.qmgr.outcome(qf, rcpt, "queued", f"on hold in queue {qf.qid} "
                              "(postsuper -H releases it)", rcpt.dsn)
        return True

    def release(self, qf: QueueFile) -> bool:
        if qf.queue != "hold":
            return False
        self.qmgr.move(qf, "deferred")
        qf.next_try = self.qmgr.scans.want(qf)
        clock = self.qmgr.mta.host.world.engine.clock
        self.qmgr.note(qf, "postsuper", "qmgr", "queue_release", "released from hold",
                       f"postsuper -H: back to the deferred queue with its time stamp "
                       f"{clock.short(qf.mtime)}; next deferred-queue scan that takes it: "
                       f"{clock.short(qf.next_try)}")
        for rcpt in qf.pending():
            self.qmgr.outcome(qf, rcpt, "queued", f"deferred: {rcpt.defer_reason or 'released'}",
                              rcpt.dsn, qf.next_try)
        return True

    def requeue(self, qf: QueueFile) -> bool:
        if qf.queue == "maildrop":
            return False
        self.qmgr.move(qf, "maildrop")
        qf.next_try = None
        self.qmgr.note(qf, "postsuper", "pickup", "queue_requeue", "requeued",
                       "postsuper -r: moved to maildrop; pickup and cleanup make it a new "
                       "queue file")
        self.qmgr.mta.pickup.requeue(qf)
        return True

    def expire(self, qf: QueueFile) -> bool:
        if qf.queue == "maildrop":
            return False
        qf.forced_expire = True
        return True

    # --- the flush service -------------------------------------------------------------------
    def flush_file(self, qid: str) -> None:
        """postqueue -i: one deferred file to incoming, time stamp now, delivered at once."""
        qf = self.qmgr.queues["deferred"].get(qid) or self.qmgr.queues["incoming"].get(qid)
        if qf is None:
            return
        self._to_incoming(qf, f"postqueue -i {qid}")

    def flush_site(self, site: str) -> int:
        """postqueue -s: every file deferred to ``site`` (its fast flush log) goes now."""
        files = [qf for qf in self.qmgr.deferred()
                 if any(domain_of(r.address) == site.lower() for r in qf.pending())]
        for qf in files:
            self._to_incoming(qf, f"postqueue -s {site}")
        return len(files)

    def flush_all(self) -> int:
        return len(self.qmgr.scans.flush())

    def _to_incoming(self, qf: QueueFile, why: str) -> None:
        self.qmgr.move(qf, "incoming")
        qf.mtime = self.now
        if running(self.qmgr.mta):
            self.qmgr.retry(qf, self.now, f"{why}: the flush service moves it to the incoming "
                                          "queue with the time stamp now; qmgr takes it at once")


def fast_flush_ok(domains: list[str], site: str) -> bool:
    """domain_list_match() on fast_flush_domains: the domain or one below it."""
    return any(_matches(site.lower(), d.lower()) for d in domains)


def _matches(domain: str, pattern: str) -> bool:
    domain, pattern = domain.lower(), pattern.lower()
    return domain == pattern or domain.endswith("." + pattern)
