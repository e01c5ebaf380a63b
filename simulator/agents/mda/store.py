"""Writing a user's mailbox in simulated time: local(8)'s mailbox.c and maildir.c.

mbox (local/mailbox.c, global/mbox_open.c): lock the file with the kinds in
``mailbox_delivery_lock`` (dotlock first, then fcntl/flock; agents/mda/locks.py), append
the entry, unlock. A lock held by another process (a second local(8), a POP3 session,
mail(1)) makes the delivery wait, retrying every ``deliver_lock_delay``; after
``deliver_lock_attempts`` tries it is deferred with 4.2.0, as Postfix does.

Maildir (local/maildir.c): write ``tmp/time.Ppid.host``, then link it into
``new/time.VdevIinoMusec.host`` and remove the tmp name; a reader never sees half a
message and no lock is needed, so concurrent deliveries never wait.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ...model.trace import Hop
from .locks import Waited, lock_for, parse_kinds
from .mailbox import DeliveryHeaders, maildir_message, maildir_names, mbox_entry

if TYPE_CHECKING:
    from ...host import Host, User

# SIMPLIFICATION: writing one message (open, write, fsync, close) takes a fixed 2 ms.
WRITE_TIME = 0.002
SPOOL_DEVICE = 0xFD00  # st_dev of the spool file system, for Maildir names


@dataclass(frozen=True, slots=True)
class Stored:
    """What a mailbox delivery did: where, the log reason, a note for the trace."""

    path: str
    reason: str  # "delivered to mailbox" | "delivered to maildir" | the deferral reason
    note: str
    deferred: bool = False
    fast: bool = False  # the fast path's write: a free mbox lock taken without polling


@dataclass(frozen=True, slots=True)
class Delivery:
    """One message for one user's mailbox, and the trace identity it carries."""

    msg: str
    qid: str
    user: User
    path: str  # the mbox file, or the Maildir ending in "/"
    headers: DeliveryHeaders
    content: bytes


class MailboxStore:
    """The mailboxes of one host, as local(8) writes them."""

    __slots__ = ("_idle", "_inode", "host")

    def __init__(self, host: Host) -> None:
        self.host = host
        self._inode = host.world.engine.rng.randint(0x100000, 0xFFFFFF)
        self._idle: list[int] = []  # local(8) processes waiting for work (master(8) reuses them)

    def restart(self) -> None:
        """The idle local(8) processes have exited (max_idle, or one saw a table change:
        local.c pre_accept()); a fresh one starts and is the next to log and deliver."""
        self._idle[:] = [self.host.pid("postfix/local", fresh=True)]

    def deliver(self, d: Delivery, fast: bool = False) -> Generator[Any, Any, Stored]:
        """Write one copy; ``fast`` (a plain recipient, agents/mda/plain.py): a free mbox
        lock is taken at once instead of through poll()'s tries."""
        # Deliveries at the same moment run in separate local(8) processes, with their own
        # PIDs: in the log, and in the Maildir tmp/ name that keeps their files apart.
        pid = self._idle.pop() if self._idle else self.host.pid("postfix/local", fresh=True)
        if d.path.endswith("/"):
            stored = yield from self._maildir(d, pid, fast)
        else:
            stored = yield from self._mbox(d, pid, fast)
        self._idle.append(pid)
        self.host.use_pid("postfix/local", pid)  # the status= line is this process's
        return stored

    # --- mbox ---------------------------------------------------------------------------
    def _mbox(self, d: Delivery, pid: int, fast: bool) -> Generator[Any, Any, Stored]:
        host, world = self.host, self.host.world
        cf = host.cf
        assert cf is not None  # local(8) runs only on hosts with a main.cf
        kinds = parse_kinds(cf["mailbox_delivery_lock"])
        lock = lock_for(host.locks, world.engine.env, d.path)
        who = f"postfix/local[{pid}] delivering {d.qid}"
        if fast and lock.blocker(kinds, False) is None:
            # Fast path: nobody holds a conflicting lock, so poll()'s first try of every
            # kind succeeds at once (no sleep, no random draw, no hop): the same holder.
            got = Waited(lock.take(who, kinds, False), 0.0, 1, None)
        else:
            got = yield from lock.poll(who, kinds, world.engine.rng,
                                       max(1, cf.integer("deliver_lock_attempts")),
                                       cf.seconds("deliver_lock_delay"))
            fast = False
        if got.waited > 0 or got.holder is None:
            self._lock_hop(d, got, kinds)
        if got.holder is None:
            reason = (f"cannot update mailbox {d.path} for user {d.user.name}. "
                      f"{got.failure}")
            return Stored(d.path, reason, "", deferred=True)
        boot = host.boot
        yield world.engine.env.timeout(WRITE_TIME)
        if host.boot != boot:  # the host went down while writing: the queue still has it
            lock.release(got.holder)
            return Stored(d.path, "the host went down during the write", "", deferred=True)
        now = world.engine.now
        entry = mbox_entry(d.headers, d.content, world.engine.clock.asctime(now))
        host.fs.append(d.path, entry, owner=d.user.name, mode=0o600, mtime=now)
        lock.release(got.holder)
        return Stored(d.path, "delivered to mailbox", f"locked with {_kinds_text(kinds, d.path)}",
                      fast=fast)

    def _lock_hop(self, d: Delivery, got: Waited, kinds: frozenset[str]) -> None:
        world = self.host.world
        held = got.blocked_by or "another process"
        action = "mbox_lock_failed" if got.holder is None else "mbox_lock_wait"
        detail = (f"gave up after {got.attempts} attempts in {got.waited:.2f} s: {got.failure}"
                  if got.holder is None else
                  f"waited {got.waited:.2f} s ({got.attempts} attempts) for {d.path}")
        cf = self.host.cf
        assert cf is not None
        detail += f"; held by {held}; mailbox_delivery_lock = {cf['mailbox_delivery_lock']}"
        world.trace.add(Hop(world.engine.now, d.msg, d.qid, self.host.name, "local",
                            self.host.name, "mailbox", "local", None, action,
                            "locked" if got.holder else "status=deferred", detail, None,
                            (("path", d.path), ("waited", f"{got.waited:.2f}"),
                             ("attempts", str(got.attempts)), ("holder", held),
                             ("kinds", _kinds_text(kinds, d.path)))))

    # --- Maildir ------------------------------------------------------------------------
    def _maildir(self, d: Delivery, pid: int, fast: bool) -> Generator[Any, Any, Stored]:
        host, world = self.host, self.host.world
        self._inode += 1
        moment = world.engine.clock.at(world.engine.now)
        names = maildir_names(d.path, int(moment.timestamp()), pid, SPOOL_DEVICE,
                              self._inode, moment.microsecond, host.hostname)
        for sub in ("tmp", "new", "cur"):  # maildir.c make_dirs(): all three, once
            host.fs.mkdir(f"{d.path.rstrip('/')}/{sub}")
        host.fs.write(names.tmp, maildir_message(d.headers, d.content), d.user.name, 0o600,
                      world.engine.now)
        world.trace.add(Hop(world.engine.now, d.msg, d.qid, host.name, "local", host.name,
                            "mailbox", "local", None, "maildir_tmp", None,
                            f"wrote {names.tmp} (no lock needed)",
                            None, (("path", names.tmp), ("maildir", d.path))))
        boot = host.boot
        yield world.engine.env.timeout(WRITE_TIME)
        if host.boot != boot:  # a crash leaves the file in tmp/, never seen by a reader
            return Stored(d.path, "the host went down during the write", "", deferred=True)
        host.fs.rename(names.tmp, names.new)  # link() into new/, then unlink() the tmp name
        return Stored(d.path, "delivered to maildir", f"tmp/ renamed to {names.new}",
                      fast=fast)  # Maildir takes no lock: nothing to refuse


@lru_cache(maxsize=4096)  # one text per (lock kinds, mailbox): computed once a run
def _kinds_text(kinds: frozenset[str], path: str) -> str:
    order = [k for k in ("dotlock", "flock", "fcntl") if k in kinds]
    return " + ".join(f"dotlock ({path}.lock)" if k == "dotlock" else k for k in order) or "none"
