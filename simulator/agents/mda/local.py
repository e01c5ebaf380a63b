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
from .mailbox import DeliveryHeaders
from .store import Delivery, MailboxStore, Stored

if TYPE_CHECKING:
    from ...host import User
    from ..mta.mta import Mta
    from ..mta.queue import QueueFile, QueueRecipient
    from ..mta.resolve import Route


class Local:
    __slots__ = ("mta", "store")

    def __init__(self, mta: "Mta") -> None:
        self.mta = mta
        self.store = MailboxStore(mta.host)  # mailbox writing and locking: store.py

    def knows(self, local_part: str) -> bool:
        """Is this a local recipient (a passwd entry; aliases come with the aliases issue)?"""
        return local_part.lower() in self.mta.host.users

    def deliver(self, qf: "QueueFile", route: "Route", rcpts: list["QueueRecipient"],
                stamps: Stamps) -> Generator[Any, Any, list[DeliveryResult]]:
        results = []
        boot = self.mta.host.boot
        for rcpt in rcpts:  # a mailbox write takes time and may wait for the mbox lock
            result = yield from self._one(qf, rcpt, stamps)
            if self.mta.host.boot != boot:
                break  # the host went down meanwhile: this one was not written down
            results.append(result)
        return results

    def _one(self, qf: "QueueFile", rcpt: "QueueRecipient",
             stamps: Stamps) -> Generator[Any, Any, DeliveryResult]:
        name = rcpt.address.rpartition("@")[0].lower()
        user = self.mta.host.find_user(name)
        if user is None:
            return self._log(qf, rcpt, stamps, "bounced", "5.1.1", f'unknown user: "{name}"')
        headers = DeliveryHeaders(qf.sender, rcpt.orig, rcpt.address.lower())
        boot = self.mta.host.boot
        stored = yield from self._store(qf, user, headers)
        if self.mta.host.boot != boot:  # a dead host logs nothing; deliver() drops this
            return DeliveryResult(rcpt.address, "deferred", "4.3.0", stored.reason, "local")
        if stored.deferred:  # mbox lock not obtained: 4.2.0, tried again later (mailbox.c)
            return self._log(qf, rcpt, stamps, "deferred", "4.2.0", stored.reason)
        self._delivered(qf, rcpt, stored)
        return self._log(qf, rcpt, stamps, "sent", "2.0.0", stored.reason)

    def mailbox_path(self, user: "User") -> str:
        home_mailbox = self.mta.cf["home_mailbox"]
        if home_mailbox:
            return f"{user.home.rstrip('/')}/{home_mailbox}"
        return f"{self.mta.cf['mail_spool_directory'].rstrip('/')}/{user.name}"

    def _store(self, qf: "QueueFile", user: "User",
               headers: DeliveryHeaders) -> Generator[Any, Any, Stored]:
        delivery = Delivery(qf.msg, qf.qid, user, self.mailbox_path(user), headers, qf.content)
        return (yield from self.store.deliver(delivery))

    def _delivered(self, qf: "QueueFile", rcpt: "QueueRecipient", stored: Stored) -> None:
        host, world = self.mta.host, self.mta.host.world
        path = stored.path
        kind = "deliver_maildir" if path.endswith("/") else "deliver_mbox"
        world.trace.add(Hop(world.engine.now, qf.msg, qf.qid, host.name, "local", host.name,
                            "mailbox", "local", None, kind, "status=sent",
                            f"<{rcpt.address}> -> {path}; {stored.note}", None,
                            (("rcpt", rcpt.address), ("path", path))))
        world.trace.set_outcome(Outcome(qf.msg, rcpt.orig, "delivered", world.engine.now,
                                        host.name, path, "2.0.0", world.trace.hop_count(qf.msg)))

    def _log(self, qf: "QueueFile", rcpt: "QueueRecipient", stamps: Stamps, status: str,
             dsn: str, reason: str) -> DeliveryResult:
        host = self.mta.host
        host.log("postfix/local", status_line(qf.qid, rcpt.address, rcpt.orig, "local", stamps,
                                              host.world.engine.now, dsn, status, reason))
        return DeliveryResult(rcpt.address, status, dsn, reason, "local",  # type: ignore[arg-type]
                              at=host.world.engine.now)
