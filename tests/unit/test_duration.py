"""Postfix time values (postconf(5) time units): parsing, formatting, the pydantic type."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from simulator.model.duration import (
    DURATION_EXPECTED,
    Duration,
    format_duration,
    parse_duration,
)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("300s", 300.0),
        ("5m", 300.0),
        ("2h", 7200.0),
        ("5d", 432000.0),
        ("1w", 604800.0),
        ("0h", 0.0),
        ("0", 0.0),
        ("4000", 4000.0),  # no unit: the default unit, seconds
        ("20ms", 0.02),
        ("1.5ms", 0.0015),
        ("0.5s", 0.5),
        ("1.5h", 5400.0),
        (" 300s ", 300.0),
    ],
)
def test_parse_every_unit(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(("value", "seconds"), [(4000, 4000.0), (0, 0.0), (2.5, 2.5)])
def test_parse_numbers_from_yaml_are_in_the_default_unit(value: float, seconds: float) -> None:
    assert parse_duration(value) == seconds


def test_default_unit_applies_to_bare_numbers_only() -> None:
    assert parse_duration("5", default_unit="m") == 300.0
    assert parse_duration(5, default_unit="d") == 432000.0
    assert parse_duration("5s", default_unit="d") == 5.0


def test_unknown_default_unit_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown default unit"):
        parse_duration("5", default_unit="y")


@pytest.mark.parametrize(
    "value",
    ["", "abc", "-5s", "-1", "5x", "5 s", "5S", "5M", "s", "1e3", "5mm", "1.2.3s", "inf",
     "nan", "9" * 400, True, False, -1, -0.5, float("inf"), float("nan"), None, [], {}],
)
def test_bad_values_are_rejected_with_the_expectation(value: object) -> None:
    with pytest.raises(ValueError) as info:
        parse_duration(value)  # type: ignore[arg-type]
    assert str(info.value) == DURATION_EXPECTED


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0s"),
        (1, "1s"),
        (4000, "4000s"),
        (300, "5m"),
        (3600, "1h"),
        (5400, "90m"),
        (86400, "1d"),
        (432000, "5d"),
        (604800, "1w"),
        (1209600, "2w"),
        (0.012, "12ms"),
        (0.0015, "1.5ms"),
        (1.5, "1500ms"),
    ],
)
def test_format_uses_the_largest_exact_unit(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


@pytest.mark.parametrize("seconds", [-1, float("inf"), float("nan")])
def test_format_rejects_what_is_not_a_duration(seconds: float) -> None:
    with pytest.raises(ValueError, match="cannot format"):
        format_duration(seconds)


@given(st.integers(min_value=0, max_value=10**8))
def test_format_then_parse_round_trips_whole_seconds(seconds: int) -> None:
    assert parse_duration(format_duration(seconds)) == seconds


@given(st.integers(min_value=0, max_value=10**9))
def test_format_then_parse_round_trips_whole_milliseconds(millis: int) -> None:
    seconds = millis / 1000
    assert parse_duration(format_duration(seconds)) == seconds


class _Timers(BaseModel):
    maximal_backoff_time: Duration = 4000.0
    latency: Duration = 0.0


def test_duration_field_accepts_postfix_values() -> None:
    timers = _Timers.model_validate({"maximal_backoff_time": "2h", "latency": "20ms"})
    assert timers.maximal_backoff_time == 7200.0
    assert timers.latency == 0.02
    assert _Timers.model_validate({"maximal_backoff_time": 600}).maximal_backoff_time == 600.0
    assert _Timers().maximal_backoff_time == 4000.0


@pytest.mark.parametrize("value", ["abc", "-5m", True, None, [1]])
def test_duration_field_error_reads_as_the_expectation(value: object) -> None:
    with pytest.raises(ValidationError) as info:
        _Timers.model_validate({"maximal_backoff_time": value})
    (error,) = info.value.errors()
    assert error["loc"] == ("maximal_backoff_time",)
    assert error["msg"] == DURATION_EXPECTED


def test_duration_json_schema_admits_text() -> None:
    schema = _Timers.model_json_schema()["properties"]["latency"]
    assert {"type": "string"}.items() <= schema["anyOf"][0].items()
