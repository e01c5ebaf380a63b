"""What a qmail host shows a learner: netqmail 1.06 (qmail 1.03 and its patches; the
notqmail/notqmail repository keeps the same code), read for these formats:

- the greeting (qmail-smtpd.c smtp_greet()): ``220 `` control/smtpgreeting (default
  control/me, the host name), then `` ESMTP``;
- the two Received: headers of a message from the network: qmail-queue.c receivedfmt()
  writes ``(qmail PID invoked from network); DATE`` on top (``invoked by uid N`` for a
  local injection or a .qmail forward, ``for bounce`` for a bounce), and qmail-smtpd.c hands
  received.c the client: ``from REMOTEHOST (HELO name) (REMOTEIP)`` on one line, ``  by
  LOCAL with SMTP; DATE`` on the next (two spaces, not a TAB; ``SMTP`` even after EHLO);
- DATE is date822fmt.c: ``1 Apr 2026 00:00:00 -0000``, always GMT, no week day;
- the queue ID is the inode number of the message file (qmail-queue.c: the file made
  as ``pid/PID.TIME.SEQ`` is renamed to ``mess/SPLIT/INODE``; conf-split 23);
- qmail-qread.c's listing and qmail-qstat.sh's two counts.

The engine under a qmail host is still the Postfix model (see docs/reference/
mta-families.md, "Not modelled").
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .queue import QueueFile

QUEUE = "/var/qmail/queue"
SPLIT = 23  # conf-split: mess/, info/, local/, remote/ have 23 subdirectories
LISTED = ("active", "deferred", "hold")  # preprocessed: they have an info/ file
TODO = ("incoming",)  # qmail-send has not preprocessed them yet (queue/todo)
_SAFE = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.@%+/=:-[]")


def date822(moment: datetime) -> str:
    """date822fmt.c: ``1 Apr 2026 00:00:00 -0000`` (GMT, the day without a leading 0)."""
    utc = moment.astimezone(UTC)
    return f"{utc.day} {utc:%b %Y %H:%M:%S} -0000"


def banner(hostname: str) -> str:
    """The text after ``220 ``: control/smtpgreeting (default control/me) and " ESMTP"."""
    return f"{hostname} ESMTP"


def safe(text: str) -> str:
    """received.c safeput(): a character outside its safe set becomes ``?``."""
    return "".join(c if c in _SAFE else "?" for c in text)


def queue_line(pid: int, how: str, moment: datetime) -> str:
    """qmail-queue's own header (value only): ``how`` is ``from network``, ``by uid 1000``
    or ``for bounce``."""
    return f"(qmail {pid} invoked {how}); {date822(moment)}"


def smtp_received(pid: int, local: str, remote_host: str | None, remote_ip: str,
                  helo: str | None, moment: datetime) -> str:
    """Both headers of a message qmail-smtpd accepted, as one value for cleanup to put on
    top: qmail-queue's line, then (after ``\\nReceived: ``) received.c's two lines.
    REMOTEHOST is tcpserver's TCPREMOTEHOST (the PTR name, "unknown" without one); the
    HELO name is shown only when it differs from it (qmail-smtpd.c dohelo())."""
    host = remote_host or "unknown"
    said = f" (HELO {safe(helo)})" if helo is not None and helo.lower() != host.lower() else ""
    # SIMPLIFICATION: no TCPREMOTEINFO (tcpserver -R, as Life with qmail runs it): no "user@"
    smtpd = (f"from {safe(host)}{said} ({safe(remote_ip)})\n  by {safe(local)} with SMTP; "
             f"{date822(moment)}")
    return f"{queue_line(pid, 'from network', moment)}\nReceived: {smtpd}"


class QmailIds:
    """Message numbers: the inode of each new queue file. SIMPLIFICATION: inodes are
    handed out upwards from a seeded start; a real file system reuses freed ones."""

    __slots__ = ("_inode", "_rng")

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._inode = rng.randint(100_000, 999_999)

    def next(self, t: float) -> str:
        self._inode += 1 + self._rng.randint(0, 3)  # pid/ files and others take inodes too
        return str(self._inode)


# --- qmail-qread and qmail-qstat -------------------------------------------------------------
def qread(files: Iterable[QueueFile], at: object, local_domains: frozenset[str]) -> str:
    """qmail-qread.c: for each preprocessed message, ``DATE GMT  #ID  SIZE  <sender> `` (the
    info file's time, date822fmt without its " -0000"; `` bouncing`` when a bounce is
    pending), then each recipient on the local or remote channel: ``\\tremote\\taddr``,
    ``  done\\tremote\\taddr`` when delivered. readsubdir() walks info/0 ... info/22.
    SIMPLIFICATION: inside one subdirectory, by message number (readdir order is the file
    system's)."""
    shown = sorted((qf for qf in files if qf.queue in LISTED),
                   key=lambda qf: (int(qf.qid) % SPLIT, int(qf.qid)))
    return "".join(_entry(qf, at, local_domains) for qf in shown)


def _entry(qf: QueueFile, at: object, local_domains: frozenset[str]) -> str:
    when = at(qf.arrival)  # type: ignore[operator]
    utc = when.astimezone(UTC)
    bouncing = " bouncing" if any(r.status == "bounced" and not r.notified
                                  for r in qf.recipients) else ""
    head = (f"{utc.day} {utc:%b %Y %H:%M:%S} GMT  #{qf.qid}  {len(qf.content)}  "
            f"<{qf.sender}> {bouncing}")
    lines = [_printable(head) + "\n"]
    for channel in ("local", "remote"):  # qmail-qread reads local/ first, then remote/
        for rcpt in qf.recipients:
            domain = rcpt.address.rpartition("@")[2].lower()
            if (domain in local_domains) != (channel == "local"):
                continue
            done = "  done" if rcpt.status in ("sent", "bounced") else ""  # D: done, a
            # failure included (qmail-send bounces it and marks it done)
            lines.append(f"{done}\t{channel}\t{_printable(rcpt.address)}\n")
    return "".join(lines)


def _printable(text: str) -> str:
    """qmail-qread out(): bytes outside 32..126 are shown as ``_``."""
    return "".join(c if 32 <= ord(c) <= 126 else "_" for c in text)


def qstat(files: Iterable[QueueFile]) -> str:
    """qmail-qstat.sh: ``find queue/mess/* -type f | wc -l`` and the same for queue/todo."""
    every = [qf for qf in files if qf.queue in (*LISTED, *TODO)]
    todo = sum(1 for qf in every if qf.queue in TODO)
    return (f"messages in queue: {len(every)}\n"
            f"messages in queue but not yet preprocessed: {todo}\n")
