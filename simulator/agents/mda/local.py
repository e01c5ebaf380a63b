"""Models Postfix local(8): final delivery on this host.

For each recipient of a delivery request (local/local.c local_deliver()): a fresh duplicate
filter, the message's Delivered-To: headers for loop detection, then the walk of
recipient.py (alias, ~/.forward, mailbox, else ``unknown user: "name"``), whose leaves
leaves.py carries out. Addresses the walk hands back to the queue are re-queued at the end
of the recipient as new messages, one per (Delivered-To, sender) pair (resubmit.py).

local(8) reads the *compiled* alias database (alias_maps, ``/etc/aliases.db``), never the
text file. Like a real local(8) process it opens its tables when it starts; a process
exits after max_idle (100 s) without work, and one that sees a table file change restarts
(``table ... has changed -- restarting``). A starting process warns when a database is
older than its source (``database /etc/aliases.db is older than source file
/etc/aliases``): the sign that someone forgot ``newaliases``.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from ...model import rawmsg
from ...model.status import DeliveryResult
from ..mta.delivery_log import Stamps
from . import aliases, recipient
from .expansion import Facts, Leaf
from .leaves import Leaves
from .mailbox import DeliveryHeaders, maildir_message, maildir_names, mbox_entry
from .plain import plain_leaf
from .store import SPOOL_DEVICE, MailboxStore

if TYPE_CHECKING:
    from ...host import User
    from ..mta.mta import Mta
    from ..mta.queue import QueueFile, QueueRecipient
    from ..mta.resolve import Route

MAX_IDLE = 100.0  # max_idle: an idle local(8) process exits
# dict_make_registered_name(): local(8) opens alias_maps with these flags (local.c)
TABLE_FLAGS = "(0,lock|no_regsub|no_proxy|no_unauth|fold_fix|utf8_request)"
# smtpd_check.c: accepted whatever local_recipient_maps says (bounce and qmgr use them)
ALWAYS_ACCEPTED = ("postmaster", "mailer-daemon", "double-bounce")


class Local:
    __slots__ = ("_detailed", "_idle_since", "_inode", "_opened", "_tables", "mta", "store")

    def __init__(self, mta: Mta) -> None:
        self.mta = mta
        self.store = MailboxStore(mta.host)  # mailbox writing and locking: store.py
        self._inode = 0  # Maildir names of /file/ destinations
        self._opened: dict[str, float] | None = None  # db path -> mtime, per process
        # decoded alias databases, reused while their file is the same (never stale: a
        # rebuilt database is a new file object with a new mtime)
        self._tables: dict[str, tuple[object, float, aliases.AliasDb]] = {}
        self._idle_since = 0.0
        self._detailed = mta.host.world.detailed  # MAILSIM_DETAILED: no fast path (plain.py)

    # --- smtpd's question ----------------------------------------------------------------
    def knows(self, local_part: str) -> bool | None:
        """local_recipient_maps (default ``proxy:unix:passwd.byname $alias_maps``): is the
        name a user or a key of the compiled alias database? None: a table is missing
        (smtpd answers 451 4.3.0 Temporary lookup failure)."""
        cf, host = self.mta.cf, self.mta.host
        maps = cf.list("local_recipient_maps")
        if not maps or local_part.lower() in ALWAYS_ACCEPTED:
            return True  # empty: every local address is accepted (postconf(5))
        names = {local_part.lower()}
        delim = cf["recipient_delimiter"]
        cut = next((i for i, c in enumerate(local_part) if c in delim and i), None) \
            if delim else None
        if cut is not None:
            names.add(local_part[:cut].lower())
        if any(m.endswith("passwd.byname") for m in maps) and names & set(host.users):
            return True
        alias_maps = {str(n) for n in aliases.map_names(cf, "alias_maps")}
        for name in aliases.map_names(cf, "local_recipient_maps"):
            if str(name) in alias_maps:
                db = self.open_table(name)
                if db.table is None:
                    return None
                if any(db.get(n) is not None for n in names):
                    return True
        return False

    # --- delivery ------------------------------------------------------------------------
    def deliver(self, qf: QueueFile, route: Route, rcpts: list[QueueRecipient],
                stamps: Stamps) -> Generator[Any, Any, list[DeliveryResult]]:
        facts = self._facts(qf)
        node = f"{self.mta.host.name}:{qf.qid}"
        leaves = Leaves(self, qf, stamps)
        fast = self.mta.host.world.fast_local
        results = []
        boot = self.mta.host.boot
        for i, rcpt in enumerate(rcpts):  # writes take time and may wait for mbox locks
            leaf = "detailed" if self._detailed else \
                plain_leaf(facts, rcpt, qf.sender, f"{node}:{i}")
            if isinstance(leaf, Leaf):  # plain.py: the walk's one mailbox leaf, without it
                result = yield from leaves.plain(rcpt, leaf)
            else:
                fast[f"refused {leaf}"] = fast.get(f"refused {leaf}", 0) + 1
                walk = recipient.expand(facts, f"{node}:{i}", rcpt.address, rcpt.orig,
                                        rcpt.dsn_orcpt, qf.sender)
                result = yield from leaves.apply(rcpt, walk)
            if self.mta.host.boot != boot:
                break  # the host went down meanwhile: this one was not written down
            results.append(result)
        self._idle_since = self.mta.host.world.engine.now
        return results

    def _facts(self, qf: QueueFile) -> Facts:
        host, cf = self.mta.host, self.mta.cf
        dbs = [self.open_table(n) for n in aliases.map_names(cf, "alias_maps")]
        self._process(dbs)
        clock = host.world.engine.clock
        return Facts(cf, host.users, host.fs, self.mta.local_domains(), dbs,
                     _delivered_to(qf.content), qf.trace_only, self.mailbox_path,
                     clock.short, self.mta.family)

    def open_table(self, name: aliases.MapName) -> aliases.AliasDb:
        vf = self.mta.host.fs.stat(name.db_path)
        cached = self._tables.get(name.db_path)
        if cached is not None and cached[0] is vf and vf is not None and cached[1] == vf.mtime:
            return cached[2]
        db = aliases.open_db(self.mta.host.fs, name)
        self._tables[name.db_path] = (vf, db.mtime, db)
        return db

    def _process(self, dbs: list[aliases.AliasDb]) -> None:
        """A new local(8) process when the last one idled out or saw a table change."""
        host, now = self.mta.host, self.mta.host.world.engine.now
        mtimes = {db.name.db_path: db.mtime for db in dbs}
        if self._opened is not None and now - self._idle_since <= MAX_IDLE:
            changed = next((db for db in dbs if db.name.db_path in self._opened
                            and self._opened[db.name.db_path] != db.mtime), None)
            if changed is None:
                return
            host.log("postfix/local", f"table {changed.name}{TABLE_FLAGS} has changed -- "
                                      "restarting")
        self.store.restart()
        self._opened = mtimes
        for line in self.open_warnings(dbs):
            host.log("postfix/local", line)

    def open_warnings(self, dbs: list[aliases.AliasDb]) -> list[str]:
        """What a daemon logs as it opens these tables at process start: a missing one
        (dict_surrogate.c) or one older than its source, unless the source changed in
        the last 100 s (dict_db.c dict_db_open(); only for a table opened with
        DICT_FLAG_LOCK, as local(8) and smtpd(8) open theirs)."""
        host, now = self.mta.host, self.mta.host.world.engine.now
        out = []
        for db in dbs:
            if db.table is None:
                out.append(f"warning: {db.name} is unavailable. {db.error}")
            elif aliases.stale(host.fs, db, now):
                out.append(f"warning: database {db.name.db_path} is older than source "
                           f"file {db.name.path}")
        return out

    def recipient_map_warnings(self) -> list[str]:
        """smtpd(8) opens local_recipient_maps when it starts (smtpd.c pre_jail_init()):
        the alias databases among them warn as local(8)'s do, under smtpd's name."""
        cf = self.mta.cf
        if not cf.list("local_recipient_maps"):
            return []
        alias_maps = {str(n) for n in aliases.map_names(cf, "alias_maps")}
        dbs = [self.open_table(n) for n in aliases.map_names(cf, "local_recipient_maps")
               if str(n) in alias_maps]
        return self.open_warnings(dbs)

    # --- mailboxes -----------------------------------------------------------------------
    def mailbox_path(self, user: User) -> str:
        home_mailbox = self.mta.cf["home_mailbox"]
        if home_mailbox:
            return f"{user.home.rstrip('/')}/{home_mailbox}"
        if self.mta.family == "qmail":  # qmail-start ./Mailbox (/var/qmail/boot/home)
            return f"{user.home.rstrip('/')}/Mailbox"
        return f"{self.mta.cf['mail_spool_directory'].rstrip('/')}/{user.name}"

    def write_file(self, qf: QueueFile, path: str, owner: str,
                   headers: DeliveryHeaders) -> None:
        """/file/name: append an mbox entry, or write a Maildir file when it ends in /."""
        host, world = self.mta.host, self.mta.host.world
        now = world.engine.now
        if not path.endswith("/"):
            entry = mbox_entry(headers, qf.content, world.engine.clock.asctime(now))
            host.fs.append(path, entry, owner=owner, mode=0o600, mtime=now)
            return
        self._inode += 1
        moment = world.engine.clock.at(now)
        names = maildir_names(path, int(moment.timestamp()), host.pid("postfix/local"),
                              SPOOL_DEVICE, self._inode, moment.microsecond, host.hostname)
        host.fs.write(names.tmp, maildir_message(headers, qf.content), owner, 0o600, now)
        host.fs.rename(names.tmp, names.new)


def _delivered_to(content: bytes) -> frozenset[str]:
    """delivered_hdr.c: the Delivered-To: headers of the primary header block, lower case.
    A message without the name anywhere in its headers (the usual case) is not parsed."""
    block = rawmsg.split(content)[0]
    if b"delivered-to" not in block.lower():
        return frozenset()
    return frozenset(value.lower() for name, value in rawmsg.headers(content)
                     if name.lower() == "delivered-to")
