"""Models Postfix local(8): final delivery on this host.

For each recipient: fold the local part to lower case, then (recipient.c) aliases, the
user's ~/.forward, and the mailbox; a name that is none of these bounces with
``unknown user: "name"`` (unknown.c). The mailbox is mbox in $mail_spool_directory, or
Maildir under the home directory when home_mailbox ends in "/" (postconf(5)).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from ...model.status import DeliveryResult
from ...model.trace import Hop, Outcome
from ..mta.delivery_log import Stamps, status_line
from .mailbox import DeliveryHeaders, maildir_message, maildir_names, mbox_entry

if TYPE_CHECKING:
    from ...host import User
    from ..mta.mta import Mta
    from ..mta.queue import QueueFile, QueueRecipient
    from ..mta.resolve import Route

# SIMPLIFICATION: a local delivery (open, lock, write, fsync) takes a fixed 2 ms.
WRITE_TIME = 0.002
SPOOL_DEVICE = 0xFD00  # st_dev of the spool file system, for Maildir names


class Local:
    __slots__ = ("mta", "_inode")

    def __init__(self, mta: "Mta") -> None:
        self.mta = mta
        self._inode = mta.host.world.engine.rng.randint(0x100000, 0xFFFFFF)

    def knows(self, local_part: str) -> bool:
        """Is this a local recipient (a passwd entry; aliases come with the aliases issue)?"""
        return local_part.lower() in self.mta.host.users

    def deliver(self, qf: "QueueFile", route: "Route", rcpts: list["QueueRecipient"],
                stamps: Stamps) -> Generator[Any, Any, list[DeliveryResult]]:
        boot = self.mta.host.boot
        yield self.mta.host.world.engine.env.timeout(WRITE_TIME * len(rcpts))
        if self.mta.host.boot != boot:
            return []  # the host went down before the mailbox was written
        return [self._one(qf, rcpt, stamps) for rcpt in rcpts]

    def _one(self, qf: "QueueFile", rcpt: "QueueRecipient", stamps: Stamps) -> DeliveryResult:
        name = rcpt.address.rpartition("@")[0].lower()
        user = self.mta.host.find_user(name)
        if user is None:
            return self._log(qf, rcpt, stamps, "bounced", "5.1.1", f'unknown user: "{name}"')
        headers = DeliveryHeaders(qf.sender, rcpt.orig, rcpt.address.lower())
        path = self._store(qf, user, headers)
        self._delivered(qf, rcpt, path)
        return self._log(qf, rcpt, stamps, "sent", "2.0.0",
                         "delivered to maildir" if path.endswith("/") else "delivered to mailbox")

    def mailbox_path(self, user: "User") -> str:
        home_mailbox = self.mta.cf["home_mailbox"]
        if home_mailbox:
            return f"{user.home.rstrip('/')}/{home_mailbox}"
        return f"{self.mta.cf['mail_spool_directory'].rstrip('/')}/{user.name}"

    def _store(self, qf: "QueueFile", user: "User", headers: DeliveryHeaders) -> str:
        host, world = self.mta.host, self.mta.host.world
        now, content = world.engine.now, qf.content
        path = self.mailbox_path(user)
        if not path.endswith("/"):
            entry = mbox_entry(headers, content, world.engine.clock.asctime(now))
            host.fs.append(path, entry, owner=user.name, mode=0o600, mtime=now)
            return path
        self._inode += 1
        moment = world.engine.clock.at(now)
        names = maildir_names(path, int(moment.timestamp()), host.pid("local"), SPOOL_DEVICE,
                              self._inode, moment.microsecond, host.short_name)
        host.fs.write(names.tmp, maildir_message(headers, content), user.name, 0o600, now)
        host.fs.rename(names.tmp, names.new)
        return path

    def _delivered(self, qf: "QueueFile", rcpt: "QueueRecipient", path: str) -> None:
        host, world = self.mta.host, self.mta.host.world
        kind = "deliver_maildir" if path.endswith("/") else "deliver_mbox"
        world.trace.add(Hop(world.engine.now, qf.msg, qf.qid, host.name, "local", host.name,
                            "mailbox", "local", None, kind, "status=sent",
                            f"<{rcpt.address}> -> {path}", None,
                            (("rcpt", rcpt.address), ("path", path))))
        world.trace.set_outcome(Outcome(qf.msg, rcpt.orig, "delivered", world.engine.now,
                                        host.name, path, "2.0.0", world.trace.hop_count(qf.msg)))

    def _log(self, qf: "QueueFile", rcpt: "QueueRecipient", stamps: Stamps, status: str,
             dsn: str, reason: str) -> DeliveryResult:
        host = self.mta.host
        host.log("postfix/local", status_line(qf.qid, rcpt.address, rcpt.orig, "local", stamps,
                                              host.world.engine.now, dsn, status, reason))
        return DeliveryResult(rcpt.address, status, dsn, reason, "local")  # type: ignore[arg-type]
