"""Models Dovecot's pop3 service (MRA) on port 110: the maildrop behind the dialogue.

The dialogue itself is protocol/pop3.py; this module opens the user's mailbox (the mbox
in the mail spool, or the Maildir when home_mailbox says so), checks the password, and
after a QUIT in the TRANSACTION state removes the messages marked with DELE (RFC 1939
§6, the UPDATE state).
"""

from __future__ import annotations

import hashlib
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from ...protocol.pop3 import MaildropMessage, Pop3Server
from ..mda.mailbox import maildir_files, split_mbox

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


class Pop3d:
    __slots__ = ("host", "drac", "_where")

    def __init__(self, host: "Host") -> None:
        self.host = host
        self.drac: Any = None  # the rpc.dracd a login is reported to (POP-before-SMTP)
        self._where: dict[str, str] = {}  # uid -> Maildir file, for this session

    def logged_in(self, client_ip: str, at: float) -> None:
        """A user logged in from client_ip at time ``at``: with DRAC, dracauth() tells
        rpc.dracd, which opens the relay for that address (agents/mra/drac.py)."""
        if self.drac is None:
            return
        env = self.host.world.engine.env

        def report() -> Generator[Any, Any, None]:
            yield env.timeout(max(0.0, at - env.now))
            self.drac.add(client_ip, self.host)

        env.process(report())

    def open(self) -> Pop3Server:
        return Pop3Server(self.host.name, self._authenticate, self._maildrop)

    def mailbox_path(self, user: str) -> str | None:
        found = self.host.find_user(user)
        if found is None or self.host.mta is None:
            return None
        return str(self.host.mta.local.mailbox_path(found))

    def _authenticate(self, user: str, password: str) -> bool:
        found = self.host.find_user(user)
        return found is not None and found.password is not None and found.password == password

    def _maildrop(self, user: str) -> list[MaildropMessage]:
        path = self.mailbox_path(user)
        if path is None:
            return []
        if path.endswith("/"):
            out = []
            for name in maildir_files(self.host.fs, path):
                data = self.host.fs.read(name) or b""
                self._where[uidl(data)] = name
                out.append(MaildropMessage(uidl(data), data))
            return out
        data = self.host.fs.read(path) or b""
        return [MaildropMessage(uidl(m), m) for m in split_mbox(data)]

    def expunge(self, user: str, uids: frozenset[str]) -> int:
        """Remove the messages the client deleted; the number removed."""
        path = self.mailbox_path(user)
        if path is None or not uids:
            return 0
        if path.endswith("/"):
            for uid in uids:
                if uid in self._where:
                    self.host.fs.remove(self._where.pop(uid))
            return len(uids)
        return self._rewrite_mbox(path, uids)

    def _rewrite_mbox(self, path: str, uids: frozenset[str]) -> int:
        stat = self.host.fs.stat(path)
        assert stat is not None
        chunks = _mbox_chunks(stat.data)
        kept = [c for c in chunks if uidl(split_mbox(c)[0]) not in uids]
        stat.data = b"".join(kept)
        return len(chunks) - len(kept)


def _mbox_chunks(data: bytes | bytearray) -> list[bytes]:
    """Each message with its ``From `` line, exactly as stored."""
    chunks: list[list[bytes]] = []
    previous_blank = True
    for line in bytes(data).splitlines(keepends=True):
        if line.startswith(b"From ") and previous_blank:
            chunks.append([])
        if chunks:
            chunks[-1].append(line)
        previous_blank = line in (b"\n", b"\r\n")
    return [b"".join(c) for c in chunks]
