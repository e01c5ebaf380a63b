"""Scenario cross-checks for mailboxes and mail retrieval (called by scenario._cross_check).

A user name becomes a path (/var/spool/mail/NAME, /home/NAME/Maildir/) on the host and
under ``--export DIR``, so it must be a plain login name: ``../x`` is refused here, with
the file, line and field, before anything runs. Fetches name IMAP-only actions only for
IMAP accounts, and only messages that exist.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .scenario import Scenario
    from .yamlsource import LineMap, Problem

# useradd(8)'s portable name rule (shadow-utils is_valid_user_name), dots allowed as
# most distributions do; at most 32 characters (LOGIN_NAME_MAX on Linux).
USER_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,31}")
USER_NAME_RULE = ("expected a login name of letters, digits, '_', '-' and '.', starting with "
                  "a letter or '_', at most 32 characters (it becomes /var/spool/mail/NAME)")


def check_mail(spec: Scenario, lines: LineMap) -> list[Problem]:
    return _check_users(spec, lines) + _check_fetch_actions(spec, lines)


def _check_users(spec: Scenario, lines: LineMap) -> list[Problem]:
    out = []
    for host_name, host in spec.hosts.items():
        for section in ("users", "accounts"):
            for name in getattr(host, section):
                if USER_NAME.fullmatch(name) is None:
                    out.append(lines.problem(("hosts", host_name, section, name),
                                             f"user name {name!r}: {USER_NAME_RULE}"))
        for name, user in host.users.items():
            home = user.home
            if home is not None and (not home.startswith("/") or ".." in home.split("/")):
                out.append(lines.problem(("hosts", host_name, "users", name, "home"),
                                         f"expected an absolute path without '..' (got {home!r})"))
    return out


def _check_fetch_actions(spec: Scenario, lines: LineMap) -> list[Problem]:
    out = []
    keys = {spec.message_key(i) for i in range(len(spec.messages))}
    keys |= {c.id for c in spec.commands if c.id}
    for i, fetch in enumerate(spec.fetches):
        host = spec.hosts.get(fetch.client)
        account = host.accounts.get(fetch.account) if host else None
        incoming = account.incoming if account else None
        if incoming is None:
            continue  # reported by scenario._check_fetches
        imap_only = {"read", "delete"} & fetch.model_fields_set
        if incoming.protocol != "imap" and imap_only:
            out.append(lines.problem(("fetches", i, min(imap_only)),
                                     "read/delete are IMAP actions; this account uses POP3, "
                                     "which downloads every message"))
        for j, key in enumerate(fetch.delete):
            if key not in keys:
                out.append(lines.problem(("fetches", i, "delete", j),
                                         f"unknown message {key!r} (expected one of: "
                                         f"{', '.join(sorted(keys)) or 'none'})"))
    return out
