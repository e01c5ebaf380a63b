"""Scenario parts for submission and relay control, and their cross-checks.

OP25B on a router, POP before SMTP (DRAC) on a POP3 server, master.cf ``-o`` overrides per
smtpd service, the MTA family of a server. Called by scenario._cross_check; every problem
names the file, line and field, like the others.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator

from .scenario_types import Duration

if TYPE_CHECKING:
    from .scenario import HostSpec, Scenario
    from .yamlsource import LineMap, Problem


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Op25bSpec(_Strict):
    """Outbound Port 25 Blocking on an ISP edge router (net/firewall.py)."""

    dynamic: list[str]  # CIDR blocks of the dynamic client pool, e.g. 198.51.100.0/24
    action: Literal["drop", "reject"] = "drop"

    @field_validator("dynamic")
    @classmethod
    def _cidrs(cls, values: list[str]) -> list[str]:
        for value in values:
            try:
                ipaddress.IPv4Network(value, strict=False)
            except ValueError:
                raise ValueError(
                    f"expected a CIDR block like 198.51.100.0/24 (got {value!r})") from None
        return values


class DracSpec(_Strict):
    """POP-before-SMTP as DRAC does it: each POP3 login calls dracauth() to rpc.dracd."""

    server: str | None = None  # the host running rpc.dracd (default: this host)
    expire: Duration = 1800.0  # rpc.dracd -e (minutes on the command line; 30 by default)

    @field_validator("expire")
    @classmethod
    def _minutes(cls, value: float) -> float:
        # rpc.dracd -e takes whole minutes; it sweeps every expire/10, so 0 would never end
        if value < 60 or value % 60:
            raise ValueError(f"expected whole minutes, at least 1m, as rpc.dracd -e takes "
                             f"them (got {value:g}s)")
        return value


def check_relay(spec: Scenario, lines: LineMap) -> list[Problem]:
    out: list[Problem] = []
    for name, host in spec.hosts.items():
        out += _check_roles(name, host, lines)
        out += _check_master(name, host, lines)
        out += _check_drac(spec, name, host, lines)
    return out


def check_params(where: tuple[Any, ...], params: dict[str, str | int | bool],
                 lines: LineMap) -> list[Problem]:
    """main.cf names and values (also the -o overrides of a master.cf service)."""
    from .agents.mta.params import DEFAULTS, check_names, check_value
    from .scenario import cf_text

    out = [lines.problem((*where, p), message) for p, message in check_names(list(params))]
    for param, value in params.items():
        wrong = check_value(param, cf_text(value)) if param in DEFAULTS else None
        if wrong:
            out.append(lines.problem((*where, param), wrong))
    return out


def _check_roles(name: str, host: HostSpec, lines: LineMap) -> list[Problem]:
    out = []
    if host.role != "router" and host.op25b is not None:
        out.append(lines.problem(("hosts", name, "op25b"),
                                 "OP25B is a rule of an ISP's edge router (role: router)"))
    if host.role != "server" and (host.mta_family != "postfix" or host.master):
        field = "mta_family" if host.mta_family != "postfix" else "master"
        out.append(lines.problem(("hosts", name, field),
                                 "only a server host runs an MTA (role: server)"))
    return out


def _check_master(name: str, host: HostSpec, lines: LineMap) -> list[Problem]:
    out = []
    for service, overrides in host.master.items():
        where = ("hosts", name, "master", service)
        if service not in host.services:
            out.append(lines.problem(where, f"{name} runs no {service} service (expected one "
                                            f"of its services: "
                                            f"{', '.join(host.services) or 'none'})"))
        out += check_params(where, overrides, lines)
    return out


def _check_drac(spec: Scenario, name: str, host: HostSpec,
                lines: LineMap) -> list[Problem]:
    if host.drac is None:
        return []
    out = []
    if "pop3" not in host.services:
        out.append(lines.problem(("hosts", name, "drac"),
                                 "dracauth() is called by the POP3 server: add pop3 to services"))
    server = host.drac.server or name
    target = spec.hosts.get(server)
    if target is None or target.role != "server":
        out.append(lines.problem(("hosts", name, "drac", "server"), f"expected the name of a "
                                 f"server host to run rpc.dracd (got {server!r})"))
    for other, other_spec in spec.hosts.items():
        d = other_spec.drac
        if other != name and d is not None and (d.server or other) == server \
                and d.expire != host.drac.expire:
            out.append(lines.problem(("hosts", name, "drac", "expire"),
                                     f"rpc.dracd on {server} has one expire time; {other} "
                                     f"gives another"))
    return out
