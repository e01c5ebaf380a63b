"""Cross references of a scenario that no field type can check alone: a mail client's
servers must be somewhere, and main.cf values must still make sense once ``$name`` is
expanded (the expansion happens on the simulated host, so a bad value would otherwise
surface only half-way through a run)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .net.dns import DNS
    from .scenario import Scenario
    from .yamlsource import LineMap, Problem


def check_refs(spec: Scenario, dns: DNS | None, lines: LineMap) -> list[Problem]:
    return _check_servers(spec, dns, lines) + _check_expanded(spec, lines)


def _check_servers(spec: Scenario, dns: DNS | None, lines: LineMap) -> list[Problem]:
    """Each account's SMTP and incoming server is a host of the scenario or a name with an
    A record in its DNS (the client looks it up, as Thunderbird does)."""
    out = []
    for host_name, host in spec.hosts.items():
        for key, account in host.accounts.items():
            servers = [("smtp", account.smtp.server)]
            if account.incoming is not None:
                servers.append(("incoming", account.incoming.server))
            for section, server in servers:
                if server in spec.hosts or _has_a(dns, server):
                    continue
                out.append(lines.problem(
                    ("hosts", host_name, "accounts", key, section, "server"),
                    f"unknown server {server!r}: expected a host of this scenario or a name "
                    f"with an A record in dns: (hosts: {', '.join(sorted(spec.hosts))})"))
    return out


def _has_a(dns: DNS | None, name: str) -> bool:
    return dns is not None and dns.query(name, "A").rcode == "NOERROR" and \
        bool(dns.query(name, "A").rrset)


def _check_expanded(spec: Scenario, lines: LineMap) -> list[Problem]:
    from .agents.mta.params import DEFAULTS, MAX_EXPANSION, MainCf, ParameterError, check_value
    from .scenario import cf_text

    out = []
    for name, host in spec.hosts.items():
        overrides = {k: cf_text(v) for k, v in host.mta.items() if k in DEFAULTS}
        if not any("$" in v for v in overrides.values()):
            continue  # nothing to expand: check_params has seen every value as it is
        cf = MainCf(name, host.ip, overrides)
        for param in (p for p, raw in overrides.items() if "$" in raw):
            wrong: str | None
            try:
                wrong = check_value(param, cf[param])
            except ParameterError:
                wrong = (f"expected a value whose $name references end (at most 20 deep, "
                         f"{MAX_EXPANSION} characters once expanded)")
            if wrong:
                out.append(lines.problem(("hosts", name, "mta", param),
                                         f"{wrong} (after $name expansion)"))
    return out
