"""Unit and property tests of agents/mta/backoff.py: Postfix qmgr's retry arithmetic.

The scan instants are checked against a brute-force queue manager that really scans every
queue_run_delay, so the event-saving schedule of scan.py cannot drift from Postfix's.
"""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.agents.mta import backoff


def periodic_scanner(after: float, mtime: float, anchor: float, run_delay: float) -> float:
    """What a qmgr that scans at anchor, anchor + run_delay, ... would do: the first scan at
    or after ``after`` whose time() + 1 is not before the file's time stamp. (The scans
    long before ``after`` are skipped without looking, to keep the loop short.)"""
    k = max(0, int((after - anchor) // run_delay) - 2)
    while True:
        scan = anchor + k * run_delay
        if scan >= after - 1e-9 and mtime <= math.floor(scan + 1e-9) + 1:
            return scan
        k += 1


def test_the_textbook_sequence() -> None:
    """A message failing fast, from 09:00 (t=0): 0, 5, 10, 20, 40, 80, 150 minutes."""
    attempts, t = [0.0], 0.1
    for _ in range(6):
        mtime = backoff.deferred_mtime(t, 0, 300, 4000)
        t = backoff.next_scan(t, mtime, 0.0, 300)
        attempts.append(t)
        t += 0.05  # the failed attempt takes 50 ms
    assert [a / 60 for a in attempts] == [0, 5, 10, 20, 40, 80, 150]


def test_slow_failures_shift_the_sequence() -> None:
    """Each attempt waits 30 s for a dead host: the ages are 30 s later than the scans."""
    attempts, t = [0.0], 30.0
    for _ in range(5):
        mtime = backoff.deferred_mtime(t, 0, 300, 4000)
        start = backoff.next_scan(t, mtime, 0.0, 300)
        attempts.append(start)
        t = start + 30
    assert [a / 60 for a in attempts] == [0, 10, 25, 55, 115, 185]


def test_backoff_delay_is_the_age_clamped() -> None:
    assert backoff.backoff_delay(10.9, 0, 300, 4000) == 300
    assert backoff.backoff_delay(1234.5, 0, 300, 4000) == 1234
    assert backoff.backoff_delay(99999, 0, 300, 4000) == 4000
    assert backoff.backoff_delay(700, 600, 300, 4000) == 300


def test_a_file_due_one_second_late_is_taken() -> None:
    # qmgr_active_feed(): skipped only when st_mtime > time() + 1
    assert backoff.eligible(301, 300.0)
    assert not backoff.eligible(302, 300.0)
    assert backoff.next_scan(1.1, 301, 0.0, 300) == 300.0


def test_lifetime_and_expiry() -> None:
    assert backoff.lifetime("alice@example.net", 432000, 432000) == 432000
    assert backoff.lifetime("", 432000, 3600) == 3600
    assert backoff.lifetime("", 3600, 432000) == 3600  # lowered to maximal_queue_lifetime
    assert not backoff.expired(431999.9, 0, 432000)
    assert backoff.expired(432000.0, 0, 432000)


def test_delay_warning() -> None:
    assert backoff.warn_time(0.5, "alice@example.net", 0) == 0  # 0h: off
    assert backoff.warn_time(0.5, "", 14400) == 0  # never for the null sender
    warn = backoff.warn_time(0.5, "alice@example.net", 14400)
    assert warn == 14400
    assert not backoff.warning_due(14398.9, warn)
    assert backoff.warning_due(14399.0, warn)
    assert not backoff.warning_due(99999, -1)  # already sent


@settings(deadline=None)
@given(after=st.floats(0, 10**6), ahead=st.integers(-10**4, 10**5),
       anchor=st.integers(0, 10**5), run_delay=st.sampled_from([1, 7, 60, 300, 301, 3600]))
def test_scans_are_those_of_a_periodic_scanner(after: float, ahead: int, anchor: int,
                                               run_delay: int) -> None:
    after = max(after, float(anchor))
    mtime = math.floor(after) + ahead
    assert backoff.next_scan(after, mtime, anchor, run_delay) == \
        periodic_scanner(after, mtime, anchor, run_delay)


@given(create=st.integers(0, 10**6), age=st.floats(0, 10**6),
       low=st.integers(1, 4000), extra=st.integers(0, 10**5))
def test_the_wait_stays_within_the_backoff_bounds(create: int, age: float, low: int,
                                                  extra: int) -> None:
    high = low + extra
    now = create + age
    delay = backoff.backoff_delay(now, create, low, high)
    assert low <= delay <= high
    assert backoff.deferred_mtime(now, create, low, high) == backoff.whole(now) + delay
