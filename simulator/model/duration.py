"""Postfix time values: ``300s``, ``5m``, ``2h``, ``5d``, ``1w``.

Models the time-unit syntax of postconf(5) ("Time units: s (seconds), m (minutes),
h (hours), d (days), w (weeks)"), as parsed by Postfix's conv_time(3): a number with
an optional one-letter unit; without a unit the parameter's default unit applies
(seconds for every parameter this simulator uses, e.g. ``maximal_backoff_time = 4000``).

SIMPLIFICATION: Postfix accepts only whole numbers. For scenario convenience we also
accept decimals (``0.5s``) and the unit ``ms`` (milliseconds, for link latencies).

Durations are plain ``float`` seconds inside the simulator; ``Duration`` is the pydantic
type that scenario models use for such fields.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

__all__ = ["DURATION_EXPECTED", "MAX_DAYS", "MAX_SECONDS", "Duration", "format_duration",
           "parse_duration"]

# How far any time in a scenario may reach (a queue lifetime, an event, a latency): past
# this, SimPy's clock and datetime would overflow long before anything teaches something.
MAX_DAYS = 400
MAX_SECONDS = MAX_DAYS * 86400.0

DURATION_EXPECTED = "expected a duration like 300s, 5m, 2h, 5d (units s, m, h, d, w, ms)"

# Seconds per unit. Milliseconds are handled apart (divide, not multiply) so that
# "12ms" gives exactly the float 0.012.
_UNIT_SECONDS: dict[str, int] = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}
_UNITS = (*_UNIT_SECONDS, "ms")

# Strict on purpose, like conv_time(3): no sign, no space before the unit, lower case only.
_DURATION_RE = re.compile(r"(\d+(?:\.\d+)?|\.\d+)(ms|[smhdw])?")


def _in_seconds(number: float, unit: str) -> float:
    """Convert ``number`` of ``unit`` into seconds."""
    if unit == "ms":
        return number / 1000
    return number * _UNIT_SECONDS[unit]


def parse_duration(value: str | float, default_unit: str = "s") -> float:
    """Return the duration ``value`` in seconds.

    ``value`` is a Postfix time value such as ``"300s"``, ``"5d"`` or ``"0h"``; a bare
    number (a string, or an int or float as YAML gives it) is in ``default_unit``.
    Raises ValueError with DURATION_EXPECTED for negative or malformed values.
    """
    if default_unit not in _UNITS:
        raise ValueError(f"unknown default unit {default_unit!r} (expected one of {_UNITS})")
    # bool is an int subclass, but YAML's "yes" is not a duration.
    if isinstance(value, int | float) and not isinstance(value, bool):
        number, unit = float(value), default_unit
    elif isinstance(value, str) and (match := _DURATION_RE.fullmatch(value.strip())):
        number, unit = float(match.group(1)), match.group(2) or default_unit
    else:
        raise ValueError(DURATION_EXPECTED)
    seconds = _in_seconds(number, unit)
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(DURATION_EXPECTED)
    return seconds


def _number_text(number: float) -> str:
    """Shortest decimal text for ``number``: ``12`` rather than ``12.0``."""
    # Nine decimals hide binary noise such as 1.5000000000000002; "f" avoids "1e-07".
    return f"{number:.9f}".rstrip("0").rstrip(".")


def format_duration(seconds: float) -> str:
    """Return the Postfix-style text of ``seconds`` using the largest exact unit.

    ``432000 -> "5d"``, ``3600 -> "1h"``, ``4000 -> "4000s"``, ``0 -> "0s"``,
    ``0.012 -> "12ms"``, ``0.0015 -> "1.5ms"``. ``parse_duration`` reads it back.
    """
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"cannot format {seconds!r} as a duration (expected >= 0 seconds)")
    if float(seconds).is_integer():
        whole = int(seconds)
        for unit, size in _UNIT_SECONDS.items():
            if whole and whole % size == 0:
                return f"{whole // size}{unit}"
        return "0s"
    return f"{_number_text(seconds * 1000)}ms"


def _validate_duration(value: Any) -> float:
    """Pydantic before-validator: a Postfix time value to float seconds."""
    try:
        return parse_duration(value)
    except (ValueError, TypeError):
        # A custom error keeps the message free of pydantic's "Value error, " prefix.
        raise PydanticCustomError("duration", DURATION_EXPECTED) from None


Duration = Annotated[
    float,
    BeforeValidator(_validate_duration),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^(\d+(\.\d+)?|\.\d+)(ms|[smhdw])?$"},
                {"type": "number", "minimum": 0},
            ],
            "description": "a Postfix time value such as 300s, 5m, 2h, 5d, 1w or 20ms",
        }
    ),
]
"""Float seconds, written in a scenario as a Postfix time value (``maximal_backoff_time: 4000s``)."""
