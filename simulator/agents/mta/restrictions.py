"""smtpd(8) access restrictions: the relay decision and the client decision (postconf(5)).

A restriction list is evaluated left to right; the first restriction that decides ends
it. Only the restrictions named in the Postfix defaults and the LPIC/LinuC labs are
known; an unknown one is a configuration error, reported by name.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from ...model.address import domain_of
from ...model.status import S454_RELAY_DENIED, S554_RELAY_DENIED, Reply


@dataclass(frozen=True, slots=True)
class Facts:
    """What a restriction may look at (smtpd's SMTPD_STATE, in short)."""

    client_ip: str
    client_label: str  # "name[ip]" as Postfix prints the client
    authenticated: bool
    mynetworks: tuple[str, ...]
    local_domains: frozenset[str]  # mydestination (+ relay_domains for relaying)


KNOWN = ("permit_mynetworks", "permit_sasl_authenticated", "defer_unauth_destination",
         "reject_unauth_destination", "permit", "reject", "defer")


def in_networks(ip: str, networks: tuple[str, ...]) -> bool:
    """mynetworks matching (postconf(5)): CIDR blocks, bracketed IPv6 ``[::1]/128``, single
    addresses; the first pattern that matches decides, and ``!pattern`` excludes."""
    addr = ipaddress.ip_address(ip)
    for item in networks:
        negate = item.startswith("!")
        try:
            net = ipaddress.ip_network(item.lstrip("!").replace("[", "").replace("]", ""),
                                       strict=False)
        except ValueError:
            continue
        if addr.version == net.version and addr in net:
            return not negate
    return False


def evaluate(restrictions: list[str], facts: Facts, rcpt: str,
             stage: str = "recipient") -> Reply | None:
    """None when the list ends without a reject (or with a permit); the reject reply otherwise.

    ``stage`` "client" (smtpd_client_restrictions) names the client in a reject; the relay
    and recipient lists name the recipient (smtpd_check.c smtpd_check_rcpt()).
    """
    if stage == "client":
        name_, cls = facts.client_label, "Client host"
    else:
        name_, cls = rcpt, "Recipient address"
    for name in restrictions:
        if name == "permit_mynetworks" and in_networks(facts.client_ip, facts.mynetworks):
            return None
        if name == "permit_sasl_authenticated" and facts.authenticated:
            return None
        if name in ("defer_unauth_destination", "reject_unauth_destination"):
            if domain_of(rcpt) not in facts.local_domains:
                base = S454_RELAY_DENIED if name.startswith("defer") else S554_RELAY_DENIED
                return base.with_text(base.text.format(rcpt))
        if name == "permit":
            return None
        if name == "reject":  # smtpd_check.c generic_checks(): REJECT_ALL, DEFER_ALL
            return Reply(554, "5.7.1", f"<{name_}>: {cls} rejected: Access denied")
        if name == "defer":
            return Reply(450, "4.3.2", f"<{name_}>: {cls} rejected: Try again later")
    return None
