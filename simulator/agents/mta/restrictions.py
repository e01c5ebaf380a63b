"""smtpd(8) access restrictions: the relay decision and the client decision (postconf(5)).

A restriction list is evaluated left to right; the first restriction that decides ends
it. Only the restrictions named in the Postfix defaults and the LPIC/LinuC labs are
known; an unknown one is a configuration error, reported by name. ``check_client_access
type:table`` looks the client up in an access(5) table (postfix/src/smtpd/smtpd_check.c
check_namadr_access(), check_table_result()), which is how POP-before-SMTP (DRAC) opens
relaying for a client address.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from ...model.address import domain_of
from ...model.status import S454_RELAY_DENIED, S554_RELAY_DENIED, Reply
from ...net.addr import ip_address, ip_network

# A table lookup: (table "type:name", key) -> the value, None when the key is absent.
# It raises TableError when the table cannot be read (smtpd_check.c: maps->error).
Lookup = Callable[[str, str], "str | None"]


class TableError(LookupError):
    """A lookup table that cannot be opened (for example a hash: table without its .db)."""


@dataclass(frozen=True, slots=True)
class Facts:
    """What a restriction may look at (smtpd's SMTPD_STATE, in short)."""

    client_ip: str
    client_label: str  # "name[ip]" as Postfix prints the client
    authenticated: bool
    mynetworks: tuple[str, ...]
    local_domains: frozenset[str]  # mydestination (+ relay_domains for relaying)
    client_name: str = "unknown"  # the verified client name, or "unknown"
    helo: str | None = None
    sender: str | None = None
    lookup: Lookup | None = None  # for check_*_access type:table
    myhostname: str = ""  # the domain of an address given without one (see rcpt_domain)


KNOWN = ("permit_mynetworks", "permit_sasl_authenticated", "defer_unauth_destination",
         "reject_unauth_destination", "permit", "reject", "defer")
# restrictions that take a lookup table as their argument
WITH_TABLE = ("check_client_access",)
# The name and the class a reject names in each list (smtpd_check.c, smtpd_dsn_fix.h)
STAGES = {"client": "Client host", "helo": "Helo command", "sender": "Sender address",
          "recipient": "Recipient address"}
SERVER_CONFIG_ERROR = "451 4.3.5 Server configuration error"


def split_list(value: str) -> list[str]:
    """A restriction list as main.cf or master.cf -o gives it (commas and/or white space)."""
    return [item for item in re.split(r"[\s,]+", value) if item]


def check_list(value: str) -> str | None:
    """What is wrong with a restriction list, in words; None when every entry is known."""
    items = split_list(value)
    i = 0
    while i < len(items):
        name = items[i]
        if name in WITH_TABLE:
            if i + 1 >= len(items) or ":" not in items[i + 1]:
                return f"{name} needs a lookup table like btree:/etc/mail/dracd"
            i += 2
            continue
        if name not in KNOWN:
            return (f"unknown restriction {name!r} "
                    f"(expected some of: {', '.join(KNOWN + WITH_TABLE)})")
        i += 1
    return None


@lru_cache(maxsize=4096)  # a pure function of (address, list): asked once per connection
def in_networks(ip: str, networks: tuple[str, ...]) -> bool:
    """mynetworks matching (postconf(5)): CIDR blocks, bracketed IPv6 ``[::1]/128``, single
    addresses; the first pattern that matches decides, and ``!pattern`` excludes."""
    addr = ip_address(ip)
    for item in networks:
        negate = item.startswith("!")
        try:
            net = ip_network(item.lstrip("!").replace("[", "").replace("]", ""))
        except ValueError:
            continue
        if addr.version == net.version and addr in net:
            return not negate
    return False


def _subject(facts: Facts, rcpt: str, stage: str) -> str:
    """The name a reject quotes in ``<...>``: the client, HELO name, sender or recipient."""
    if stage == "client":
        return facts.client_label
    if stage == "helo":
        return facts.helo or ""
    if stage == "sender":
        return facts.sender or ""
    return rcpt


def rcpt_domain(rcpt: str, myhostname: str) -> str:
    """The domain trivial-rewrite resolves a recipient to: an address without a domain
    (``RCPT TO:<bob>``, ``VRFY bob``) is on the local machine, ``@$myhostname``
    (trivial-rewrite/resolve.c resolve_addr(): "no domain was specified")."""
    return domain_of(rcpt) if "@" in rcpt or not myhostname else myhostname.lower()


def evaluate(restrictions: list[str], facts: Facts, rcpt: str,
             stage: str = "recipient") -> Reply | None:
    """None when the list ends without a reject (or with a permit); the reject reply otherwise.

    ``stage`` says which list this is: "client" (smtpd_client_restrictions) names the
    client in a reject, "helo" the HELO name, "sender" the sender; the relay and
    recipient lists name the recipient (smtpd_check.c smtpd_check_rcpt()).
    """
    name_, cls = _subject(facts, rcpt, stage), STAGES[stage]
    i = 0
    while i < len(restrictions):
        name = restrictions[i]
        if name in WITH_TABLE:
            table = restrictions[i + 1] if i + 1 < len(restrictions) else ""
            i += 2
            decided = check_client_access(table, facts)
            if decided is not None:
                return decided[1] if decided[0] == "reject" else None
            continue
        i += 1
        if name == "permit_mynetworks" and in_networks(facts.client_ip, facts.mynetworks):
            return None
        if name == "permit_sasl_authenticated" and facts.authenticated:
            return None
        if name in ("defer_unauth_destination", "reject_unauth_destination") \
                and rcpt_domain(rcpt, facts.myhostname) not in facts.local_domains:
            base = S454_RELAY_DENIED if name.startswith("defer") else S554_RELAY_DENIED
            return base.with_text(base.text.format(rcpt))
        if name == "permit":
            return None
        if name == "reject":  # smtpd_check.c generic_checks(): REJECT_ALL, DEFER_ALL
            return Reply(554, "5.7.1", f"<{name_}>: {cls} rejected: Access denied")
        if name == "defer":
            return Reply(450, "4.3.2", f"<{name_}>: {cls} rejected: Try again later")
    return None


def client_keys(name: str, ip: str) -> list[str]:
    """check_namadr_access() lookup order: the host name and its parent domains, then the
    address and its parent networks (1.2.3.4, 1.2.3, 1.2, 1)."""
    keys: list[str] = []
    if name and name != "unknown":
        labels = name.lower().split(".")
        keys += [".".join(labels[i:]) for i in range(len(labels))]
    parts = ip.split(".")
    keys += [".".join(parts[:n]) for n in range(len(parts), 0, -1)]
    return keys


def check_client_access(table: str, facts: Facts) -> tuple[str, Reply | None] | None:
    """("permit", None) or ("reject", reply) when the table decides; None for DUNNO or no
    match (check_namadr_access(), check_table_result())."""
    label = facts.client_label
    for key in client_keys(facts.client_name, facts.client_ip):
        try:
            value = facts.lookup(table, key) if facts.lookup is not None else None
        except TableError:
            value = SERVER_CONFIG_ERROR
        if value is None:
            continue
        return table_result(value, label, "Client host")
    return None


def table_result(value: str, name: str, cls: str) -> tuple[str, Reply | None] | None:
    """An access(5) action: OK/RELAY and all-numeric values permit (DRAC and
    pop-before-smtp store a time stamp), REJECT/DEFER/NNN refuse, DUNNO passes on."""
    action, _, text = value.strip().partition(" ")
    word = action.upper()
    if word == "DUNNO":
        return None
    if word in ("REJECT", "DEFER"):
        code, dsn = (554, "5.7.1") if word == "REJECT" else (450, "4.7.1")
        dsn, text = _dsn_split(text.strip(), dsn)
        return ("reject", Reply(code, dsn, f"<{name}>: {cls} rejected: {text or 'Access denied'}"))
    if value.strip().isdigit():  # alldig(): "some out-of-band authentication ... time stamp"
        return ("permit", None)
    if len(action) == 3 and action.isdigit() and action[0] in "45" and text:
        dsn, text = _dsn_split(text.strip(), action[0] + ".7.1")
        return ("reject", Reply(int(action), dsn,
                                f"<{name}>: {cls} rejected: {text or 'Access denied'}"))
    if word in ("OK", "RELAY"):
        return ("permit", None)
    return None  # SIMPLIFICATION: other access(5) actions (PREPEND, FILTER ...) are not modelled


def _dsn_split(text: str, default: str) -> tuple[str, str]:
    """dsn_split(): an optional leading enhanced status code, else the default."""
    head, _, rest = text.partition(" ")
    if re.fullmatch(r"[245]\.\d{1,3}\.\d{1,3}", head):
        return head, rest
    return default, text
