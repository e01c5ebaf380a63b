"""The DSN parameters of MAIL FROM and RCPT TO (RFC 3461), parsed as Postfix 3.7's smtpd.c
mail_cmd() and rcpt_cmd() parse them.

- ``MAIL FROM:<a> RET=FULL|HDRS ENVID=xtext``: whether a non-delivery notice returns the
  whole message or its headers only, and an envelope identifier the client chose, copied
  into every notice as ``Original-Envelope-Id:`` (RFC 3464 §2.2.1).
- ``RCPT TO:<a> NOTIFY=NEVER|SUCCESS,FAILURE,DELAY ORCPT=rfc822;xtext``: which events
  produce a notice for this recipient, and the address as the first client knew it
  (``Original-Recipient:``).

xtext (RFC 3461 §4): ``+XX`` (two hex digits) stands for one byte. A bad value, a repeated
parameter, or DSN parameters after ``smtpd_discard_ehlo_keywords`` removed DSN are refused
with Postfix's replies (the texts differ: MAIL's lack the ``Error:`` that RCPT's have).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# global/dsn_mask.h: the NOTIFY bits
NOTIFY_NEVER, NOTIFY_SUCCESS, NOTIFY_FAILURE, NOTIFY_DELAY = 1, 2, 4, 8
_NOTIFY_NAMES = {"NEVER": NOTIFY_NEVER, "SUCCESS": NOTIFY_SUCCESS,
                 "FAILURE": NOTIFY_FAILURE, "DELAY": NOTIFY_DELAY}

DSN_DISABLED = "501 5.7.1 DSN support is disabled"
BAD_RET = "501 5.5.4 Bad RET parameter syntax"
BAD_ENVID = "501 5.5.4 Bad ENVID parameter syntax"
BAD_NOTIFY = "501 5.5.4 Error: Bad NOTIFY parameter syntax"
BAD_ORCPT = "501 5.5.4 Error: Bad ORCPT parameter syntax"

_HEX = re.compile(r"\+([0-9A-Fa-f]{2})")


def notify_mask(value: str) -> int:
    """dsn_mask.c dsn_notify_mask(): a comma list of the four names, any case; NEVER
    only alone (DSN_NOTIFY_OK); 0 for anything else."""
    mask = 0
    for name in re.split(r"[,\s]+", value):
        if name and name.upper() not in _NOTIFY_NAMES:
            return 0
        mask |= _NOTIFY_NAMES.get(name.upper(), 0)
    return mask if mask and (mask == NOTIFY_NEVER or not mask & NOTIFY_NEVER) else 0


def expanded_notify(mask: int) -> int:
    """What an alias or .forward passes to its destinations (local/alias.c, dotforward.c,
    forward.c): NOTIFY without SUCCESS, NEVER when SUCCESS was all; the expansion itself
    reports the success ("expanded")."""
    return NOTIFY_NEVER if mask == NOTIFY_SUCCESS else mask & ~NOTIFY_SUCCESS


def wants(mask: int, bit: int) -> bool:
    """Is a notice for this event due? An unset NOTIFY means FAILURE,DELAY (RFC 3461
    §4.1; bounce_notify_util.c: ``dsn_notify == 0 || dsn_notify & filter``)."""
    return bool(mask & bit) if mask else bit != NOTIFY_SUCCESS


def notify_str(mask: int) -> str:
    """dsn_notify_str(): the names of the bits, comma-separated, as smtp(8) sends them."""
    return ",".join(name for name, bit in _NOTIFY_NAMES.items() if mask & bit)


def xtext_unquote(value: str) -> str | None:
    """xtext.c xtext_unquote(): ``+XX`` decoded; None when a ``+`` lacks two hex digits
    or the result holds a NUL byte (smtpd.c compares strlen() with the length)."""
    if re.search(r"\+(?![0-9A-Fa-f]{2})", value):
        return None
    out = _HEX.sub(lambda m: chr(int(m.group(1), 16)), value)
    return None if "\0" in out else out


def xtext_quote(value: str) -> str:
    """xtext.c xtext_quote(): ``+``, ``=``, and bytes outside 33..126 as ``+XX``."""
    return "".join(f"+{ord(c):02X}" if c in "+=" or not 33 <= ord(c) <= 126 else c
                   for c in value)


@dataclass(slots=True)
class MailDsn:
    ret: str | None = None  # "FULL" | "HDRS"
    envid: str | None = None  # unquoted


@dataclass(slots=True)
class RcptDsn:
    notify: int = 0  # 0: the client did not say (Postfix then acts as for FAILURE,DELAY)
    orcpt: str | None = None  # "type;address", address unquoted


def _named(words: list[str], keys: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    """(KEY, value) of each ``KEY=value`` word whose key (any case) is one of ``keys``;
    the other parameters are left to the caller."""
    for word in words:
        key, eq, value = word.partition("=")
        if eq and key.upper() in keys:
            yield key.upper(), value


def mail_params(words: list[str], dsn_enabled: bool) -> MailDsn | str:
    """RET= and ENVID= of MAIL FROM (other parameters are left to the caller); the
    error reply line on failure."""
    out = MailDsn()
    for key, value in _named(words, ("RET", "ENVID")):
        if not dsn_enabled:
            return DSN_DISABLED
        if key == "RET":
            if out.ret is not None or value.upper() not in ("FULL", "HDRS"):
                return BAD_RET
            out.ret = value.upper()
        else:
            envid = xtext_unquote(value)
            # smtpd.c: all_isprint_tab() on the unquoted value
            if out.envid is not None or envid is None \
                    or not all(c == "\t" or 32 <= ord(c) < 127 for c in envid):
                return BAD_ENVID
            out.envid = envid
    return out


def rcpt_params(words: list[str], dsn_enabled: bool) -> RcptDsn | str:
    """NOTIFY= and ORCPT= of RCPT TO; the error reply line on failure."""
    out = RcptDsn()
    seen_orcpt = False
    for key, value in _named(words, ("NOTIFY", "ORCPT")):
        if not dsn_enabled:
            return DSN_DISABLED
        if key == "NOTIFY":
            if out.notify or not (mask := notify_mask(value)):
                return BAD_NOTIFY
            out.notify = mask
        else:
            kind, semi, coded = value.partition(";")
            addr = xtext_unquote(coded) if semi else None
            if seen_orcpt or not kind or addr is None:
                return BAD_ORCPT
            seen_orcpt, out.orcpt = True, f"{kind};{addr}"
    return out


def mail_suffix(ret: str | None, envid: str | None) -> str:
    """What smtp(8) adds to MAIL FROM for a server that announced DSN (smtp_proto.c):
    `` ENVID=xtext`` then `` RET=FULL|HDRS``, each only when the message has one."""
    return (f" ENVID={xtext_quote(envid)}" if envid else "") + (f" RET={ret}" if ret else "")


def rcpt_suffix(notify: int, orcpt: str) -> str:
    """`` ORCPT=type;xtext`` (only the address part is quoted) and `` NOTIFY=...`` when
    set, as smtp_proto.c adds them to RCPT TO for a server that announced DSN."""
    kind, _, addr = orcpt.partition(";")
    out = f" ORCPT={kind};{xtext_quote(addr)}" if orcpt else ""
    return out + (f" NOTIFY={notify_str(notify)}" if notify else "")
