"""The queue listings of the other MTA families, as pure functions of a host's queue files.

``mailq`` is ``sendmail -bp`` everywhere, but each MTA prints its own layout. Postfix's is
the postqueue -p layout (docs/reference/postfix-formats.md §7). These are the others,
from their sources:

- Sendmail 8.17.1.9 ``mailq``: queue.c printqueue() and print_single_queue(): the heading
  ``\\t\\t/var/spool/mqueue (N request[s])``, the column line, per entry the queue ID
  (``%13s``), a flag (``*`` while it is being delivered), the df file size (``%8ld``),
  ctime() of the arrival cut to 16 characters, the sender (at most 39 characters), then
  the status message of the last attempt on its own line (``(%.60s)`` after 17 columns),
  then each recipient still to deliver after five TABs and a space; ``\\t\\tTotal
  requests: N`` at the end; ``/var/spool/mqueue is empty`` when it is. Order: queue sort
  order "priority" (the qf P value: size + 30000 per recipient + 90000 per attempt;
  conf.c WkRecipFact, WkTimeFact), lowest first.
- Exim 4.98.2 ``exim -bp``: queue.c queue_list(): time on the queue (``%2dm``, ``%2dh``
  above 90 minutes, ``%2dd`` above 72 hours), the size (string.c string_format_size()),
  the message ID, ``<sender>``, `` *** frozen ***``; each recipient indented, ``D`` for
  one already delivered; a blank line after each message; nothing at all for an empty
  queue. Order: by message ID, which is arrival order.

SIMPLIFICATION: the engine keeps Postfix's queues. A Postfix ``active`` message is shown
as sendmail's locked (``*``) entry; ``hold`` is sendmail's quarantine (not listed by a
plain ``mailq``) and Exim's frozen message. Equal sendmail priorities are listed by
arrival (sendmail's qsort() leaves their order open). The sendmail status line is
rebuilt from the Postfix reason (see ``sendmail_status``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..agents.mta.family import SPOOL
from ..model import rawmsg

if TYPE_CHECKING:
    from ..agents.mta.qmgr import Qmgr
    from ..agents.mta.queue import QueueFile
    from ..engine import Clock
    from ..host import Host
    from . import CommandResult

LISTED = ("incoming", "active", "deferred", "hold")


# --- sendmail --------------------------------------------------------------------------------
def sendmail_mailq(files: Iterable[QueueFile], clock: Clock,
                   queue_dir: str = SPOOL["sendmail"]) -> str:
    """What ``mailq`` prints on a Sendmail host."""
    shown = sorted((qf for qf in files if qf.queue in ("incoming", "active", "deferred")),
                   key=lambda qf: (_priority(qf), qf.arrival, qf.qid))
    if not shown:
        return f"{queue_dir} is empty\n\t\tTotal requests: 0\n"
    plural = "" if len(shown) == 1 else "s"
    out = [f"\t\t{queue_dir} ({len(shown)} request{plural})\n",
           "-----Q-ID----- --Size-- -----Q-Time----- ------------Sender/Recipient-----------\n"]
    out += [_sendmail_entry(qf, clock) for qf in shown]
    out.append(f"\t\tTotal requests: {len(shown)}\n")
    return "".join(out)


def _sendmail_entry(qf: QueueFile, clock: Clock) -> str:
    flag = "*" if qf.queue == "active" else " "
    body = len(rawmsg.split(qf.content)[1][1:])  # the df file: the body, after the blank line
    line = f"{qf.qid:>13}{flag}{body:8d} {clock.asctime(qf.arrival)[:16]} "
    line += f"<{qf.sender}>"[:39]
    status = _last_status(qf)
    if status:
        line += f"\n    {'':>10}   ({status[:60]})"
    for rcpt in qf.pending():
        line += "\n\t\t\t\t\t " + f"<{rcpt.address}>"[:38]
    return line + "\n"


def _priority(qf: QueueFile) -> int:
    """The qf P line: e_msgsize - class*WkClassFact + nrcpts*WkRecipFact, plus WkTimeFact
    for each delivery attempt (class 0: no Precedence header)."""
    return qf.size + 30000 * len(qf.recipients) + 90000 * len(qf.attempts)


def _last_status(qf: QueueFile) -> str | None:
    """The reason of the last failed attempt, as the defer log keeps it for mailq."""
    reasons = [r.defer_reason for r in qf.pending() if r.defer_reason]
    return sendmail_status(reasons[-1]) if reasons else None


def sendmail_status(reason: str) -> str:
    """The qf M line for a Postfix deferral reason: ``Deferred: `` and sendmail's words
    (err.c sm_errstring(): "Connection refused by HOST", "... timed out with HOST"; the
    MX host name as DNS gives it, with its final dot; a server's reply as it came)."""
    found = re.match(r"connect to ([^\[]+)\[[^\]]*\]:\d+: Connection (refused|timed out)", reason)
    if found:
        host, what = found.groups()
        word = "by" if what == "refused" else "with"
        return f"Deferred: Connection {what} {word} {host}."
    said = re.match(r"host [^ ]+ said: (.*) \(in reply to .* command\)$", reason)
    if said:
        return f"Deferred: {said.group(1)}"
    lookup = re.search(r"Name service error for name=([^ ]+) type=", reason)
    if lookup:
        return f"Deferred: Name server: {lookup.group(1)}: host name lookup failure"
    return f"Deferred: {reason}"


# --- exim ------------------------------------------------------------------------------------
def exim_bp(files: Iterable[QueueFile], now: float) -> str:
    """What ``exim -bp`` (and so ``mailq``) prints on an Exim host; "" when empty."""
    shown = sorted((qf for qf in files if qf.queue in LISTED), key=lambda qf: qf.qid)
    return "".join(_exim_entry(qf, now) for qf in shown)


def _exim_entry(qf: QueueFile, now: float) -> str:
    age = math.floor(now) - math.floor(qf.arrival)  # time(NULL) - received_time.tv_sec
    head = f"{_exim_age(age)}{format_size(len(qf.content))} {qf.qid} <{qf.sender}>"
    if qf.queue == "hold":
        head += " *** frozen ***"
    lines = [head + "\n"]
    done = ("sent", "bounced")  # a failed address is done too (it is in the J file)
    lines += [f"        {'D' if r.status in done else ' '} {r.address}\n" for r in qf.recipients]
    return "".join(lines) + "\n"


def _exim_age(seconds: int) -> str:
    minutes = seconds // 60
    if minutes <= 90:
        return f"{minutes:2d}m "
    hours = (minutes + 30) // 60
    if hours > 72:
        return f"{(hours + 12) // 24:2d}d "
    return f"{hours:2d}h "


def format_size(size: int) -> str:
    """string_format_size(): 5 characters."""
    if size == 0:
        return "     "
    if size < 1024:
        return f"{size:5d}"
    if size < 10 * 1024:
        return f"{size / 1024:4.1f}K"
    if size < 1024 * 1024:
        return f"{(size + 512) // 1024:4d}K"
    if size < 10 * 1024 * 1024:
        return f"{size / (1024 * 1024):4.1f}M"
    return f"{(size + 512 * 1024) // (1024 * 1024):4d}M"


def family_mailq(host: Host) -> CommandResult | None:
    """``mailq`` (= ``sendmail -bp``) on a Sendmail or Exim host; None on a Postfix host,
    whose mailq is postqueue -p."""
    from . import CommandResult

    mta = host.mta
    if mta is None or mta.family == "postfix":
        return None
    files = queued_files(mta.qmgr)
    if mta.family == "sendmail":
        return CommandResult(sendmail_mailq(files, host.world.engine.clock), 0)
    return CommandResult(exim_bp(files, host.world.engine.now), 0)


def queued_files(qmgr: Qmgr) -> list[QueueFile]:
    """Every queue file of a host's qmgr (agents/mta/qmgr.py Qmgr.queues)."""
    queues = qmgr.queues
    return [qf for name in LISTED for qf in queues.get(name, {}).values()]
