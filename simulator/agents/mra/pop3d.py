"""Models Dovecot's pop3 service (MRA) on port 110: the maildrop behind the dialogue.

The dialogue itself is protocol/pop3.py; this module opens the user's mailbox (the mbox
in the mail spool, or the Maildir when home_mailbox says so) through the storage layer
shared with IMAP (mailstore.py), checks the password, and in the UPDATE state after QUIT
(RFC 1939 §6) removes the messages marked with DELE and sets \\Seen on the ones sent with
RETR (Dovecot pop3-commands.c client_update_mails()). Opening the mailbox moves Maildir
messages from new/ to cur/, as Dovecot does unless pop3_no_flag_updates is set.
"""

from __future__ import annotations

import hashlib
from collections.abc import Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...protocol.pop3 import MaildropMessage, Pop3Server
from .mailstore import SEEN, IndexedMessage, Mailbox, MraDaemon

if TYPE_CHECKING:
    from ...host import Host


def uidl(data: bytes) -> str:
    """A stable unique-id from the message's header block.

    SIMPLIFICATION: Dovecot's default pop3_uidl_format is %08Xu%08Xv (IMAP UID and
    UIDVALIDITY from its index); this uses %m, the MD5 of the header, which Dovecot also
    offers and which needs no index.
    """
    header = data.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
    return hashlib.md5(header).hexdigest()


@dataclass(frozen=True, slots=True)
class Update:
    """What the UPDATE state changed in the mailbox."""

    removed: int
    seen: int
    moved: tuple[tuple[str, str], ...]  # Maildir new/ -> cur/ renames done at login


class Pop3Session:
    """One connection: the server state machine and the mailbox it opened at PASS."""

    __slots__ = ("_by_uid", "mailbox", "pop3d", "server")

    def __init__(self, pop3d: Pop3d) -> None:
        self.pop3d = pop3d
        self.server = Pop3Server(pop3d.host.name, pop3d.authenticate, self._maildrop)
        self.mailbox: Mailbox | None = None
        self._by_uid: dict[str, IndexedMessage] = {}

    def _maildrop(self, user: str) -> list[MaildropMessage]:
        path = self.pop3d.mailbox_path(user)
        if path is None:
            return []
        self.mailbox = Mailbox(self.pop3d.host, path).sync(drop_recent=True)
        out = []
        for message in self.mailbox.messages:
            unique = uidl(message.data)
            self._by_uid[unique] = message
            out.append(MaildropMessage(unique, message.data))
        return out

    def update(self) -> Update:
        """RFC 1939 §6 UPDATE: expunge what was deleted, flag what was retrieved."""
        box = self.mailbox
        if box is None:
            return Update(0, 0, ())
        moved = tuple(box.moved)
        if self.server.state != "UPDATE":  # no QUIT: nothing changes (RFC 1939 §6)
            return Update(0, 0, moved)
        deleted = {self._by_uid[u].uid for u in self.server.deleted_uids if u in self._by_uid}
        gone = box.expunge(deleted)
        seen = 0
        for unique in self.server.retrieved_uids - set(self.server.deleted_uids):
            message = self._by_uid.get(unique)
            if message is not None and SEEN not in message.flags:
                box.set_flags(message, message.flags | {SEEN})
                seen += 1
        box.close()
        return Update(len(gone), seen, moved)


class Pop3d(MraDaemon):
    __slots__ = ("drac", "host")

    def __init__(self, host: Host) -> None:
        self.host = host
        self.drac: Any = None  # the rpc.dracd a login is reported to (POP-before-SMTP)

    def open(self) -> Pop3Session:
        return Pop3Session(self)

    def logged_in(self, client_ip: str, at: float) -> None:
        """A user logged in from client_ip at time ``at``: with DRAC, dracauth() tells
        rpc.dracd, which opens the relay for that address (agents/mra/drac.py)."""
        if self.drac is None:
            return
        env = self.host.world.engine.env
        if at <= env.now:  # the session was computed after the login: report it as of then
            self.drac.add(client_ip, self.host, at)
            return

        def report() -> Generator[Any, Any, None]:
            yield env.timeout(at - env.now)
            self.drac.add(client_ip, self.host)

        env.process(report())

