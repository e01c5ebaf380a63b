"""Postfix's delivery status log line (src/global/log_adhoc.c) and its time format.

``QID: to=<rcpt>, [orig_to=<orig>,] relay=..., delay=D, delays=a/b/c/d, dsn=X.Y.Z,
status=sent (reason)`` where a = before the queue manager, b = in the queue manager,
c = connection set-up, d = transmission (postconf(5) delay_logging_resolution_limit).
"""

from __future__ import annotations

from dataclasses import dataclass

MILLION = 1_000_000


def format_tv(seconds: float, sig_digits: int = 2, max_digits: int = 2) -> str:
    """Round large values to whole seconds and keep two significant digits of small ones,
    never beyond ``max_digits`` decimals (delay_logging_resolution_limit = 2);
    the rule of Postfix's format_tv.c."""
    total_us = max(0, round(seconds * MILLION))
    sec, usec = divmod(total_us, MILLION)
    resolution = MILLION // 10**max_digits
    width = 10**sig_digits
    if resolution < MILLION:
        if sec > 0:
            n = 1
            while sec >= n and n <= width // 10:
                n *= 10
            resolution = (MILLION // width) * n
        else:
            while usec >= width * resolution:
                resolution *= 10
    if resolution > 1:
        usec += resolution // 2
        if usec >= MILLION:
            sec, usec = sec + 1, usec - MILLION
    text = str(sec)
    if usec >= resolution:
        digits, rem, n = [], usec, MILLION // 10
        while rem >= resolution and n > 0:
            digits.append(str(rem // n))
            rem %= n
            n //= 10
        text += "." + "".join(digits)
    return text


@dataclass(slots=True)
class Stamps:
    """The four moments log_adhoc() measures from."""

    arrival: float
    active: float
    handoff: float
    conn_done: float | None = None


def status_line(qid: str, rcpt: str, orig: str, relay: str, stamps: Stamps, now: float,
                dsn: str, status: str, reason: str) -> str:
    parts = [f"{qid}: to=<{rcpt}>"]
    if orig and orig.lower() != rcpt.lower():
        parts.append(f"orig_to=<{orig}>")
    parts.append(f"relay={relay}")
    pdelay = stamps.active - stamps.arrival
    adelay = stamps.handoff - stamps.active
    if stamps.conn_done is not None:
        sdelay, xdelay = stamps.conn_done - stamps.handoff, now - stamps.conn_done
    else:
        sdelay, xdelay = 0.0, now - stamps.handoff
    delays = "/".join(format_tv(x) for x in (pdelay, adelay, sdelay, xdelay))
    parts.append(f"delay={format_tv(now - stamps.arrival)}")
    parts.append(f"delays={delays}")
    parts.append(f"dsn={dsn}")
    parts.append(f"status={status} ({reason})")
    return ", ".join(parts)
