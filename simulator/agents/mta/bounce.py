"""Models Postfix bounce(8): non-delivery notifications (RFC 3464 delivery status reports).

The report is built as bounce_notify_util.c builds it with the built-in failure template
(bounce_templates.c): From ``Mail Delivery System <MAILER-DAEMON>``, Subject
``Undelivered Mail Returned to Sender``, a multipart/report with the human-readable text,
the message/delivery-status part and the returned message (message/rfc822, or only its
headers as text/rfc822-headers when larger than bounce_size_limit). It is posted through
cleanup like any other mail, from the null sender, so it takes hops back to the sender.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from ...model import rawmsg
from ...model.trace import Hop, Outcome
from .queue import QueueFile, QueueRecipient

if TYPE_CHECKING:
    from .mta import Mta

BOUNCE_SIZE_LIMIT = 50000  # postconf(5) bounce_size_limit default
FAILURE_TEXT = """\
This is the mail system at host {myhostname}.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

For further assistance, please send mail to postmaster.

If you do so, please include this problem report. You can
delete your own text from the attached returned message.

                   The mail system"""


def wrap(text: str) -> list[str]:
    """bounce_print_wrap(): lines of at most 79 columns, continuations indented by 4."""
    return textwrap.wrap(text, width=79, subsequent_indent="    ", break_long_words=False,
                         break_on_hyphens=False) or [""]


class Bounce:
    __slots__ = ("mta",)

    def __init__(self, mta: "Mta") -> None:
        self.mta = mta

    def notify(self, qf: QueueFile, bounced: list[QueueRecipient]) -> None:
        """Send one notification for the recipients that failed for good."""
        host, world = self.mta.host, self.mta.host.world
        for rcpt in bounced:
            world.trace.set_outcome(Outcome(qf.msg, rcpt.orig, "bounced", world.engine.now,
                                            host.name, rcpt.reason or "", rcpt.dsn,
                                            world.trace.hop_count(qf.msg)))
        if not qf.sender:
            # SIMPLIFICATION: a bounce of a bounce (null sender) is only logged here;
            # double-bounce handling per notify_classes comes with the queue issue.
            host.log("postfix/bounce", f"{qf.qid}: undeliverable postmaster notification "
                                       "discarded")
            return
        qid = self.mta.cleanup.open()
        data = self.report(qf, bounced, qid)
        host.log("postfix/bounce", f"{qf.qid}: sender non-delivery notification: {qid}")
        world.trace.add(Hop(world.engine.now, qf.msg, qf.qid, host.name, "qmgr", host.name,
                            "bounce", None, None, "bounce", None,
                            f"non-delivery notification {qid} to <{qf.sender}>", None,
                            (("qid", qid), ("sender", qf.sender))))
        self.mta.cleanup.commit(qid, qf.msg + ".bounce", "", [qf.sender], data,
                                None, "local", "postfix/bounce", add_missing=True)

    def report(self, qf: QueueFile, bounced: list[QueueRecipient], qid: str) -> bytes:
        cf, clock = self.mta.cf, self.mta.host.world.engine.clock
        now = self.mta.host.world.engine.now
        boundary = f"{qid}.{int(clock.at(now).timestamp())}/{cf['myhostname']}"
        original = qf.content
        headers_only = len(original) > BOUNCE_SIZE_LIMIT
        # smtputf8_enable = yes (default) forces 8bit and utf-8 (bounce_notify_util.c)
        utf8 = cf.flag("smtputf8_enable")
        cte = ["Content-Transfer-Encoding: 8bit"] if utf8 else []
        charset = "utf-8" if utf8 else "us-ascii"
        # cleanup qualifies MAILER-DAEMON with @$myorigin, as any local address
        lines = [f"From: Mail Delivery System <MAILER-DAEMON@{cf['myorigin']}>",
                 "Subject: Undelivered Mail Returned to Sender", f"To: {qf.sender}"]
        msgid = rawmsg.get(qf.content, "Message-Id")
        if msgid:
            lines += [f"References: {msgid}", f"In-Reply-To: {msgid}"]
        lines += ["Auto-Submitted: auto-replied", "MIME-Version: 1.0",
                  "Content-Type: multipart/report; report-type=delivery-status;",
                  f'\tboundary="{boundary}"', f"Content-Transfer-Encoding: {'8bit' if utf8 else '7bit'}",
                  "", "This is a MIME-encapsulated message.", "", f"--{boundary}",
                  "Content-Description: Notification",
                  f"Content-Type: text/plain; charset={charset}", *cte, "",
                  FAILURE_TEXT.format(myhostname=cf["myhostname"])]
        for rcpt in bounced:
            lines.append("")
            lines += wrap(f"<{rcpt.address}>: {rcpt.reason}")
        lines += ["", f"--{boundary}", "Content-Description: Delivery report",
                  "Content-Type: message/delivery-status", *cte, "",
                  f"Reporting-MTA: dns; {cf['myhostname']}",
                  f"X-Postfix-Queue-ID: {qf.qid}", f"X-Postfix-Sender: rfc822; {qf.sender}",
                  f"Arrival-Date: {clock.rfc5322(qf.arrival)}"]
        for rcpt in bounced:
            lines += self._recipient_fields(rcpt)
        lines += ["", f"--{boundary}",
                  "Content-Description: Undelivered " + ("Message Headers" if headers_only
                                                         else "Message"),
                  "Content-Type: " + ("text/rfc822-headers" if headers_only
                                      else "message/rfc822"), *cte, "",
                  f"Return-Path: <{qf.sender}>"]
        body = original.split(b"\n\n", 1)[0] + b"\n" if headers_only else original
        tail = ["", f"--{boundary}--", ""]
        return ("\n".join(lines) + "\n").encode() + body.rstrip(b"\n") + b"\n" + \
            "\n".join(tail).encode()

    def _recipient_fields(self, rcpt: QueueRecipient) -> list[str]:
        out = ["", f"Final-Recipient: rfc822; {rcpt.address}",
               f"Original-Recipient: rfc822;{rcpt.orig}", "Action: failed",
               f"Status: {rcpt.dsn}"]
        remote, diagnostic = rcpt.remote_mta, rcpt.diagnostic
        if remote:
            out += wrap(f"Remote-MTA: dns; {remote}")
        if diagnostic:
            out += wrap(f"Diagnostic-Code: smtp; {diagnostic}")
        else:
            out += wrap(f"Diagnostic-Code: X-Postfix; {rcpt.reason}")
        return out
