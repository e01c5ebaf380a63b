"""Queue files and queue IDs as Postfix keeps them under /var/spool/postfix.

A queue file holds the envelope (sender, recipients with their original address), the
content, and the per-recipient state. Queue IDs have Postfix's short form (mail_queue.c,
enable_long_queue_ids = no): five upper-case hex digits of the arrival microseconds,
then the queue file's inode number in upper-case hex.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

QUEUE_NAMES = ("maildrop", "incoming", "active", "deferred", "hold")


@dataclass(slots=True)
class QueueRecipient:
    address: str
    orig: str  # the address as first received (X-Original-To, DSN Original-Recipient)
    status: str = "pending"  # pending | sent | deferred | bounced (deliverable |
    # undeliverable in the report of a sendmail -bv probe)
    dsn: str | None = None
    reason: str | None = None
    remote_mta: str | None = None  # for the DSN: who refused it
    diagnostic: str | None = None  # for the DSN: the remote reply
    notified: bool = False  # a bounce was already sent or logged for this recipient
    # The defer log entry (mailq's reason in parentheses); qmgr resets the defer log when
    # the file enters the active queue again (qmgr_message.c qmgr_message_alloc()).
    defer_reason: str | None = None
    dsn_orcpt: str = ""  # DSN ORCPT: "rfc822;addr" as smtpd records it, "" from pickup
    notify: str | None = None  # send this failure to an owner- address, not the sender
    # DSN NOTIFY bits (protocol/smtp_dsn.py; 0: not given, which Postfix treats as
    # FAILURE,DELAY); an alias or .forward expansion inherits them (local(8) deliver_attr)
    dsn_notify: int = 0


@dataclass(frozen=True, slots=True)
class Dsn:
    """The DSN request of a message as smtpd or sendmail hands it to cleanup (RFC 3461):
    RET (FULL, HDRS or None), ENVID (unquoted) and each recipient's NOTIFY bits."""

    ret: str | None = None
    envid: str | None = None
    notify: list[int] = field(default_factory=list)


@dataclass(slots=True)
class QueueFile:
    qid: str
    msg: str  # the scenario message key, for the trace
    sender: str
    recipients: list[QueueRecipient]
    content: bytes  # the message, LF line ends, headers first (model/rawmsg.py)
    arrival: float
    size: int = 0
    queue: str = "incoming"
    client: str = "local"  # "name[ip]" of the SMTP client, or "local" for pickup
    log_program: str = "postfix/smtpd"
    hops_before: int = 0  # Received: headers already present, for hopcount_limit
    attempts: list[float] = field(default_factory=list)  # when each delivery attempt began
    create: int = 0  # whole second cleanup created the file: the expiry base (create_time)
    mtime: float = 0.0  # the file's time stamp: a deferred file is not scanned before it
    warn_time: int = 0  # when a delay warning is due (0: none; -1: already sent)
    next_try: float | None = None  # the deferred-queue scan that will pick the file up
    forced_expire: bool = False  # postsuper -e: return it to the sender at the next scan
    trace_only: bool = False  # a sendmail -bv probe: report, deliver nothing
    dsn_ret: str | None = None  # RET=FULL|HDRS of MAIL FROM or sendmail -R (None: not given)
    dsn_envid: str | None = None  # ENVID= of MAIL FROM or sendmail -V
    # The bounce and trace logfiles (defer/, bounce/, trace/ under the queue directory):
    # failures and -bv results of recipients that a delivery agent expanded, sent with
    # the next notification (bounce(8), trace(8)).
    bounce_log: list[QueueRecipient] = field(default_factory=list)
    trace_log: list[QueueRecipient] = field(default_factory=list)

    def pending(self) -> list[QueueRecipient]:
        return [r for r in self.recipients if r.status in ("pending", "deferred")]


class QueueIds:
    """Generates one host's queue IDs; unique, deterministic for a seed.

    Postfix needs a queue ID unique only among the files in the queue at one time: the
    name is made of the arrival microseconds and the new file's inode number, and a file
    system gives no two existing files the same inode (mail_queue.c mail_queue_enter();
    postsuper(1): "Postfix queue IDs are reused"; postconf(5) enable_long_queue_ids offers
    "non-repeating" long ones instead). Here the inode only grows, so every ID of a run differs
    from every other without a set of the IDs issued (one per message forever).
    SIMPLIFICATION: a real file system reuses the inodes of deleted files, so a real
    Postfix reuses queue IDs; ours are never reused within a run.
    """

    __slots__ = ("_inode", "_rng")

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._inode = rng.randint(0x10000, 0xFFFFF)

    def next(self, t: float) -> str:
        # five hex digits (0 <= usec < 0xF4240) then the inode, which only increases:
        # a (usec, inode) pair is never seen twice, nor is the string made of it
        usec = round(t * 1_000_000) % 1_000_000
        self._inode += 1 + self._rng.randint(0, 15)
        return f"{usec:05X}" + f"{self._inode:X}"
