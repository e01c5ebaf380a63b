"""Postfix qmgr(8) retry timing as pure functions of time: backoff, scan instants, expiry.

The rules, from qmgr/qmgr_active.c and qmgr/qmgr.c (Postfix 3.x):

- Times are whole seconds (``event_time()``, ``time()``); a queue file's creation time is
  the second cleanup wrote it (the ``create_time`` record).
- After an attempt that left recipients deferred, the delay is the message's age
  (``event_time() - create_time``) clamped to [minimal_backoff_time, maximal_backoff_time];
  the file's time stamp is set that far into the future and it moves to *deferred*
  (qmgr_active_done_3_generic(), qmgr_active_defer()).
- The queue manager scans the deferred queue when it starts and then every
  queue_run_delay (qmgr_deferred_run_event()); a scan moves a file to *active* unless its
  time stamp is more than one second in the future (qmgr_active_feed(): ``st_mtime >
  time() + 1`` is skipped).
- After an attempt, a message is returned to the sender when ``event_time() >= create_time
  + maximal_queue_lifetime`` (bounce_queue_lifetime for the null sender; the latter is
  lowered to the former when larger); a delay warning is due when ``event_time() >=
  warn_time - 1``, where cleanup set warn_time = arrival + delay_warning_time
  (qmgr_active_done_25_generic(), cleanup_envelope.c).
"""

from __future__ import annotations

import math


def whole(t: float) -> int:
    """``time()``: the whole second of a simulated instant."""
    return math.floor(t + 1e-9)


def backoff_delay(now: float, create: int, minimal: float, maximal: float) -> int:
    """Seconds until the next try: the message's age, clamped to the backoff bounds."""
    delay = whole(now) - create
    if delay > maximal:
        delay = int(maximal)
    if delay < minimal:
        delay = int(minimal)
    return delay


def deferred_mtime(now: float, create: int, minimal: float, maximal: float) -> int:
    """The time stamp qmgr gives a file it moves to the deferred queue."""
    return whole(now) + backoff_delay(now, create, minimal, maximal)


def eligible(mtime: float, scan: float) -> bool:
    """Does a scan at ``scan`` take a file with this time stamp (not "cooling down")?"""
    return mtime <= whole(scan) + 1


def next_scan(after: float, mtime: float, anchor: float, run_delay: float) -> float:
    """The first deferred-queue scan at or after ``after`` that takes a file with time stamp
    ``mtime``, for a queue manager that started at ``anchor`` and scans every
    ``run_delay`` seconds."""
    k = max(0, math.ceil((after - anchor - 1e-9) / run_delay))
    need = max(0, math.ceil((mtime - 1 - anchor) / run_delay) - 1)  # never past it
    k = max(k, need)
    while not eligible(mtime, anchor + k * run_delay):
        k += 1
    return anchor + k * run_delay


def lifetime(sender: str, maximal_queue_lifetime: float, bounce_queue_lifetime: float) -> float:
    """How long a message may stay queued: bounces (null sender) get bounce_queue_lifetime,
    never more than maximal_queue_lifetime (qmgr.c qmgr_post_init())."""
    if sender:
        return maximal_queue_lifetime
    return min(bounce_queue_lifetime, maximal_queue_lifetime)


def expired(now: float, create: int, life: float) -> bool:
    return whole(now) >= create + life


def warn_time(arrival: float, sender: str, delay_warning_time: float) -> int:
    """cleanup's warning time record: 0 (none) for the null sender or when the feature is off."""
    if not sender or delay_warning_time <= 0:
        return 0
    return whole(arrival) + int(delay_warning_time)


def warning_due(now: float, warn: int) -> bool:
    return warn > 0 and whole(now) >= warn - 1
