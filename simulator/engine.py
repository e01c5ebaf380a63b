"""The simulation kernel's surroundings: the SimPy environment, the clock, the one seeded RNG.

Simulated time is in seconds since the scenario's ``start``. ``Clock`` turns it into the
wall-clock forms mail software prints: RFC 5322 dates (Postfix mail_date.c), syslog
stamps, asctime for the mbox ``From`` line, and the short ``hh:mm:ss.mmm`` of the trace.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import simpy


class Clock:
    __slots__ = ("_syslog_cache", "start")

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("the clock needs a timezone-aware start time")
        self.start = start
        self._syslog_cache: tuple[int, str] = (-1, "")

    @property
    def tz(self) -> tzinfo | None:
        return self.start.tzinfo

    def at(self, t: float) -> datetime:
        return self.start + timedelta(seconds=t)

    def short(self, t: float) -> str:
        """Trace form: ``09:00:01.234`` (and ``+1d 09:00:01.234`` on later days)."""
        moment = self.at(t)
        days = (moment.date() - self.start.date()).days
        stamp = moment.strftime("%H:%M:%S.") + f"{moment.microsecond // 1000:03d}"
        return f"+{days}d {stamp}" if days else stamp

    def rfc5322(self, t: float) -> str:
        """``Mon, 23 Nov 2026 09:00:01 +0900 (JST)`` as Postfix mail_date() writes it."""
        return self.at(t).strftime("%a, %d %b %Y %H:%M:%S %z (%Z)")

    def syslog(self, t: float) -> str:
        """``Nov 23 09:00:01``: the traditional syslog stamp of /var/log/maillog."""
        second = int(t)
        if self._syslog_cache[0] != second:  # many lines share a second
            moment = self.at(second)
            self._syslog_cache = (second, f"{moment:%b} {moment.day:2d} {moment:%H:%M:%S}")
        return self._syslog_cache[1]

    def asctime(self, t: float) -> str:
        """``Mon Nov 23 09:00:01 2026``: C asctime(), used in the mbox ``From`` line."""
        moment = self.at(t)
        return f"{moment:%a %b} {moment.day:2d} {moment:%H:%M:%S %Y}"


class Engine:
    """Holds the SimPy environment, the clock and the run's single seeded random source."""

    __slots__ = ("clock", "env", "rng", "seed")

    def __init__(self, start: datetime, seed: int) -> None:
        import simpy  # lazily: simpy costs ~130 ms to import and --help needs none of it

        self.env: simpy.Environment = simpy.Environment()
        self.clock = Clock(start)
        self.seed = seed
        self.rng = random.Random(seed)

    @property
    def now(self) -> float:
        return float(self.env.now)
