"""Models when Postfix qmgr(8) looks at its deferred queue (qmgr.c, qmgr_scan.c).

A real queue manager scans the deferred queue when it starts and then every
queue_run_delay, moving each file whose time stamp is due into the active queue. A scan
that finds nothing due changes nothing, so the simulation runs only the scans that will
move a file: when a file is deferred (or released from hold) it asks for the first scan
instant ``start + k × queue_run_delay`` that will take it (backoff.next_scan), and one
SimPy timeout per distinct instant runs that scan. The instants are exactly those of the
periodic scanner, and a queue with nothing deferred costs no events at all.

``postqueue -f`` asks for an immediate scan of every deferred file whatever its time stamp
(mail_flush_deferred(): QMGR_REQ_SCAN_ALL); a restart begins a new series from the
moment the queue manager starts again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .backoff import eligible, next_scan
from .master import running

if TYPE_CHECKING:
    from .qmgr import Qmgr
    from .queue import QueueFile


class DeferredScans:
    __slots__ = ("_wanted", "anchor", "generation", "qmgr")

    def __init__(self, qmgr: Qmgr) -> None:
        self.qmgr = qmgr
        self.anchor = 0.0  # when this queue manager (re)started: scans at anchor + k × delay
        self.generation = 0  # a restart makes earlier requested scans void
        self._wanted: set[float] = set()

    @property
    def run_delay(self) -> float:
        return self.qmgr.mta.cf.seconds("queue_run_delay")

    def want(self, qf: QueueFile) -> float:
        """Make sure the scan that will take ``qf`` runs; return its instant."""
        env = self.qmgr.mta.host.world.engine.env
        now = float(env.now)
        scan = next_scan(now, qf.mtime, self.anchor, self.run_delay)
        if scan not in self._wanted:
            self._wanted.add(scan)
            event = env.timeout(scan - now)
            generation = self.generation
            event.callbacks.append(lambda _e: self._scan(scan, generation))
        return scan

    def restart(self, now: float) -> None:
        """The queue manager starts again: a scan now, then every queue_run_delay."""
        self.anchor, self.generation = now, self.generation + 1
        self._wanted = set()
        for qf in self.qmgr.deferred():
            qf.next_try = self.want(qf)

    def _scan(self, scan: float, generation: int) -> None:
        if generation != self.generation:
            return  # asked for by a queue manager that has since restarted
        self._wanted.discard(scan)
        if not running(self.qmgr.mta):
            return
        # SIMPLIFICATION: every due file goes to active at once (no qmgr_message_active_limit)
        # and each is tried (no per-destination concurrency or dead-site throttling).
        due = [qf for qf in self.qmgr.deferred() if eligible(qf.mtime, scan)]
        for qf in due:
            self.qmgr.retry(qf, scan, self._why(qf, scan))

    def _why(self, qf: QueueFile, scan: float) -> str:
        clock = self.qmgr.mta.host.world.engine.clock
        k = round((scan - self.anchor) / self.run_delay)
        return (f"deferred-queue scan #{k} at {clock.short(scan)} (queue_run_delay "
                f"{self.run_delay:g}s since {clock.short(self.anchor)}): its time stamp "
                f"{clock.short(qf.mtime)} is due")

    def flush(self) -> list[Any]:
        """postqueue -f: every deferred file to the active queue now, time stamps ignored."""
        files = self.qmgr.deferred()
        for qf in files:
            self.qmgr.retry(qf, self.qmgr.mta.host.world.engine.now,
                            "postqueue -f: the queue manager scans the whole deferred "
                            "queue now, ignoring time stamps")
        return files
