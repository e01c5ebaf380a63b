"""Models Dovecot's imap service (MRA) on port 143: the mailbox behind the dialogue.

The dialogue is protocol/imap.py; this module checks the password and opens the user's
INBOX through the storage layer shared with POP3 (mailstore.py). Unlike POP3 the mail
stays on the server: every client of the user (a PC, a phone) sees the same messages
and the same flags, because the flags live in the mailbox itself (the Maildir file
names, the mbox Status: headers) and in Dovecot's index.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ...protocol.imap import ImapServer
from ...protocol.imap_syntax import internal_date
from .mailstore import Mailbox, MraDaemon

if TYPE_CHECKING:
    from ...host import Host


@dataclass(frozen=True, slots=True)
class Changes:
    """What a session changed in the store, for the trace."""

    moved: tuple[tuple[str, str], ...]  # Maildir renames (new/ -> cur/, flag changes)
    written: bool  # an mbox rewritten with new Status: headers


class ImapSession:
    """One connection: the server state machine and the mailboxes it opened."""

    __slots__ = ("boxes", "imapd", "server")

    def __init__(self, imapd: Imapd) -> None:
        self.imapd = imapd
        self.boxes: list[Mailbox] = []
        self.server = ImapServer(imapd.host.name, imapd.authenticate, self._open,
                                 self._internal_date)

    def _open(self, user: str, name: str, readonly: bool) -> Mailbox | None:
        path = self.imapd.mailbox_path(user)
        if path is None or name.upper() != "INBOX":
            return None  # SIMPLIFICATION: only INBOX exists (no ~/mail folders)
        # SELECT takes over \Recent and, on Maildir, moves new/ to cur/; EXAMINE does not
        box = Mailbox(self.imapd.host, path).sync(drop_recent=not readonly)
        self.boxes.append(box)
        return box

    def _internal_date(self, message: Any) -> str:
        tz = self.imapd.host.world.engine.clock.tz
        return internal_date(datetime.fromtimestamp(message.arrived, tz))

    def finish(self) -> Changes:
        """The connection ends: mbox_lazy_writes puts changed flags into the file."""
        written = False
        for box in self.boxes:
            written = box.close() or written
        moved = tuple(m for box in self.boxes for m in box.moved)
        return Changes(moved, written)


class Imapd(MraDaemon):
    __slots__ = ("host",)

    def __init__(self, host: Host) -> None:
        self.host = host

    def open(self) -> ImapSession:
        return ImapSession(self)

