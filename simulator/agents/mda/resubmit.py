"""Models local(8)'s re-queueing of forwarded mail (local/forward.c).

"For the sake of reliability, forwarded mail is re-submitted as a new message, so that
each recipient has a separate on-file delivery status record" (local(8)). The addresses the
walk hands back (remote addresses, other users named in a .forward, members of an alias
with an owner- alias, everything from an :include: file) are collected per (Delivered-To,
envelope sender) pair; at the end of the recipient each pair becomes one new queue file,
posted through cleanup with:

- ``Received: by $myhostname ($mail_name)`` / ``id NEWQID; date`` on top, then
  ``Delivered-To: <the recipient local(8) started with>`` (when prepend_delivered_header
  names ``forward``, the default), then the message as it was;
- the same envelope sender (or the owner-NAME address), each new recipient with the
  original recipient as its ORCPT record (empty after an owner- alias: the new queue file
  then uses the recipient itself), so X-Original-To: still shows the first address.

The original recipient is then logged ``status=sent (forwarded as NEWQID)``. The new queue
file is delivered like any other mail: locally, or over SMTP to another host.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...model import rawmsg
from ...model.trace import Hop, Outcome
from ...protocol.smtp_dsn import expanded_notify
from ..mta import qmail
from ..mta.delivery_log import Stamps, status_line
from ..mta.params import mail_date
from ..mta.queue import Dsn

if TYPE_CHECKING:
    from ..mta.queue import QueueFile, QueueRecipient
    from .expansion import Leaf
    from .local import Local


def resubmit(local: Local, qf: QueueFile, top: QueueRecipient, node: str,
             groups: dict[tuple[str, str], list[Leaf]], stamps: Stamps) -> list[str]:
    """Post one new message per (Delivered-To, sender) group; return the queue IDs.
    ``node`` is the trace node of the original recipient, the new queue files' parent."""
    return [_one(local, qf, top, node, delivered, sender, leaves, stamps)
            for (delivered, sender), leaves in groups.items()]


def _one(local: Local, qf: QueueFile, top: QueueRecipient, node: str, delivered: str,
         sender: str, leaves: list[Leaf], stamps: Stamps) -> str:
    mta = local.mta
    host, cf, world = mta.host, mta.cf, mta.host.world
    now = world.engine.now
    qid = mta.cleanup.open()
    content = qf.content
    if "forward" in cf.list("prepend_delivered_header"):
        content = rawmsg.prepend(content, "Delivered-To", delivered.lower())
    received = (f"by {cf['myhostname']} ({cf['mail_name']})\n"
                f"\tid {qid}; {mail_date(cf, world.engine.clock.at(now))}")
    if mta.family == "qmail":  # qmail-local forwards through qmail-queue as the user
        received = qmail_forward_line(local, leaves, now)
    addresses = [leaf.attr.address for leaf in leaves]
    world.trace.add(Hop(now, qf.msg, qf.qid, host.name, "local", host.name, "cleanup",
                        "local", None, "forward", f"forwarded as {qid}",
                        f"{', '.join(f'<{a}>' for a in addresses)} re-queued as a new message "
                        f"{qid} (sender <{sender}>, Delivered-To: {delivered.lower()})",
                        None, (("qid", qid), ("old_qid", qf.qid), ("host", host.name),
                               ("node", f"q:{host.name}:{qid}"), ("parent", node),
                               ("rcpt", top.address), ("delivered", delivered.lower()))))
    for leaf in leaves:  # before cleanup: the new queue file inherits the original address
        world.trace.set_outcome(Outcome(qf.msg, leaf.attr.address, "queued", now, host.name,
                                        f"re-queued as {qid}", None,
                                        world.trace.hop_count(qf.msg),
                                        orig=top.orig or top.address))
    # forward.c forward_send(): the new file keeps ENVID and RET (not when an owner- alias
    # replaced the sender), each address gets NOTIFY without SUCCESS
    same = sender == qf.sender
    dsn = Dsn(qf.dsn_ret if same else None, qf.dsn_envid if same else None,
              [expanded_notify(top.dsn_notify) if top.dsn_notify else 0] * len(leaves))
    mta.cleanup.commit(qid, qf.msg, sender, addresses, content, received, "local",
                       "postfix/local", add_missing=False,
                       originals=[leaf.attr.orig for leaf in leaves],
                       dsn_orcpts=[leaf.attr.dsn_orcpt for leaf in leaves],
                       can_bounce=True, dsn=dsn)
    host.log("postfix/local", status_line(qf.qid, top.address, top.orig, "local", stamps,
                                          now, "2.0.0", "sent", f"forwarded as {qid}"))
    return qid


def qmail_forward_line(local: Local, leaves: list[Leaf], now: float) -> str:
    """qmail-queue.c: ``(qmail PID invoked by uid UID); DATE`` with the uid of the user
    whose .qmail file forwarded the message (qmail-local runs as that user), ``by alias``
    for ~alias/.qmail-* files."""
    host = local.mta.host
    name = leaves[0].rights.name if leaves else None
    owner = host.users.get(name or "")
    # the alias user's forwards say "by alias" (auto_uida); others their uid
    how = "by alias" if name == "alias" else f"by uid {owner.uid if owner else 0}"
    return qmail.queue_line(host.pid("qmail-queue", fresh=True), how,
                            host.world.engine.clock.at(now))
