"""Scenario cross-checks for mailboxes and mail retrieval (called by scenario._cross_check).

A user name becomes a path (/var/spool/mail/NAME, /home/NAME/Maildir/) on the host and
under ``--export DIR``, so it must be a plain login name: ``../x`` is refused here, with
the file, line and field, before anything runs. Fetches name IMAP-only actions only for
IMAP accounts, and only messages that exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .scenario import Scenario
    from .yamlsource import LineMap, Problem

def check_mail(spec: Scenario, lines: LineMap) -> list[Problem]:
    # user names, account keys and homes are typed fields (scenario_types)
    return _check_fetch_actions(spec, lines)


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
            if not spec.is_message_key(key, keys):
                out.append(lines.problem(("fetches", i, "delete", j),
                                         f"unknown message {key!r} (expected one of: "
                                         f"{', '.join(sorted(keys)) or 'none'})"))
    return out
