"""Models Postfix cleanup(8): the only way into the queue.

cleanup names the queue file (and so the queue ID), writes the Received: header that
smtpd or pickup produced above the message, adds a missing Message-Id: and Date: when
the client may have its headers rewritten (local_header_rewrite_clients, or
always_add_missing_headers = yes; cleanup_message.c), logs ``message-id=``, and hands
the file to the queue manager through the incoming queue.
"""

from __future__ import annotations

import sys
from datetime import UTC
from typing import TYPE_CHECKING

from ...model import rawmsg
from ...model.trace import Hop, HopText
from .backoff import warn_time, whole
from .delivery_log import Stamps, status_line
from .family import queue_ids
from .header_rewrite import drop_headers, rewrite_local
from .params import mail_date
from .queue import Dsn, QueueFile, QueueRecipient

if TYPE_CHECKING:
    from .mta import Mta


_RECEIVER = {"postfix": "postfix/cleanup", "sendmail": "sm-mta", "exim": "exim",
             "qmail": "qmail-queue"}


class Cleanup:
    __slots__ = ("ids", "mta")

    def __init__(self, mta: Mta) -> None:
        self.mta = mta
        host = mta.host
        # Postfix's short IDs; a Sendmail or Exim host names its queue files its own way,
        # with the PID of the process that receives the message
        self.ids = queue_ids(mta.family, host.world.engine.rng, host.world.engine.clock,
                             lambda: host.pid(_RECEIVER[mta.family], fresh=True))

    def open(self) -> str:
        """A new queue file; its name is the queue ID (mail_queue_enter())."""
        return self.ids.next(self.mta.host.world.engine.now)

    def commit(self, qid: str, msg: str, sender: str, recipients: list[str],
               content: bytes, received: str | None, client: str, program: str,
               add_missing: bool, from_value: str | None = None,
               originals: list[str] | None = None,
               arrival: float | None = None, *, dsn_orcpts: list[str] | None = None,
               can_bounce: bool = False, trace_only: bool = False,
               dsn: Dsn | None = None) -> QueueFile:
        """Finish the queue file and place it in the incoming queue; ``originals`` are the
        recipients as submitted (``yuki`` from sendmail), kept for X-Original-To/orig_to
        (the ORCP records; an empty one means the recipient itself), ``dsn_orcpts`` their
        DSN ORCPT values, ``dsn`` the message's RET/ENVID and each recipient's NOTIFY.

        ``arrival`` keeps an older arrival time (a file requeued by postsuper -r keeps its
        time record, but gets a new creation time: its lifetime starts again).
        ``can_bounce``: the source asked cleanup to bounce a message it refuses (pickup,
        local(8) forwarding: CLEANUP_FLAG_BOUNCE); smtpd instead refuses it in the dialogue.
        """
        host = self.mta.host
        world = host.world
        now = world.engine.now
        content = rawmsg.normalise(content)
        content, dropped = drop_headers(content, self.mta.cf)  # message_drop_headers, always
        rewritten: list[str] = []
        if add_missing:  # the local rewriting context (cleanup_envelope.c)
            content, rewritten = rewrite_local(content, self.mta.cf)
        if received is not None:
            content = rawmsg.prepend(content, "Received", received)
        added: list[str] = []
        if add_missing:
            content, added = self._add_missing_headers(content, qid, now, from_value)
        message_id = rawmsg.get(content, "Message-Id") or "<>"  # none: "<>"
        if world.keeps_mail_bytes:  # read only from kept mail (a fetch, the HTML report)
            world.msg_keys.setdefault(message_id, msg)
        host.log("postfix/cleanup", f"{qid}: message-id={message_id}", fresh=True)
        dsn = dsn or Dsn()
        qf = QueueFile(qid, msg, sender,
                       self._recipients(recipients, originals, dsn_orcpts, dsn.notify),
                       content, arrival=now if arrival is None else arrival, client=client,
                       log_program=program, trace_only=trace_only, dsn_ret=dsn.ret,
                       dsn_envid=dsn.envid)
        world.trace.file_made(msg)  # its live files decide when it is done (model/retention.py)
        cf = self.mta.cf
        qf.create, qf.mtime = whole(now), now  # the create_time record; the file's mtime
        qf.warn_time = warn_time(qf.arrival, sender, cf.seconds("delay_warning_time"))
        qf.size = queue_size(content, cf.integer("line_length_limit"))
        qf.hops_before = rawmsg.count(content, "Received")
        detail = "added " + ", ".join(["Received:", *added]) if received else (
            "added " + ", ".join(added) if added else "no header added")
        detail += "".join(f"; rewrote {n}: (@$myorigin)" for n in rewritten)
        detail += "".join(f"; removed {n}: (message_drop_headers)" for n in dropped)
        world.trace.add(Hop(now, msg, qid, host.name, program.rsplit("/", 1)[-1],
                            host.name, "cleanup", None, None, "cleanup", None, _CLEANED, None,
                            sys.intern(detail)))  # the same few header lists every time
        if can_bounce and self.too_many_hops(content):
            self._refuse_hops(qf)
        else:
            self.mta.qmgr.enqueue(qf)
        return qf

    def _recipients(self, recipients: list[str], origs: list[str] | None,
                    dsn_orcpts: list[str] | None,
                    notify: list[int]) -> list[QueueRecipient]:
        """The envelope recipients, duplicates removed (cleanup_out_recipient.c): with
        enable_original_recipient = yes a recipient is a duplicate only when its DSN
        ORCPT, original and final address all match one already written (case
        insensitive); with "no", when its final address does."""
        keep_orig = self.mta.cf.flag("enable_original_recipient")
        seen: set[str] = set()
        out = []
        for i, rcpt in enumerate(recipients):
            orig = (origs[i] if origs else "") or rcpt
            dsn = dsn_orcpts[i] if dsn_orcpts else ""
            key = (f"{dsn}\n{orig}\n{rcpt}" if keep_orig else rcpt).lower()
            if key not in seen:
                seen.add(key)
                out.append(QueueRecipient(rcpt, orig, dsn_orcpt=dsn,
                                          dsn_notify=notify[i] if notify else 0))
        return out

    def too_many_hops(self, content: bytes) -> bool:
        """hopcount_limit: cleanup counts the Received: headers, its own included
        (cleanup_message.c); at the limit the message is refused with 5.4.0."""
        return rawmsg.count(content, "Received") >= self.mta.cf.integer("hopcount_limit")

    def _refuse_hops(self, qf: QueueFile) -> None:
        """cleanup_bounce(): each recipient bounces "too many hops" (relay=none) and the
        queue file is never handed to qmgr."""
        host = self.mta.host
        now = host.world.engine.now
        for line in hop_warnings(qf.qid, rawmsg.count(qf.content, "Received"),
                                 self.mta.cf.integer("hopcount_limit")):
            host.log("postfix/cleanup", line)
        host.world.trace.add(Hop(now, qf.msg, qf.qid, host.name, "cleanup", host.name,
                                 "bounce", None, None, "too_many_hops", "5.4.0",
                                 f"{rawmsg.count(qf.content, 'Received')} Received: "
                                 f"headers, hopcount_limit is {self.mta.cf['hopcount_limit']}",
                                 None, (("qid", qf.qid), ("limit", self.mta.cf["hopcount_limit"]))))
        stamps = Stamps(qf.arrival, now, now)
        for rcpt in qf.recipients:
            rcpt.status, rcpt.dsn, rcpt.reason = "bounced", "5.4.0", "too many hops"
            host.log("postfix/cleanup", status_line(qf.qid, rcpt.address, rcpt.orig, "none",
                                                    stamps, now, "5.4.0", "bounced",
                                                    "too many hops"))
        self.mta.bounce.notify(qf, qf.recipients)
        host.world.trace.file_gone(qf.msg)

    def _add_missing_headers(self, content: bytes, qid: str, now: float,
                             from_value: str | None) -> tuple[bytes, list[str]]:
        clock = self.mta.host.world.engine.clock
        added = []
        if not rawmsg.has(content, "Message-Id"):
            # <UTC YYYYMMDDhhmmss.QUEUEID@myhostname> (cleanup_message.c, short queue IDs)
            stamp = clock.at(now).astimezone(UTC).strftime("%Y%m%d%H%M%S")
            content = rawmsg.append(content, "Message-Id",
                                    f"<{stamp}.{qid}@{self.mta.cf['myhostname']}>")
            added.append("Message-Id:")
        if not rawmsg.has(content, "Date"):
            content = rawmsg.append(content, "Date", mail_date(self.mta.cf, clock.at(now)))
            added.append("Date:")
        if from_value is not None and not rawmsg.has(content, "From"):
            content = rawmsg.append(content, "From", from_value)
            added.append("From:")
        return content, added

def hop_warnings(qid: str, received: int, limit: int) -> list[str]:
    """cleanup_message.c cleanup_header_callback(): each Received: header counts a hop,
    and every one that brings the count to hopcount_limit or past it logs the warning
    (so 52 Received: headers with the limit 50 log it three times)."""
    return [f"warning: {qid}: message rejected: hopcount exceeded"] * max(0, received - limit + 1)


def queue_size(content: bytes, line_limit: int = 2048) -> int:
    """qmgr's ``size=`` and mailq's size column: the first number of the queue file's
    size record, the length of its message content segment (cleanup_final.c:
    xtra_offset - data_offset), i.e. the records cleanup wrote between the MESG and
    XTRA markers (cleanup_message.c).

    Each record is a type byte, the length in 7-bit groups (one byte below 128, two
    below 16384: record.c rec_put()) and the text without its newline. A header is one
    record per physical line however long (cleanup_out_header()); a body line longer
    than line_length_limit arrives from smtpd/postdrop in pieces of that size, each its
    own record, the last one the (maybe empty) remainder (smtp_get(),
    rec_streamlf_get()).
    SIMPLIFICATION: the limit is counted without the line's CR.
    """
    total = 0
    in_header = True
    for line in content.split(b"\n")[:-1]:
        if in_header and not line:
            in_header = False
        if in_header or len(line) < line_limit:
            total += _record(len(line))
            continue
        full, rest = divmod(len(line), line_limit)
        total += full * _record(line_limit) + _record(rest)
    return total


def _record(length: int) -> int:
    """The bytes of one queue file record of ``length`` bytes of text."""
    size_bytes = 1
    while length >= 1 << (7 * size_bytes):
        size_bytes += 1
    return 1 + size_bytes + length


# cleanup's hop keeps its detail (which headers it added, rewrote, removed: interned, a run
# has a handful of them) and writes the explanation values from the hop when a view asks
_CLEANED = HopText(lambda hop, detail: detail,
                   lambda hop, detail: (("qid", hop.qid or ""), ("host", hop.src_host)))
