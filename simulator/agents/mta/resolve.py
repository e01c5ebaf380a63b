"""Models Postfix trivial-rewrite(8) resolve: where does a recipient go?

The address class decides the transport (ADDRESS_CLASS_README): a domain listed in
mydestination is *local* (local(8)); a domain in relay_domains and any other domain go
to smtp(8), to the domain's MX hosts or, when relayhost is set, to that host. A bare
local part (no @) gets @$myorigin appended first (append_at_myorigin = yes).
"""

from __future__ import annotations

from dataclasses import dataclass

from ...model.address import domain_of
from .params import MainCf


@dataclass(frozen=True, slots=True)
class Route:
    transport: str  # "local" | "smtp"
    nexthop: str  # the domain, or the relayhost ("[host]" means: no MX lookup)
    address_class: str  # "local" | "relay" | "default"

    def __str__(self) -> str:
        return f"{self.transport}:{self.nexthop}"


def canonical(cf: MainCf, address: str) -> str:
    """append_at_myorigin: ``bob`` becomes ``bob@$myorigin``."""
    return address if "@" in address else f"{address}@{cf['myorigin']}"


def resolve(cf: MainCf, local_domains: frozenset[str], address: str) -> Route:
    """trivial-rewrite(8)'s answer for a recipient. It depends only on the recipient's
    domain and the running configuration, so it is worked out once per domain and
    configuration (a reload forgets it, as trivial-rewrite restarts then)."""
    domain = domain_of(address)
    routes: dict[tuple[frozenset[str], str], Route] = cf.derived("resolve.routes", _no_routes)
    key = (local_domains, domain)
    route = routes.get(key)
    if route is None:
        route = routes[key] = _resolve(cf, local_domains, domain)
    return route


def _no_routes(cf: MainCf) -> dict[tuple[frozenset[str], str], Route]:
    return {}


def _resolve(cf: MainCf, local_domains: frozenset[str], domain: str) -> Route:
    if domain in local_domains:
        return Route("local", cf["myhostname"], "local")
    relay_domains = {d.lower() for d in cf.list("relay_domains")}
    address_class = "relay" if domain in relay_domains else "default"
    relayhost = cf["relayhost"].strip()
    if relayhost and address_class == "default":
        return Route("smtp", relayhost, address_class)
    return Route("smtp", domain, address_class)
