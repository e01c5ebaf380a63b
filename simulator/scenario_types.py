"""Field types of scenario files, each checked once, before the run (STYLE.md convention 6).

Every value that reaches the simulation as an address, a host or user name, a path in a
host's filesystem, a header line or a time has passed one of these types, so nothing the
run does with it can fail half-way through: a bad value is a scenario error that names the
file, the line, the field and what was expected.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator
from pydantic_core import PydanticCustomError

from .model.address import Address
from .model.duration import MAX_DAYS, MAX_SECONDS, parse_duration

DURATION_BOUNDED = ("expected a duration like 300s, 5m, 2h, 5d (units s, m, h, d, w, ms),"
                    f" at most {MAX_DAYS}d")


def _fail(kind: str, message: str) -> PydanticCustomError:
    # A custom error keeps the message free of pydantic's "Value error, " prefix.
    return PydanticCustomError(kind, message)


def _bounded_duration(value: object) -> float:
    try:
        seconds = parse_duration(value)  # type: ignore[arg-type]
    except (ValueError, TypeError):
        raise _fail("duration", DURATION_BOUNDED) from None
    if seconds > MAX_SECONDS:
        raise _fail("duration", f"{DURATION_BOUNDED} (got {value!r})")
    return seconds


Duration = Annotated[float, BeforeValidator(_bounded_duration)]
"""Float seconds from a Postfix time value, at most MAX_DAYS days."""


def check_start(value: datetime) -> datetime:
    if not 1971 <= value.year <= 9998:  # the clock must be able to run MAX_DAYS either way
        raise _fail("start", f"expected a date between 1971 and 9998 (got {value.year})")
    return value


_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


def _line(value: str) -> str:
    """One printable line: header values, names, passwords, command lines."""
    bad = _CONTROL.search(value)
    if bad:
        raise _fail("line", f"expected one line of printable text (got control character "
                            f"{bad.group()!r} in {value[:40]!r})")
    if len(value) > 998:  # RFC 5322 §2.1.1: a line is at most 998 characters
        raise _fail("line", f"expected at most 998 characters (got {len(value)})")
    return value


Line = Annotated[str, AfterValidator(_line)]


def _text(value: str) -> str:
    """Multi-line text (a body, a file's content, a zone): anything but NUL and lone
    surrogates, which no file or message on a real host can hold."""
    if "\x00" in value:
        raise _fail("text", "expected text without NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise _fail("text", "expected text that can be written as UTF-8") from None
    return value


Text = Annotated[str, AfterValidator(_text)]

# RFC 1123 §2.1 host names: letters, digits and hyphens in labels of at most 63
# characters, at most 253 in all (RFC 1035 §2.3.4). Underscores are tolerated, as
# resolvers do.
_LABEL = re.compile(r"(?!-)[A-Za-z0-9_-]{1,63}(?<!-)")


def _hostname(value: str) -> str:
    labels = value.rstrip(".").split(".")
    if not value or len(value) > 253 or not all(_LABEL.fullmatch(x) for x in labels):
        raise _fail("hostname", "expected a host name like mx.example.org (letters, digits, "
                                f"hyphens; labels of at most 63 characters; got {value[:60]!r})")
    return value


HostName = Annotated[str, AfterValidator(_hostname)]

# useradd(8)'s portable name rule (shadow-utils is_valid_user_name), dots allowed as
# most distributions do; at most 32 characters (LOGIN_NAME_MAX on Linux).
USER_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,31}")
USER_NAME_RULE = ("expected a login name of letters, digits, '_', '-' and '.', starting with "
                  "a letter or '_', at most 32 characters (it becomes /var/spool/mail/NAME)")


def _username(value: str) -> str:
    if not USER_NAME.fullmatch(value):
        raise _fail("user", f"user name {value[:40]!r}: {USER_NAME_RULE}")
    return value


UserName = Annotated[str, AfterValidator(_username)]


def _path(value: str) -> str:
    """An absolute path on a simulated host, with no ``..`` and no empty or odd parts."""
    parts = value.split("/")[1:]
    problem = None
    if not value.startswith("/") or ".." in parts:
        problem = "an absolute path without '..'"
    elif "." in parts or "" in parts[:-1]:
        problem = "a path without '.' or empty parts"
    elif _CONTROL.search(value):
        problem = "a path of printable characters"
    elif len(value) > 4095 or any(len(p) > 255 for p in parts):  # PATH_MAX, NAME_MAX
        problem = "a path of at most 4095 characters, 255 per name"
    if problem:
        raise _fail("path", f"expected {problem} (got {value[:60]!r})")
    return value


UnixPath = Annotated[str, AfterValidator(_path)]


def _address(value: str) -> str:
    """An envelope address as the simulator will parse it (RFC 5321 §4.1.2), with the
    limits of RFC 5321 §4.5.3.1 (local part 64, domain 255 characters)."""
    _line(value)
    try:
        parsed = Address.parse(value)
    except ValueError as exc:
        raise _fail("address", str(exc)) from None
    if "@" in parsed.local or len(parsed.local) > 64 or len(parsed.domain) > 255:
        raise _fail("address", f"expected an address like user@example.com, with one @, a "
                               f"local part of at most 64 characters (got {value[:60]!r})")
    _hostname(parsed.domain)
    return str(parsed)


EmailAddress = Annotated[str, AfterValidator(_address)]
