"""Which TCP sockets a host listens on, as ``ss -ltn`` and ``netstat -ltn`` show them.

Postfix's master(8) opens one listening socket per address of inet_interfaces and per
protocol of inet_protocols for each ``inet`` service of master.cf (smtp 25, submission
587, submissions 465); ``all`` is the wildcard address (0.0.0.0 and [::]), ``loopback-only``
(and ``localhost``) only 127.0.0.1 and [::1] (postconf(5) inet_interfaces; master
inet_addr_local()). POP3 and IMAP are Dovecot's (``listen = *, ::``). A stopped service
listens nowhere, a host that is down runs nothing.

SIMPLIFICATION: only the mail services mailsim models are listed (no sshd on 22, no
Dovecot 993/995 with implicit TLS); file descriptor numbers follow master.cf order from 13
(two for each socket pair's status pipe), as on a freshly started Debian host.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..host import Host

SMTPD_PORTS = (25, 587, 465)  # master.cf order: smtp, submission, submissions
DOVECOT_PORTS = (110, 143)
LOOPBACK_NAMES = ("loopback-only", "localhost")


@dataclass(frozen=True, slots=True)
class Listener:
    address: str  # "0.0.0.0", "127.0.0.1", "192.0.2.25", "::", "::1"
    port: int
    program: str  # "master", "dovecot"
    pid: int
    fd: int

    @property
    def v6(self) -> bool:
        return ":" in self.address


def _addresses(host: Host) -> list[str]:
    """inet_interfaces x inet_protocols as master binds them."""
    cf = host.cf
    if cf is None:
        return ["0.0.0.0"]
    protocols = cf.list("inet_protocols")
    v4 = "all" in protocols or "ipv4" in protocols
    v6 = "all" in protocols or "ipv6" in protocols
    out: list[str] = []
    for name in cf.list("inet_interfaces"):
        if name == "all":
            out += (["0.0.0.0"] if v4 else []) + (["::"] if v6 else [])
        elif name in LOOPBACK_NAMES:
            out += (["127.0.0.1"] if v4 else []) + (["::1"] if v6 else [])
        elif ":" not in name and v4:
            out.append(host.ip if name in (host.name, cf["myhostname"]) and host.ip else name)
    return out


def _sockets(host: Host) -> list[tuple[str, int, str, int]]:
    """(address, port, program, fd) of every listening socket, in master.cf order."""
    if not host.up:
        return []
    out: list[tuple[str, int, str, int]] = []
    fd = 13
    for port in SMTPD_PORTS:
        if host.mta is None or port not in host.mta.services:
            continue
        addrs = _addresses(host)
        if port in host.services:
            out += [(a, port, "master", fd + i) for i, a in enumerate(addrs)]
        fd += len(addrs) + 2
    for i, port in enumerate(DOVECOT_PORTS):
        if port in host.services:
            out += [(a, port, "dovecot", 20 + 2 * i + j) for j, a in enumerate(("0.0.0.0", "::"))]
    return out


def listeners(host: Host) -> list[Listener]:
    """The host's listening sockets now, IPv4 first, by port."""
    # SIMPLIFICATION: ss and netstat print the kernel's hash order; mailsim sorts
    found = [Listener(a, port, prog, host.pid(prog), fd) for a, port, prog, fd in _sockets(host)]
    return sorted(found, key=lambda x: (x.v6, x.port, x.address))


def accepts(host: Host, port: int, dst_ip: str) -> bool:
    """Whether a connection to ``dst_ip:port`` finds a listening socket on ``host``."""
    return any(p == port and (a in ("0.0.0.0", "::") or a == dst_ip)
               for a, p, _, _ in _sockets(host))
