"""Models local submission: sendmail(1) → postdrop(1) → the maildrop queue → pickup(8) → cleanup.

postdrop leaves the message in maildrop and wakes pickup, which hands it to cleanup; the
message gets a new queue ID there. pickup logs ``QID: uid=N from=<sender>`` with the sender as
submitted; cleanup qualifies bare addresses with @$myorigin (append_at_myorigin), adds
Message-Id:, Date: and a From: with the user's full name if missing, and the Received header
reads ``by host (Postfix, from userid N)`` (pickup.c, cleanup_message.c).
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from email.headerregistry import Address as HeaderAddress
from typing import TYPE_CHECKING, Any

from ...model import rawmsg
from .family import LocalFacts, local_received
from .master import running
from .params import mail_date
from .queue import Dsn
from .resolve import canonical

if TYPE_CHECKING:
    from ...host import User
    from .mta import Mta
    from .queue import QueueFile

# SIMPLIFICATION: postdrop → pickup hand-over takes a fixed 5 ms (a fifo wake-up and a read).
PICKUP_DELAY = 0.005
# SIMPLIFICATION: the mail_owner account ("postfix") owns requeued files; uid 89 is the number
# Red Hat family systems reserve for it (other systems pick another).
MAIL_OWNER_UID = 89


@dataclass(frozen=True, slots=True)
class Dropped:
    """A maildrop file: what postdrop wrote."""

    user: User
    sender: str  # as given (-f) or the login name
    recipients: tuple[str, ...]
    content: bytes
    msg: str  # the scenario message key
    full_name: str | None
    trace_only: bool = False  # sendmail -bv: a probe, reported on and never delivered
    dsn: Dsn | None = None  # sendmail -N/-R/-V (RFC 3461 DSN request)


class Pickup:
    __slots__ = ("mta", "waiting")

    def __init__(self, mta: Mta) -> None:
        self.mta = mta
        self.waiting: list[Dropped] = []  # maildrop files written while Postfix was stopped

    def postdrop(self, dropped: Dropped) -> None:
        if not running(self.mta):
            # postdrop.c: the file is in maildrop; the wake-up of pickup fails, and the file
            # waits there until Postfix starts (mail_trigger() on public/pickup)
            self.mta.host.log("postfix/postdrop", "warning: unable to look up public/pickup: "
                                                  "No such file or directory", fresh=True)
            self.waiting.append(dropped)
            return
        self.mta.host.world.engine.env.process(self._pickup(dropped))

    def resume(self) -> None:
        """Postfix started: pickup reads what postdrop left in maildrop meanwhile."""
        waiting, self.waiting = self.waiting, []
        for dropped in waiting:
            self.mta.host.world.engine.env.process(self._pickup(dropped))

    def _pickup(self, d: Dropped) -> Generator[Any, Any, None]:
        mta, world = self.mta, self.mta.host.world
        yield world.engine.env.timeout(PICKUP_DELAY)
        # Sendmail's submission program queues it under its own ID first (clientmqueue)
        msp_qid = mta.cleanup.open() if mta.family == "sendmail" else ""
        qid = mta.cleanup.open()
        mta.host.log("postfix/pickup", f"{qid}: uid={d.user.uid} from=<{d.sender}>", fresh=True)
        cf, now = mta.cf, world.engine.now
        sender = canonical(cf, d.sender) if d.sender else ""
        rcpts = [canonical(cf, r) for r in d.recipients]
        pid = mta.host.pid("qmail-queue", fresh=True) if mta.family == "qmail" else 0
        received, below = local_received(mta.family, LocalFacts(
            cf["myhostname"], cf["mail_name"], d.user.name, d.user.uid, qid, msp_qid, sender,
            tuple(rcpts), world.engine.clock.at(now), pid), cf)
        content = rawmsg.prepend(d.content, "Received", below) if below else d.content
        # the recipients as submitted are the original recipients (X-Original-To: bob)
        mta.cleanup.commit(qid, d.msg, sender, rcpts, content, received, "local",
                           "postfix/pickup", add_missing=True,
                           from_value=from_header(sender, d.full_name),
                           originals=list(d.recipients), can_bounce=True,
                           trace_only=d.trace_only, dsn=d.dsn)


    def requeue(self, qf: QueueFile) -> None:
        """postsuper -r: the file waits in maildrop until pickup reads it."""
        self.mta.host.world.engine.env.process(self._requeued(qf))

    def _requeued(self, qf: QueueFile) -> Generator[Any, Any, None]:
        """pickup.c: a requeued file (owned by the mail system) is logged with its old ID,
        gets a new Received: line and a new queue ID; its arrival time record is kept,
        and cleanup writes a new creation time, so its lifetime starts again."""
        mta, world = self.mta, self.mta.host.world
        yield world.engine.env.timeout(PICKUP_DELAY)
        if not running(mta) or mta.qmgr.queues["maildrop"].get(qf.qid) is not qf:
            return  # the host went down (maildrop keeps it) or postsuper -d removed it
        del mta.qmgr.queues["maildrop"][qf.qid]
        qid = mta.cleanup.open()
        mta.host.log("postfix/pickup", f"{qid}: uid={MAIL_OWNER_UID} from=<{qf.sender}> "
                                       f"orig_id={qf.qid}", fresh=True)
        cf, now = mta.cf, world.engine.now
        received = (f"by {cf['myhostname']} ({cf['mail_name']}, from userid {MAIL_OWNER_UID})"
                    f"\n\tid {qid}; {mail_date(cf, world.engine.clock.at(now))}")
        pending = qf.pending()
        mta.cleanup.commit(qid, qf.msg, qf.sender, [r.address for r in pending], qf.content,
                           received, "local", "postfix/pickup", add_missing=True,
                           originals=[r.orig for r in pending], arrival=qf.arrival,
                           dsn_orcpts=[r.dsn_orcpt for r in pending], can_bounce=True,
                           dsn=Dsn(qf.dsn_ret, qf.dsn_envid, [r.dsn_notify for r in pending]))
        world.trace.file_gone(qf.msg)  # the old file, after the new one is written


def from_header(sender: str, full_name: str | None) -> str:
    """The From: cleanup adds when there is none (header_from_format = standard)."""
    if not sender:
        return "MAILER-DAEMON"
    if not full_name:
        return sender
    local, _, domain = sender.partition("@")
    return str(HeaderAddress(full_name, local, domain))
