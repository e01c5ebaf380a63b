"""Models Postfix showq(8) and the two layouts postqueue(1) prints from it.

showq reads every queue (maildrop, active, incoming, deferred, hold: showq.c) and reports
each file: queue, ID, arrival time, size, sender (the null sender as MAILER-DAEMON), then
the recipients still to do, those with a defer log reason first (showq_report()).
postqueue -p / mailq / sendmail -bp print it as showq_compat.c does; postqueue -j prints
one JSON object per message as showq_json.c does: each recipient's ``address`` and
``delay_reason``; ``orig_address`` only from Postfix 3.11 (absent in v3.10.0's
showq_json.c, present in v3.11.0's), so json_lines() takes the modelled version.
docs/reference/postfix-formats.md §7 has both layouts with examples.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .queue import QueueFile

if TYPE_CHECKING:
    from ...engine import Clock
    from .qmgr import Qmgr

SHOWQ_ORDER = ("maildrop", "active", "incoming", "deferred", "hold")
EMPTY_ADDRESS = "MAILER-DAEMON"  # empty_address_recipient
S_STRING = "{:<11} {:>7} {:<20} {}"
L_STRING = "{:<17} {:>8} {:<19} {}"
S_HEADINGS = ("-Queue ID-", "--Size--", "----Arrival Time----", "-Sender/Recipient-------")
L_HEADINGS = ("----Queue ID-----", "--Size--", "---Arrival Time----",
              "--Sender/Recipient------")


@dataclass(frozen=True, slots=True)
class Recipient:
    orig: str
    address: str
    why: str  # the defer log reason, "" when there is none


@dataclass(frozen=True, slots=True)
class Entry:
    queue: str
    qid: str
    arrival: float
    size: int
    forced_expire: bool
    sender: str
    recipients: tuple[Recipient, ...]


def entries(qmgr: Qmgr) -> list[Entry]:
    """Every queue file, in showq's order. SIMPLIFICATION: within a queue, queue ID order
    stands for the order of the (hashed) queue directories."""
    out = []
    for queue in SHOWQ_ORDER:
        for qf in sorted(qmgr.queues[queue].values(), key=lambda q: q.qid):
            out.append(_entry(queue, qf))
    return out


def _entry(queue: str, qf: QueueFile) -> Entry:
    pending = qf.pending()
    logged = [r for r in pending if r.defer_reason]
    rest = [r for r in pending if not r.defer_reason]
    rcpts = tuple(Recipient(r.orig, r.address, r.defer_reason or "") for r in logged + rest)
    return Entry(queue, qf.qid, qf.arrival, qf.size, qf.forced_expire,
                 qf.sender or EMPTY_ADDRESS, rcpts)


def mailq(items: list[Entry], clock: Clock, long_ids: bool = False) -> str:
    """showq_compat(): the traditional ``mailq`` listing."""
    if not items:
        return "Mail queue is empty\n"
    fmt = L_STRING if long_ids else S_STRING
    cut = 19 if long_ids else 20  # asctime() cut to "%20.20s" (its trailing space kept)
    lines = [fmt.format(*(L_HEADINGS if long_ids else S_HEADINGS))]
    total = 0
    for n, e in enumerate(items):
        if n:
            lines.append("")
        mark = {"active": "*", "hold": "!"}.get(e.queue, "") + ("#" if e.forced_expire else "")
        stamp = (clock.asctime(e.arrival) + "\n")[:cut]
        lines.append(fmt.format(e.qid + mark, e.size, stamp, e.sender))
        reason = ""
        for r in e.recipients:
            if r.why != reason:
                reason = r.why
                shown = reason or "reason unavailable"
                lines.append(" " * max(0, 76 - len(shown)) + f"({shown})")
            lines.append(fmt.format("", "", "", r.address))
        total += e.size
    count = len(items)
    lines += ["", f"-- {total // 1024} Kbytes in {count} Request{'' if count == 1 else 's'}."]
    return "\n".join(lines) + "\n"


def json_lines(items: list[Entry], clock: Clock, orig_address: bool = False) -> str:
    """showq_json.c format_json(): one object per message, ``", "`` and ``": "`` between
    members; ``orig_address``: the Postfix >= 3.11 recipient member."""
    out = []
    for e in items:
        rcpts = []
        for r in e.recipients:
            fields = ([f'"orig_address": "{quote(r.orig)}"'] if orig_address else []) + \
                [f'"address": "{quote(r.address)}"']
            if r.why:
                fields.append(f'"delay_reason": "{quote(r.why)}"')
            rcpts.append("{" + ", ".join(fields) + "}")
        out.append(
            f'{{"queue_name": "{quote(e.queue)}", "queue_id": "{quote(e.qid)}", '
            f'"arrival_time": {int(clock.at(e.arrival).timestamp())}, '
            f'"message_size": {e.size}, '
            f'"forced_expire": {"true" if e.forced_expire else "false"}, '
            f'"sender": "{quote(e.sender)}", "recipients": [{", ".join(rcpts)}]}}\n')
    return "".join(out)


_SHORT = {"\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t",
          "\\": "\\\\", '"': '\\"'}


def quote(text: str) -> str:
    """showq_json.c json_quote(): short escapes for common controls, ``\\u%04X`` (upper
    case) for the other controls and DEL, everything else (UTF-8 too) as it is."""
    return "".join(_SHORT.get(c) or (f"\\u{ord(c):04X}" if ord(c) < 0x20 or ord(c) == 0x7F
                                     else c) for c in text)
