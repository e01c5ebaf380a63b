"""main.cf parameters with Postfix 3.x names and defaults (postconf(5), ``postconf -d``).

Values are strings as in main.cf; ``$name`` and ``${name}`` expand recursively, as
Postfix does when it reads a parameter. Only parameters the simulation uses are known;
an unknown name in a scenario is an error with a suggestion, never silently ignored.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import Any, TypeVar

from ...model.duration import MAX_DAYS, MAX_SECONDS, parse_duration

# postconf -d (Postfix 3.x). Host-dependent defaults (myhostname, mynetworks) are filled
# in by MainCf from the host itself.
DEFAULTS: dict[str, str] = {
    "myhostname": "",
    "mydomain": "",
    "myorigin": "$myhostname",
    "mydestination": "$myhostname, localhost.$mydomain, localhost",
    "mynetworks_style": "host",  # Postfix >= 3.0
    "mynetworks": "",
    "relay_domains": "",  # Postfix >= 3.0: empty
    "relayhost": "",
    "inet_interfaces": "all",
    "mail_name": "Postfix",
    # Postfix >= 3.6 (HISTORY 20201205, postconf.proto): References:/In-Reply-To: in
    # notices; off by default in every release so far (mail_params.h DEF_THREADED_BOUNCE)
    "enable_threaded_bounces": "no",
    # smtpd(8)/postdrop(1) split longer lines into records of this size (postconf(5))
    "line_length_limit": "2048",
    "smtpd_banner": "$myhostname ESMTP $mail_name",
    "smtp_helo_name": "$myhostname",
    "smtpd_relay_restrictions": (
        "permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination"
    ),
    "smtpd_recipient_restrictions": "",
    "smtpd_client_restrictions": "",
    "smtpd_helo_restrictions": "",
    "smtpd_sender_restrictions": "",
    "smtpd_reject_unlisted_recipient": "yes",
    "smtpd_sasl_auth_enable": "no",
    "smtpd_sasl_authenticated_header": "no",
    "broken_sasl_auth_clients": "no",
    "smtpd_delay_open_until_valid_rcpt": "yes",
    "smtpd_helo_required": "no",
    "smtputf8_enable": "yes",
    "local_recipient_maps": "proxy:unix:passwd.byname $alias_maps",
    "alias_maps": "hash:/etc/aliases",
    "alias_database": "hash:/etc/aliases",
    "local_header_rewrite_clients": "permit_inet_interfaces",
    "always_add_missing_headers": "no",
    "message_drop_headers": "bcc, content-length, resent-bcc, return-path",  # Postfix >= 3.0
    "home_mailbox": "",
    # Upstream's compiled-in default is /var/mail; RHEL-family packages (and the LPIC/LinuC
    # textbooks) use /var/spool/mail, and on Debian /var/spool/mail links to /var/mail.
    "mail_spool_directory": "/var/spool/mail",
    "mailbox_command": "",
    # local(8) mbox locking: sys_defs.h DEF_MAILBOX_LOCK for Linux; mail_params.h
    "mailbox_delivery_lock": "fcntl, dotlock",
    "deliver_lock_attempts": "20",
    "deliver_lock_delay": "1s",
    "stale_lock_time": "500s",
    "allow_mail_to_commands": "alias, forward",
    "allow_mail_to_files": "alias, forward",
    "forward_path": "$home/.forward${recipient_delimiter}${extension}, $home/.forward",
    "prepend_delivered_header": "command, file, forward",
    "frozen_delivered_to": "yes",
    "owner_request_special": "yes",
    "expand_owner_alias": "no",
    "reset_owner_alias": "no",
    "duplicate_filter_limit": "1000",
    "default_privs": "nobody",
    "default_database_type": "hash",
    "queue_directory": "/var/spool/postfix",
    # The modelled Postfix release (mail_version.h MAIL_VERSION_NUMBER, postconf(5)
    # mail_version): the host's os: sets it per distribution (simulator/distro.py); main.cf
    # may not change it in practice. Behaviour that changed between releases (notice
    # headers, the Date: format ...) is keyed on it through version_at_least().
    "mail_version": "3.7.11",
    "compatibility_level": "0",  # postconf -d; distributions' main.cf set 2 or 3.6
    "config_directory": "/etc/postfix",
    # Where the programs and documents are: build-time choices of each package, so the
    # host's os: (simulator/distro.py) fills these; the values here are the labs' default.
    "command_directory": "/usr/sbin",
    "daemon_directory": "/usr/libexec/postfix",
    "data_directory": "/var/lib/postfix",
    "html_directory": "no",
    "mailq_path": "/usr/bin/mailq.postfix",
    "manpage_directory": "/usr/share/man",
    "meta_directory": "/etc/postfix",
    "newaliases_path": "/usr/bin/newaliases.postfix",
    "readme_directory": "/usr/share/doc/postfix/README_FILES",
    "sample_directory": "/usr/share/doc/postfix/samples",
    "sendmail_path": "/usr/sbin/sendmail.postfix",
    "shlib_directory": "/usr/lib64/postfix",
    "mail_owner": "postfix",
    "setgid_group": "postdrop",
    "inet_protocols": "all",  # Postfix >= 3.0 (postconf(5)); master binds IPv4 and IPv6
    "queue_run_delay": "300s",
    "minimal_backoff_time": "300s",
    "maximal_backoff_time": "4000s",
    "maximal_queue_lifetime": "5d",
    "bounce_queue_lifetime": "5d",
    "delay_warning_time": "0h",
    "hopcount_limit": "50",
    "message_size_limit": "10240000",
    "notify_classes": "resource, software",
    "bounce_notice_recipient": "postmaster",
    "2bounce_notice_recipient": "postmaster",
    "delay_notice_recipient": "postmaster",
    "double_bounce_sender": "double-bounce",
    "bounce_size_limit": "50000",
    "fast_flush_domains": "$relay_domains",
    "smtp_mx_address_limit": "5",
    "smtp_mx_session_limit": "2",
    "enable_long_queue_ids": "no",
    "enable_original_recipient": "yes",
    "smtp_connect_timeout": "30s",
    "smtpd_tls_security_level": "",
    "smtpd_tls_auth_only": "no",
    "smtpd_tls_wrappermode": "no",
    "smtpd_tls_received_header": "no",
    "smtpd_tls_loglevel": "0",
    "smtpd_tls_protocols": ">=TLSv1",  # Postfix >= 3.6
    "smtpd_tls_mandatory_protocols": ">=TLSv1",
    "smtpd_hide_client_session": "no",  # Postfix >= 3.10
    # Postfix < 3.11 (3.11 made it "may" at compatibility_level >= 3.11): no STARTTLS
    # from smtp(8) unless the scenario asks for it
    "smtp_tls_security_level": "",
    "syslog_name": "postfix",
    "milter_macro_daemon_name": "$myhostname",
    "disable_vrfy_command": "no",
    "recipient_delimiter": "",
    # smtpd(8) session limits (mail_params.h DEF_SMTPD_TMOUT; 3.7.9+ backports
    # smtpd_forbid_unauth_pipelining with default no)
    "smtpd_timeout": "300s",
    "smtpd_forbid_unauth_pipelining": "no",
    # EHLO keywords smtpd neither announces nor accepts (postconf(5)); "dsn" also makes
    # smtpd refuse RET/ENVID/NOTIFY/ORCPT with "501 5.7.1 DSN support is disabled"
    "smtpd_discard_ehlo_keywords": "",
}

T = TypeVar("T")
_REF = re.compile(r"\$(\w+)|\$\{(\w+)\}")
_LIST_SEP = re.compile(r"[\s,]+")  # postconf(5): list items are separated by commas and/or space

# The value type of each parameter that is not free text (postconf(5)).
TIME = {"queue_run_delay", "minimal_backoff_time", "maximal_backoff_time",
        "maximal_queue_lifetime", "bounce_queue_lifetime", "delay_warning_time",
        "smtp_connect_timeout", "deliver_lock_delay", "stale_lock_time", "smtpd_timeout"}
INTEGER = {"hopcount_limit", "message_size_limit", "deliver_lock_attempts", "bounce_size_limit",
           "smtp_mx_address_limit", "smtp_mx_session_limit", "duplicate_filter_limit",
           "smtpd_tls_loglevel", "line_length_limit"}
# notify_classes names (postconf(5)); others are an error
NOTIFY_CLASSES = ("2bounce", "bounce", "data", "delay", "policy", "protocol", "resource",
                  "software")
BOOLEAN = {"smtpd_sasl_auth_enable", "smtpd_delay_open_until_valid_rcpt", "smtpd_helo_required",
           "smtputf8_enable", "always_add_missing_headers", "enable_long_queue_ids",
           "enable_original_recipient", "smtpd_tls_auth_only", "disable_vrfy_command",
           "frozen_delivered_to", "owner_request_special", "expand_owner_alias",
           "reset_owner_alias", "smtpd_tls_wrappermode", "smtpd_tls_received_header",
           "smtpd_hide_client_session", "smtpd_reject_unlisted_recipient",
           "smtpd_sasl_authenticated_header", "broken_sasl_auth_clients",
           "enable_threaded_bounces", "smtpd_forbid_unauth_pipelining"}
# name_mask() lists (local.c local_mask_init()): only these names are accepted
NAME_LISTS = {"allow_mail_to_commands": ("alias", "forward", "include"),
              "allow_mail_to_files": ("alias", "forward", "include"),
              "prepend_delivered_header": ("command", "file", "forward")}
DATABASE_TYPES = ("hash", "btree", "lmdb", "cdb")
RESTRICTION_LISTS = {"smtpd_relay_restrictions", "smtpd_recipient_restrictions",
                     "smtpd_client_restrictions", "smtpd_helo_restrictions",
                     "smtpd_sender_restrictions"}
# smtpd_tls_security_level values smtpd(8) implements (smtpd.c: secure, verify and
# fingerprint are taken as "encrypt" with a warning)
TLS_LEVELS = ("", "none", "may", "encrypt")
SMTP_TLS_LEVELS = ("", "none", "may", "encrypt")


# (min, max) seconds of the time parameters whose daemons check them at start-up, 0 meaning
# no bound (qmgr.c time_table; mail_params.c for the local(8) lock times). Out of bounds,
# the daemon exits: "fatal: invalid queue_run_delay: 0 (min 1)" (mail_conf_time.c).
TIME_LIMITS = {
    "queue_run_delay": (1, 0), "minimal_backoff_time": (1, 0), "maximal_backoff_time": (1, 0),
    "maximal_queue_lifetime": (0, 8640000), "bounce_queue_lifetime": (0, 8640000),
    "deliver_lock_delay": (1, 0), "stale_lock_time": (1, 0),
}

MAX_EXPANSION = 10_000  # characters; no real main.cf value comes near


class ParameterError(ValueError):
    pass


_VERSION = re.compile(r"^(\d+)\.(\d+)(?:\.(\d+))?(?:-\S+)?$")


def parse_version(value: str) -> tuple[int, int, int]:
    """``3.7.11`` -> (3, 7, 11); a snapshot like ``3.12-20260821`` -> (3, 12, 0)."""
    match = _VERSION.match(value.strip())
    if match is None:
        raise ValueError(f"expected a Postfix version like 3.7.11 (got {value!r})")
    major, minor, patch = match.groups()
    return int(major), int(minor), int(patch or 0)


@lru_cache(maxsize=64)
def _version(value: str) -> tuple[int, int, int]:
    return parse_version(value)


def version_at_least(cf: MainCf, wanted: str) -> bool:
    """Is the modelled release (main.cf mail_version) ``wanted`` or later?"""
    return _version(cf["mail_version"]) >= _version(wanted)


def mail_date(cf: MainCf, moment: datetime) -> str:
    """global/mail_date.c, the date of every header Postfix writes (Received:, Date:,
    Arrival-Date: ...): ``%a, %e %b %Y %H:%M:%S %z (%Z)``, a space-padded day
    (``Wed,  1 Apr 2026``) up to 3.8; from 3.9 a two-digit day (``Wed, 01 Apr 2026``,
    util/sys_defs.h TWO_DIGIT_DAY_IN_DATE_TIME)."""
    day = f"{moment.day:02d}" if version_at_least(cf, "3.9") else f"{moment.day:2d}"
    return f"{moment:%a}, {day} {moment:%b %Y %H:%M:%S %z (%Z)}"


def check_names(names: list[str]) -> list[tuple[str, str]]:
    """(name, message) for every name that is not a known main.cf parameter."""
    problems = []
    for name in names:
        if name not in DEFAULTS:
            close = difflib.get_close_matches(name, list(DEFAULTS), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append((name, f"unknown main.cf parameter {name!r}{hint}"))
    return problems


def _time_limit(name: str, seconds: float, value: str) -> str | None:
    low, high = TIME_LIMITS.get(name, (0, 0))
    if low and seconds < low:
        fatal, expected = f"{int(seconds)} (min {low})", f"at least {low}s"
    elif high and seconds > high:
        fatal, expected = f"{int(seconds)} (max {high})", f"at most {high}s"
    else:
        return None
    return (f'Postfix would stop with "fatal: invalid {name}: {fatal}": expected {expected}'
            f" (got {value!r})")


def check_value(name: str, value: str) -> str | None:
    """What is wrong with a parameter's value, in words; None when it is fine."""
    if "$" in value:
        return None  # a reference to another parameter: checked when expanded
    if name in TIME:
        try:
            seconds = parse_duration(value)
        except ValueError as exc:
            return str(exc) + f" (got {value!r})"
        if seconds > MAX_SECONDS:
            return f"expected a duration of at most {MAX_DAYS}d (got {value!r})"
        return _time_limit(name, seconds, value)
    elif name in INTEGER and not value.strip().isdigit():
        return f"expected a whole number (got {value!r})"
    elif name in INTEGER and int(value) > 2**31 - 1:  # a C int in Postfix
        return f"expected a whole number of at most {2**31 - 1} (got {value!r})"
    elif name in BOOLEAN and value.strip().lower() not in ("yes", "no"):
        return f"expected yes or no (got {value!r})"
    elif name == "mail_version":
        try:
            parse_version(value)
        except ValueError as exc:
            return str(exc)
    elif name in NAME_LISTS:
        unknown = [n for n in re.split(r"[\s,]+", value) if n and n not in NAME_LISTS[name]]
        if unknown:
            return (f"unknown {name} value {unknown[0]!r} "
                    f"(expected some of: {', '.join(NAME_LISTS[name])})")
    elif name in ("alias_maps", "alias_database"):
        from ..mda.aliases import unsupported

        return unsupported(value)
    elif name == "default_database_type" and value.strip() not in DATABASE_TYPES:
        return f"expected one of: {', '.join(DATABASE_TYPES)} (got {value!r})"
    elif name == "notify_classes":
        unknown = [c for c in re.split(r"[\s,]+", value) if c and c not in NOTIFY_CLASSES]
        if unknown:
            return (f"unknown notify class {unknown[0]!r} "
                    f"(expected some of: {', '.join(NOTIFY_CLASSES)})")
    elif name == "mailbox_delivery_lock":
        from ..mda.locks import parse_kinds

        try:
            parse_kinds(value)
        except ValueError as exc:
            return str(exc) + f" (got {value!r})"
    elif name in RESTRICTION_LISTS:
        from .restrictions import check_list

        return check_list(value)
    elif name in ("smtpd_tls_security_level", "smtp_tls_security_level") \
            and value.strip() not in TLS_LEVELS:
        return f"expected one of: none, may, encrypt (got {value!r})"
    elif name in ("smtpd_tls_protocols", "smtpd_tls_mandatory_protocols"):
        from ...protocol.tls import check_protocols

        return check_protocols(value)
    return None


def host_defaults(hostname: str, ip: str | None,
                  os_defaults: dict[str, str] | None = None) -> dict[str, str]:
    """``postconf -d`` on this host: the table, the distribution's build (distro.py), and
    what Postfix computes from the machine itself (myhostname, mydomain, mynetworks)."""
    values = DEFAULTS | (os_defaults or {})
    values["myhostname"] = hostname
    values["mydomain"] = hostname.split(".", 1)[1] if "." in hostname else "localdomain"
    # mynetworks_style = host: only the machine itself is trusted (postconf(5))
    values["mynetworks"] = "127.0.0.0/8 [::1]/128" + (f" {ip}/32" if ip else "")
    return values


class MainCf:
    """One host's main.cf: defaults, the scenario's overrides, and ``$name`` expansion.

    Like a running Postfix daemon, which reads main.cf once at start (mail_conf.c) and
    again only when master(8) replaces it at ``postfix reload``, each value is expanded and
    parsed (list, flag, time, number) once and kept; ``set`` and ``replace`` (a reload)
    forget what was kept."""

    __slots__ = ("_cache", "_derived", "_flags", "_ints", "_lists", "_seconds", "values")

    def __init__(self, hostname: str, ip: str | None, overrides: dict[str, str],
                 os_defaults: dict[str, str] | None = None) -> None:
        self.replace(host_defaults(hostname, ip, os_defaults) | overrides)

    def replace(self, values: dict[str, str]) -> None:
        """The running configuration becomes ``values`` (master(8) at ``postfix reload``)."""
        self.values = values
        self._forget()

    def _forget(self) -> None:
        self._cache: dict[str, str] = {}
        self._lists: dict[str, tuple[str, ...]] = {}
        self._flags: dict[str, bool] = {}
        self._seconds: dict[str, float] = {}
        self._ints: dict[str, int] = {}
        self._derived: dict[str, Any] = {}

    def derived(self, key: str, compute: Callable[[MainCf], T]) -> T:
        """What a daemon computes from its configuration at start (smtpd's TLS offer ...):
        ``compute(self)`` once per running configuration; ``compute`` must read only this
        main.cf and return an immutable value (or a memo of its own, such as a dict that
        only it fills)."""
        try:
            value: T = self._derived[key]
        except KeyError:
            value = self._derived[key] = compute(self)
        return value

    def __getitem__(self, name: str) -> str:
        try:
            return self._cache[name]
        except KeyError:
            return self._get(name, depth=0)

    def _get(self, name: str, depth: int) -> str:
        # Each name is expanded once and remembered, so "$a$a" with a = "$b$b" ... costs
        # one expansion per name, not 2**depth.
        if name not in self._cache:
            self._cache[name] = self._expand(self.values[name], depth)
        return self._cache[name]

    def _expand(self, value: str, depth: int) -> str:
        if depth > 20:
            raise ParameterError(f"parameter expansion too deep in {value!r}")

        def sub(match: re.Match[str]) -> str:
            name = match.group(1) or match.group(2)
            return self._get(name, depth + 1) if name in self.values else ""

        expanded = _REF.sub(sub, value)
        if len(expanded) > MAX_EXPANSION:
            raise ParameterError(f"parameter value expands to more than {MAX_EXPANSION} characters")
        return expanded

    def raw(self, name: str) -> str:
        """A value without $name expansion, for the parameters a daemon expands itself
        with its own names (local(8) forward_path: $home, $user ...)."""
        return self.values[name]

    def list(self, name: str) -> list[str]:
        """A list parameter: separated by commas and/or white space (postconf(5))."""
        try:
            return list(self._lists[name])
        except KeyError:
            items = self._lists[name] = tuple(i for i in _LIST_SEP.split(self[name]) if i)
            return list(items)

    def seconds(self, name: str) -> float:
        try:
            return self._seconds[name]
        except KeyError:
            value = self._seconds[name] = parse_duration(self[name])
            return value

    def flag(self, name: str) -> bool:
        try:
            return self._flags[name]
        except KeyError:
            value = self._flags[name] = self[name].strip().lower() in ("yes", "true", "1")
            return value

    def integer(self, name: str) -> int:
        try:
            return self._ints[name]
        except KeyError:
            value = self._ints[name] = int(self[name])
            return value

    def derive(self, overrides: dict[str, str]) -> MainCf:
        """A copy with master.cf ``-o name=value`` overrides (they win over main.cf)."""
        child = MainCf.__new__(MainCf)
        child.replace(dict(self.values) | overrides)
        return child

    def set(self, name: str, value: str) -> None:
        self.values[name] = value
        self._forget()
