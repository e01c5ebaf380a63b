"""Parsed IP addresses and networks, kept for the run.

A simulated run meets the same few dozen addresses (its hosts, their mynetworks and OP25B
blocks) again and again, once per connection; parsing each text again with
:mod:`ipaddress` was a visible share of a large run. The parsed objects are immutable, so
one object per text serves every caller. A bad text raises ValueError every time, as
:mod:`ipaddress` does (an exception is not kept).
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_SIZE = 4096  # far more distinct addresses than any lab or generated day holds


@lru_cache(maxsize=_SIZE)
def ip_address(text: str) -> IPAddress:
    return ipaddress.ip_address(text)


@lru_cache(maxsize=_SIZE)
def ip_network(text: str) -> IPNetwork:
    """A network in CIDR form; host bits may be set (``strict=False``, as postconf(5)
    mynetworks accepts ``192.168.1.10/24``)."""
    return ipaddress.ip_network(text, strict=False)


@lru_cache(maxsize=_SIZE)
def ipv4_text(text: str) -> str:
    """The canonical text of an IPv4 address (ValueError if it is not one)."""
    return str(ipaddress.IPv4Address(text))


@lru_cache(maxsize=_SIZE)
def reverse_pointer(ip: str) -> str:
    """``192.0.2.1`` -> ``1.2.0.192.in-addr.arpa`` (RFC 1035 §3.5); ValueError unless IPv4."""
    return ipaddress.IPv4Address(ip).reverse_pointer
