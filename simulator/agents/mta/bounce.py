"""Models Postfix bounce(8) and defer(8): who is told about failed or delayed mail.

- A failure notice (report.py) goes to the envelope sender, from the null sender, posted
  through cleanup like any other mail, so it takes hops back to the sender
  (``QID: sender non-delivery notification: NEWID``). With ``bounce`` in notify_classes
  the postmaster gets a copy with the headers only.
- A bounce that cannot be delivered (its own sender is null) is a double bounce
  (bounce_notify_service.c): with the default notify_classes (resource, software) it is
  discarded without a notice; with ``bounce`` or ``2bounce`` it goes to
  2bounce_notice_recipient from double-bounce@$myhostname (``postmaster non-delivery
  notification``). If that one fails too: ``undeliverable postmaster notification
  discarded``. There is never a triple bounce.
- A delay warning (``Delayed Mail (still being retried)``) goes to the sender once when
  delay_warning_time has passed; with ``delay`` in notify_classes also to
  delay_notice_recipient (bounce_warn_service.c).
- A failure that an owner-NAME alias takes (local(8) bounce_workaround()) is sent at once to
  that owner instead of the sender.
- trace(8): the "Mail Delivery Status Report" of a ``sendmail -bv`` probe goes to its
  sender; with DSN NOTIFY=SUCCESS the "Successful Mail Delivery Report" (headers only).
- DSN (RFC 3461): a recipient whose NOTIFY lacks FAILURE (NEVER) is left out of the
  sender's non-delivery notice, one without DELAY out of the delay warning; a notice
  left with no recipient is not sent (bounce_notify_service.c, bounce_warn_service.c).
  The postmaster copies ignore NOTIFY (DSN_NOTIFY_OVERRIDE). RET=HDRS returns only the
  headers of the message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...model.trace import Hop, Outcome
from ...protocol.smtp_dsn import NOTIFY_DELAY, NOTIFY_FAILURE, wants
from .queue import QueueFile, QueueRecipient
from .report import Notice, build

if TYPE_CHECKING:
    from .mta import Mta


class Bounce:
    __slots__ = ("mta",)

    def __init__(self, mta: Mta) -> None:
        self.mta = mta

    def double_bounce_address(self) -> str:
        """mail_addr_double_bounce(): $double_bounce_sender@$myhostname."""
        return f"{self.mta.cf['double_bounce_sender']}@{self.mta.cf['myhostname']}"

    def notify(self, qf: QueueFile, bounced: list[QueueRecipient],
               to: str | None = None) -> None:
        """The recipients failed for good: tell whoever should hear of it; ``to``: an
        owner- alias takes this failure instead of the sender (bounce_one())."""
        host, world = self.mta.host, self.mta.host.world
        for rcpt in bounced:
            world.trace.set_outcome(Outcome(qf.msg, rcpt.address, "bounced", world.engine.now,
                                            host.name, rcpt.reason or "", rcpt.dsn,
                                            world.trace.hop_count(qf.msg), orig=rcpt.orig))
        classes = set(self.mta.cf.list("notify_classes"))
        if to is not None:
            self._sender_notice(qf, bounced, to)
        elif qf.sender.lower() == self.double_bounce_address().lower():
            host.log("postfix/bounce",
                     f"warning: {qf.qid}: undeliverable postmaster notification discarded")
            self._bounce_hop(qf, "double_bounce_discarded", "postmaster notification discarded",
                      "a failed postmaster notice is never bounced again")
        elif not qf.sender:
            if classes & {"bounce", "2bounce"}:
                self._post(qf, bounced, Notice("failure", True, False, self._to("2bounce")),
                           "postmaster non-delivery notification", postmaster="2bounce")
            else:
                self._bounce_hop(qf, "double_bounce_discarded", "discarded",
                          "a bounce could not be delivered; notify_classes has neither "
                          "bounce nor 2bounce, so nobody is told")
        else:
            self._sender_notice(qf, bounced)
            if "bounce" in classes:
                self._post(qf, bounced, Notice("failure", True, True, self._to("bounce")),
                           "postmaster non-delivery notification", postmaster="bounce")

    def _sender_notice(self, qf: QueueFile, bounced: list[QueueRecipient],
                       to: str | None = None) -> None:
        """The sender's notice lists the recipients whose NOTIFY asks for failures;
        with none left it is not sent (count == 0), and the trace says why."""
        told = [r for r in bounced if wants(r.dsn_notify, NOTIFY_FAILURE)]
        if told:
            headers_only = qf.dsn_ret == "HDRS"  # DSN_RET_FULL unless the client said HDRS
            self._post(qf, told, Notice("failure", False, headers_only, to or qf.sender),
                       "sender non-delivery notification")
        silent = [r.address for r in bounced if r not in told]
        if silent:
            self._bounce_hop(qf, "bounce_suppressed", "no notice",
                             f"{', '.join(f'<{a}>' for a in silent)}: DSN NOTIFY without "
                             "FAILURE: no non-delivery notice is sent to the sender")

    def trace(self, qf: QueueFile, entries: list[QueueRecipient]) -> None:
        """trace(8): the "Mail Delivery Status Report" of a sendmail -bv probe, or the
        "Successful Mail Delivery Report" of NOTIFY=SUCCESS, headers only, to the sender
        (bounce_trace_service.c; a bounce's successes are not reported)."""
        if not entries:
            return
        if not qf.sender or qf.sender.lower() == self.double_bounce_address().lower():
            which = "single" if not qf.sender else "double"
            self.mta.host.log("postfix/bounce", f"{qf.qid}: not sending trace/success "
                                                f"notification for {which}-bounce message")
            return
        kind = "verify" if qf.trace_only else "success"
        self._post(qf, entries, Notice(kind, False, True, qf.sender),
                   "sender delivery status notification")

    def delay_warning(self, qf: QueueFile, delayed: list[QueueRecipient]) -> None:
        """delay_warning_time has passed and the mail is still queued: warn once (the
        recipients whose NOTIFY has DELAY, or no NOTIFY at all)."""
        warned = [r for r in delayed if wants(r.dsn_notify, NOTIFY_DELAY)]
        if warned:
            self._post(qf, warned, Notice("delay", False, True, qf.sender),
                       "sender delay notification")
        else:
            self._bounce_hop(qf, "delay_suppressed", "no warning",
                             "DSN NOTIFY without DELAY: no delay warning is sent")
        if "delay" in self.mta.cf.list("notify_classes"):
            # bounce_warn_service.c: the postmaster copy returns the headers only
            self._post(qf, delayed, Notice("delay", True, True, self._to("delay")),
                       "postmaster delay notification", postmaster="delay")

    def _to(self, kind: str) -> str:
        """bounce_notice_recipient and friends; cleanup appends @$myorigin."""
        name = self._raw_to(kind)
        return name if "@" in name else f"{name}@{self.mta.cf['myorigin']}"

    def _raw_to(self, kind: str) -> str:
        return self.mta.cf[f"{kind}_notice_recipient"].strip()

    def _post(self, qf: QueueFile, rcpts: list[QueueRecipient], notice: Notice, what: str,
              postmaster: str | None = None) -> None:
        """Post one notice through cleanup; ``postmaster``: the kind of postmaster notice
        (its recipient parameter), sent from the double-bounce address."""
        host, world = self.mta.host, self.mta.host.world
        qid = self.mta.cleanup.open()
        data = build(self.mta.cf, world.engine.clock, world.engine.now, qf, rcpts, notice, qid)
        host.log("postfix/bounce", f"{qf.qid}: {what}: {qid}")
        action = "delay_warning" if notice.kind == "delay" else \
            "trace" if notice.kind == "verify" else \
            "success_notice" if notice.kind == "success" else \
            "postmaster_notice" if notice.postmaster_copy else "bounce"
        suffix = {"delay_warning": ".delay", "postmaster_notice": ".postmaster",
                  "trace": ".report", "success_notice": ".success"}.get(action, ".bounce")
        world.trace.add(Hop(world.engine.now, qf.msg, qf.qid, host.name, "qmgr", host.name,
                            "bounce", None, None, action, None,
                            f"{what} {qid} to <{notice.to}>", None,
                            (("qid", qid), ("sender", notice.to))))
        sender = self.double_bounce_address() if postmaster else ""
        # post_mail_fopen_nowait() hands cleanup the recipient as configured ("postmaster"):
        # cleanup keeps that as the original recipient (the ORCP record, later
        # X-Original-To:) and rewrites the envelope recipient to postmaster@$myorigin
        # (cleanup_envelope.c)
        orig = self._raw_to(postmaster) if postmaster else notice.to
        self.mta.cleanup.commit(qid, qf.msg + suffix, sender, [notice.to], data,
                                None, "local", "postfix/bounce", add_missing=True,
                                originals=[orig])

    def _bounce_hop(self, qf: QueueFile, action: str, reply: str, detail: str) -> None:
        host, world = self.mta.host, self.mta.host.world
        world.trace.add(Hop(world.engine.now, qf.msg, qf.qid, host.name, "qmgr", host.name,
                            "bounce", None, None, action, reply, detail, None,
                            (("qid", qf.qid),)))
