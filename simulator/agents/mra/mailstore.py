"""A user's INBOX as Dovecot's storage layer sees it: UIDs, flags, \\Recent, for POP3 and IMAP.

Maildir (Dovecot lib-storage/index/maildir): each file is a message; its flags live in
the name after ``:2,`` (``S`` seen, ``R`` answered, ``F`` flagged, ``T`` deleted, ``D``
draft, in ASCII order; cr.yp.to/proto/maildir.html). UIDs are kept in the
``dovecot-uidlist`` file beside ``new/`` and ``cur/``. A session that opens the mailbox
read-write (IMAP SELECT, POP3) takes over the new messages: they move from ``new/`` to
``cur/`` with an empty ``:2,`` suffix and are \\Recent for that session only
(maildir-sync.c).

mbox (lib-storage/index/mbox): messages are entries of one file; flags are written into
``Status:`` (``R`` seen, ``O`` not recent) and ``X-Status:`` (``A`` answered, ``F``
flagged, ``T`` draft, ``D`` deleted) when Dovecot rewrites the file, which with
``mbox_lazy_writes = yes`` happens when the mailbox is closed or messages are expunged.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from ..mda.mailbox import mbox_chunks, status_flags, with_status_headers, without_status_headers

if TYPE_CHECKING:
    from ...host import Host

SEEN, ANSWERED, FLAGGED = "\\Seen", "\\Answered", "\\Flagged"
DELETED, DRAFT = "\\Deleted", "\\Draft"
SYSTEM_FLAGS = (ANSWERED, FLAGGED, DELETED, SEEN, DRAFT)  # the order Dovecot lists them
_MAILDIR_LETTER = {DRAFT: "D", FLAGGED: "F", ANSWERED: "R", SEEN: "S", DELETED: "T"}
_MBOX_X_LETTER = {ANSWERED: "A", FLAGGED: "F", DRAFT: "T", DELETED: "D"}
UIDLIST = "dovecot-uidlist"


@dataclass(slots=True)
class IndexedMessage:
    uid: int
    data: bytes  # as served to clients (mbox book-keeping headers removed)
    flags: set[str]
    where: str  # Maildir: the file's path; mbox: the identity of its entry
    arrived: float = 0.0  # epoch seconds: INTERNALDATE (Maildir name, mbox From_ line)
    recent: bool = False  # \Recent in the session that opened the mailbox


@dataclass(slots=True)
class MailboxIndex:
    """The index of one mailbox; lives as long as the host (Dovecot's index files)."""

    path: str  # the mbox file, or the Maildir ending in "/"
    uidvalidity: int
    next_uid: int = 1
    first_recent_uid: int = 1  # messages from here on are \Recent for the next session
    uids: dict[str, int] = field(default_factory=dict)  # entry identity / file base -> UID
    flags: dict[int, set[str]] = field(default_factory=dict)  # mbox: flags not yet written
    dirty: bool = False  # mbox: flags changed since the file was last written

    @property
    def is_maildir(self) -> bool:
        return self.path.endswith("/")


def open_index(host: Host, path: str) -> MailboxIndex:
    """The host's index of ``path``, created (with a new UIDVALIDITY) on first use."""
    index = host.indexes.get(path)
    if index is None:
        now = host.world.engine.clock.at(host.world.engine.now)
        index = host.indexes[path] = MailboxIndex(path, int(now.timestamp()))
    return index


class Mailbox:
    """One session's view of a mailbox: sync it, change flags, expunge, write back."""

    __slots__ = ("host", "index", "messages", "moved")

    def __init__(self, host: Host, path: str) -> None:
        self.host, self.index = host, open_index(host, path)
        self.messages: list[IndexedMessage] = []
        self.moved: list[tuple[str, str]] = []  # Maildir new/ -> cur/ renames of this sync

    def sync(self, drop_recent: bool) -> Mailbox:
        """Read the store; new messages get UIDs; with ``drop_recent`` this session takes
        \\Recent over from the index (and, on Maildir, moves new/ to cur/)."""
        if self.index.is_maildir:
            self._sync_maildir(drop_recent)
        else:
            self._sync_mbox()
        self.messages.sort(key=lambda m: m.uid)
        for m in self.messages:
            m.recent = drop_recent and m.uid >= self.index.first_recent_uid
        if drop_recent:
            self.index.first_recent_uid = self.index.next_uid
        return self

    def _new_uid(self, identity: str) -> int:
        uid = self.index.uids.get(identity)
        if uid is None:
            uid = self.index.uids[identity] = self.index.next_uid
            self.index.next_uid += 1
        return uid

    # --- Maildir ------------------------------------------------------------------------
    def _sync_maildir(self, drop_recent: bool) -> None:
        fs, base = self.host.fs, self.index.path.rstrip("/")
        self._read_uidlist(base)
        paths = fs.under(base + "/new") + fs.under(base + "/cur")
        found = [(p.rsplit("/", 1)[1], p) for p in paths]
        for name, path in sorted(found, key=lambda x: x[0].split(":2,")[0]):
            stem, _, info = name.partition(":2,")
            if drop_recent and path.startswith(base + "/new/"):
                moved = f"{base}/cur/{stem}:2,{info}"
                fs.rename(path, moved)
                self.moved.append((path, moved))
                path = moved
            flags = {f for f, letter in _MAILDIR_LETTER.items() if letter in info}
            arrived = float(stem.split(".", 1)[0]) if stem.split(".", 1)[0].isdigit() else 0.0
            self.messages.append(IndexedMessage(self._new_uid(stem), fs.read(path) or b"",
                                                flags, path, arrived))
        self._write_uidlist(base)

    def _read_uidlist(self, base: str) -> None:
        """dovecot-uidlist v3: ``3 V<uidvalidity> N<next uid> G<guid>``, then ``uid :name``."""
        data = self.host.fs.read(f"{base}/{UIDLIST}")
        if data is None or self.index.uids:
            return
        lines = data.decode().splitlines()
        head = {f[0]: f[1:] for f in lines[0].split()[1:]}
        self.index.uidvalidity, self.index.next_uid = int(head["V"]), int(head["N"])
        for line in lines[1:]:
            uid, _, name = line.partition(" :")
            self.index.uids[name] = int(uid)

    def _write_uidlist(self, base: str) -> None:
        guid = hashlib.md5(f"{self.host.name}{base}".encode()).hexdigest()
        lines = [f"3 V{self.index.uidvalidity} N{self.index.next_uid} G{guid}"]
        lines += [f"{uid} :{name}" for name, uid in sorted(self.index.uids.items(),
                                                           key=lambda x: x[1])]
        owner = self.host.fs.stat(f"{base}/{UIDLIST}")
        self.host.fs.write(f"{base}/{UIDLIST}", ("\n".join(lines) + "\n").encode(),
                           owner.owner if owner else _owner_of(self.host, base), 0o600,
                           self.host.world.engine.now)

    # --- mbox ---------------------------------------------------------------------------
    def _sync_mbox(self) -> None:
        seen: dict[str, int] = {}
        for chunk in mbox_chunks(self.host.fs.read(self.index.path) or b""):
            identity = _identity(chunk, seen)
            message = chunk.partition(b"\n")[2]
            uid = self._new_uid(identity)
            flags = self.index.flags.get(uid)
            if flags is None:
                flags = self.index.flags[uid] = _mbox_flags(*status_flags(message))
            served = without_status_headers(message)
            if served.endswith(b"\n\n"):
                served = served[:-1]  # the blank line belongs to the mbox, not the message
            self.messages.append(IndexedMessage(uid, served, flags, identity,
                                                self._from_line_time(chunk)))

    def _from_line_time(self, chunk: bytes) -> float:
        """The asctime() at the end of the ``From `` line, in the host's time zone."""
        text = chunk.partition(b"\n")[0].decode("ascii", "replace")[-24:]
        try:
            moment = datetime.strptime(text, "%a %b %d %H:%M:%S %Y")
        except ValueError:
            return 0.0
        return moment.replace(tzinfo=self.host.world.engine.clock.tz).timestamp()

    # --- changes ------------------------------------------------------------------------
    def set_flags(self, message: IndexedMessage, flags: set[str]) -> None:
        if flags == message.flags:
            return
        message.flags = set(flags)
        if not self.index.is_maildir:
            self.index.flags[message.uid] = message.flags
            self.index.dirty = True
            return
        base = self.index.path.rstrip("/")
        stem = message.where.rsplit("/", 1)[1].partition(":2,")[0]
        letters = "".join(sorted(_MAILDIR_LETTER[f] for f in message.flags if f in _MAILDIR_LETTER))
        renamed = f"{base}/cur/{stem}:2,{letters}"
        if renamed != message.where:
            self.moved.append((message.where, renamed))
            self.host.fs.rename(message.where, renamed)
            message.where = renamed

    def expunge(self, uids: set[int]) -> list[IndexedMessage]:
        """Remove these messages from the store; the ones removed."""
        gone = [m for m in self.messages if m.uid in uids]
        if not gone:
            return []
        self.messages = [m for m in self.messages if m.uid not in uids]
        if self.index.is_maildir:
            for m in gone:
                self.host.fs.remove(m.where)
        else:
            self.index.dirty = True
            self._rewrite_mbox({m.where for m in gone})
        return gone

    def close(self) -> bool:
        """mbox_lazy_writes: write the changed flags into the file now; True if written."""
        if self.index.is_maildir or not self.index.dirty:
            return False
        self._rewrite_mbox(set())
        return True

    def _rewrite_mbox(self, drop: set[str]) -> None:
        # SIMPLIFICATION: Dovecot also writes X-IMAPbase, X-UID, X-Keywords and
        # Content-Length into the entries it rewrites; UIDs stay in this in-memory index.
        stat = self.host.fs.stat(self.index.path)
        if stat is None:
            return
        seen: dict[str, int] = {}
        kept = []
        for chunk in mbox_chunks(stat.data):
            identity = _identity(chunk, seen)
            if identity in drop:
                continue
            uid = self.index.uids.get(identity)
            flags = self.index.flags.get(uid, set()) if uid is not None else set()
            kept.append(with_status_headers(chunk, *_mbox_status(flags)))
        stat.data = b"".join(kept)
        stat.mtime = self.host.world.engine.now
        self.index.dirty = False


def _identity(chunk: bytes, seen: dict[str, int]) -> str:
    """An mbox entry's identity: its From_ line and content without the status headers
    (which readers rewrite), numbered when two entries are identical."""
    first, _, message = chunk.partition(b"\n")
    digest = hashlib.md5(first + b"\n" + without_status_headers(message)).hexdigest()
    seen[digest] = seen.get(digest, 0) + 1
    return f"{digest}.{seen[digest]}"


def _mbox_flags(status: str, xstatus: str) -> set[str]:
    flags = {SEEN} if "R" in status else set()
    return flags | {f for f, letter in _MBOX_X_LETTER.items() if letter in xstatus}


def _mbox_status(flags: set[str]) -> tuple[str, str]:
    """Status: R (seen) and O (no longer new: every message Dovecot has indexed)."""
    status = ("R" if SEEN in flags else "") + "O"
    xstatus = "".join(letter for f, letter in _MBOX_X_LETTER.items() if f in flags)
    return status, xstatus


def _owner_of(host: Host, base: str) -> str:
    for path in host.fs.under(base):
        stat = host.fs.stat(path)
        if stat is not None:
            return stat.owner
    return "root"


def flag_list(flags: set[str], recent: bool = False) -> str:
    """IMAP's parenthesised flag list in Dovecot's order (imap-util.c imap_write_flags)."""
    names = [f for f in SYSTEM_FLAGS if f in flags] + (["\\Recent"] if recent else [])
    return "(" + " ".join(names) + ")"


class MraDaemon:
    """What Dovecot's pop3 and imap services share: the user's mailbox and password check."""

    __slots__ = ()
    host: Host

    def mailbox_path(self, user: str) -> str | None:
        """The mailbox local(8) delivers to for ``user`` (mail_location follows it)."""
        found = self.host.find_user(user)
        if found is None or self.host.mta is None:
            return None
        return str(self.host.mta.local.mailbox_path(found))

    def authenticate(self, user: str, password: str) -> bool:
        return bool(self.host.check_password(user, password))
