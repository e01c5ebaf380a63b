"""Locks on an mbox file, as Postfix local(8) and Dovecot take them.

An mbox is one file that several programs write: local(8) appends, a POP3/IMAP server
rewrites it to remove or re-flag messages, mail(1) writes it back on quit. Without a
common lock two writers interleave their bytes, or a rewrite drops a message that was
appended meanwhile: the lock protects the file from exactly that.

Three kinds of lock exist and programs interoperate only through the kinds they share
(doc.dovecot.org "Mbox Locking"):
- ``dotlock``: the file ``NAME.lock`` beside the mailbox, created with O_EXCL; never shared.
- ``fcntl`` and ``flock``: kernel locks on the open file; read locks are shared, a write
  lock is exclusive. On Linux the two are independent of each other.

Postfix (global/mbox_open.c, dot_lockfile.c, deliver_flock.c) takes the kinds listed in
``mailbox_delivery_lock`` (Linux: ``fcntl, dotlock``), dotlock first, each with
non-blocking attempts: up to ``deliver_lock_attempts`` (20) tries with a random sleep of
``deliver_lock_delay`` (1s) +- 25% between them (util/rand_sleep.c), then it gives up and
the delivery is deferred (4.2.0). Dovecot blocks instead (fcntl F_SETLKW): readers take
``mbox_read_locks = fcntl`` (shared), writers ``mbox_write_locks = dotlock fcntl``.

A SimPy event per lock wakes the processes that block; only mbox files get a lock, since
Maildir delivery needs none.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import random

    import simpy

KINDS = ("flock", "fcntl", "dotlock")
DOVECOT_READ = frozenset({"fcntl"})  # mbox_read_locks default (Dovecot 2.3)
DOVECOT_WRITE = frozenset({"dotlock", "fcntl"})  # mbox_write_locks default


@lru_cache(maxsize=16)
def parse_kinds(value: str) -> frozenset[str]:
    """``fcntl, dotlock`` -> its kinds; unknown names raise ValueError (mbox_conf.c)."""
    names = [n for n in value.replace(",", " ").split() if n]
    unknown = [n for n in names if n not in KINDS]
    if unknown:
        raise ValueError(f"unknown lock method {unknown[0]!r} (expected some of: "
                         f"{', '.join(KINDS)})")
    return frozenset(names)


@dataclass(slots=True)
class Holder:
    """One process's hold on the file."""

    who: str  # "postfix/local[4711]", "dovecot/pop3 (bob)"
    kinds: set[str]
    shared: bool  # a read lock; a dotlock is never shared
    since: float


@dataclass(frozen=True, slots=True)
class Waited:
    """How a lock was obtained: after how long, how many tries, and who was in the way."""

    holder: Holder | None  # None: gave up
    waited: float
    attempts: int
    blocked_by: str | None  # the holder that made us wait (first seen)
    failure: str | None = None  # Postfix's reason text when it gave up


class MboxLock:
    """Every lock currently held on one mbox file.

    Deliveries that queue on a busy mbox (each poller is a holder with no kind yet, while
    it sleeps between tries) are kept apart from the holders that really hold a kind: a
    conflict check looks only at the latter, which are few (a dotlock is exclusive), so a
    long queue of waiting deliveries costs O(1) per try, not O(queue)."""

    __slots__ = ("_active", "_order", "_released", "_seq", "_waiting", "env", "path")

    def __init__(self, env: simpy.Environment, path: str) -> None:
        self.env, self.path = env, path
        self._order: dict[int, tuple[int, Holder]] = {}  # id -> (seq, holder), as they came
        self._active: dict[int, tuple[int, Holder]] = {}  # the part that holds some kind
        self._seq = 0
        self._released = env.event()
        self._waiting = 0  # processes blocked in wait(): only they need the wake-up event

    @property
    def holders(self) -> list[Holder]:
        """Every holder (with or without a kind yet), in the order they came."""
        return [h for _, h in self._order.values()]

    def blocker(self, kinds: frozenset[str] | set[str], shared: bool,
                me: Holder | None = None) -> Holder | None:
        """The first holder (in the order they came) whose lock conflicts with ``kinds``."""
        best: tuple[int, Holder] | None = None
        for seq, h in self._active.values():
            if h is me or (best is not None and seq > best[0]):
                continue
            common = kinds & h.kinds
            if common and ("dotlock" in common or not (shared and h.shared)):
                best = (seq, h)
        return None if best is None else best[1]

    def _add(self, holder: Holder) -> Holder:
        self._seq += 1
        self._order[id(holder)] = (self._seq, holder)
        if holder.kinds:  # a poller comes with none: it keeps its place until it gets one
            self._active[id(holder)] = self._order[id(holder)]
        return holder

    def take(self, who: str, kinds: frozenset[str], shared: bool) -> Holder:
        return self._add(Holder(who, set(kinds), shared, self.env.now))

    def release(self, holder: Holder) -> None:
        self._order.pop(id(holder), None)
        self._active.pop(id(holder), None)
        if self._waiting:  # no SimPy event at all when nobody blocks (the usual case)
            released, self._released = self._released, self.env.event()
            released.succeed()

    def wait(self, who: str, kinds: frozenset[str],
             shared: bool) -> Generator[Any, Any, Waited]:
        """Block until no conflicting lock is held (Dovecot's blocking fcntl/dotlock)."""
        start, first, tries = self.env.now, None, 1
        while (b := self.blocker(kinds, shared)) is not None:
            first = first or b.who
            tries += 1
            self._waiting += 1
            yield self._released
            self._waiting -= 1
        return Waited(self.take(who, kinds, shared), self.env.now - start, tries, first)

    def poll(self, who: str, kinds: frozenset[str], rng: random.Random, attempts: int,
             delay: float) -> Generator[Any, Any, Waited]:
        """Postfix's mbox_open(): dotlock first, then the kernel locks, each with up to
        ``attempts`` non-blocking tries and rand_sleep(delay, delay/2) between them.

        SIMPLIFICATION: no dotlock lives past stale_lock_time (500s) here, so dot_lockfile()
        never has a stale lock to break."""
        start = self.env.now
        holder = self._add(Holder(who, set(), False, start))
        first: str | None = None
        tries = 1  # the first try, then one more after each sleep
        for step in (kinds & {"dotlock"}, kinds - {"dotlock"}):
            if not step:
                continue
            ok, n, seen = yield from self._try(holder, step, rng, attempts, delay)
            tries += n - 1
            first = first or seen
            if not ok:
                self.release(holder)
                why = (f"unable to create lock file {self.path}.lock: File exists"
                       if "dotlock" in step else
                       "unable to lock for exclusive access: Resource temporarily unavailable")
                return Waited(None, self.env.now - start, tries, first, why)
        holder.since = self.env.now
        return Waited(holder, self.env.now - start, tries, first)

    def _try(self, holder: Holder, kinds: frozenset[str], rng: random.Random, attempts: int,
             delay: float) -> Generator[Any, Any, tuple[bool, int, str | None]]:
        first = None
        for attempt in range(1, attempts + 1):
            b = self.blocker(kinds, False, me=holder)
            if b is None:
                holder.kinds |= kinds
                self._active[id(holder)] = self._order[id(holder)]
                return True, attempt, first
            first = first or b.who
            if attempt < attempts:
                yield self.env.timeout(delay - delay / 4 + (delay / 2) * rng.random())
        return False, attempts, first


def lock_for(locks: dict[str, MboxLock], env: simpy.Environment, path: str) -> MboxLock:
    """The one lock object of ``path`` on a host (made on first use)."""
    lock = locks.get(path)
    if lock is None:
        lock = locks[path] = MboxLock(env, path)
    return lock
