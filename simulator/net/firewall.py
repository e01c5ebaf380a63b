"""Outbound Port 25 Blocking (OP25B) at an ISP's edge router (RFC 5068 §3.2, JEAG 2005).

An ISP blocks TCP connections to port 25 that come from its dynamic (consumer) address
pool and leave its own network: a home PC can no longer talk SMTP to any MX on the
Internet, only to the ISP's own mail servers; it submits mail on port 587 (RFC 6409)
with authentication instead. Port 587 and 465 pass; so does port 25 to a host inside
the ISP's network, and port 25 from the ISP's own (static) servers.

``drop`` discards the SYN silently, so the client waits for its connect timeout
("Connection timed out"); ``reject`` answers with a TCP RST ("Connection refused").
"""

from __future__ import annotations

from dataclasses import dataclass

from .addr import ip_address, ip_network


@dataclass(frozen=True, slots=True)
class Op25b:
    router: str  # the edge router's host name
    network: str | None  # the ISP's network label (hosts with the same label are inside)
    dynamic: tuple[str, ...]  # CIDR blocks of the dynamic client pool
    action: str = "drop"  # "drop" | "reject"

    def blocks(self, client_ip: str, port: int, dst_network: str | None) -> str | None:
        """The dynamic block the client is in, when this connection is blocked; else None."""
        if port != 25 or (self.network is not None and dst_network == self.network):
            return None
        addr = ip_address(client_ip)
        for block in self.dynamic:
            if addr in ip_network(block):
                return block
        return None


def first_block(path: tuple[str, ...], rules: dict[str, Op25b], client_ip: str, port: int,
                dst_network: str | None) -> tuple[Op25b, str] | None:
    """The first router on the path (between the two ends) whose OP25B rule stops the
    connection, with the dynamic block the client belongs to."""
    for node in path[1:-1]:
        rule = rules.get(node)
        if rule is not None:
            block = rule.blocks(client_ip, port, dst_network)
            if block is not None:
                return rule, block
    return None
