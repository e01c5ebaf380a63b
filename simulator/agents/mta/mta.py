"""One Postfix instance on a host: its daemons wired together (cf. master(8)).

smtpd → cleanup → qmgr → trivial-rewrite → smtp | local; bounce returns failures to the
sender. Each daemon is its own module; this class only holds them and answers the
questions several of them ask (which domains are ours, may headers be rewritten).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..mda.local import Local
from .bounce import Bounce
from .cleanup import Cleanup
from .pickup import Pickup
from .qmgr import Qmgr
from .relay import SmtpClient
from .restrictions import in_networks

if TYPE_CHECKING:
    from ...host import Host


class Mta:
    __slots__ = ("host", "cf", "cleanup", "qmgr", "smtp", "local", "bounce", "pickup",
                 "_local_domains")

    def __init__(self, host: "Host") -> None:
        assert host.cf is not None
        self.host, self.cf = host, host.cf
        self.cleanup = Cleanup(self)
        self.qmgr = Qmgr(self)
        self.smtp = SmtpClient(self)
        self.local = Local(self)
        self.bounce = Bounce(self)
        self.pickup = Pickup(self)
        self._local_domains: frozenset[str] | None = None

    def local_domains(self) -> frozenset[str]:
        """mydestination, expanded and lower-cased: the domains local(8) delivers."""
        if self._local_domains is None:
            self._local_domains = frozenset(d.lower() for d in self.cf.list("mydestination"))
        return self._local_domains

    def relay_ok_domains(self) -> frozenset[str]:
        """Domains anyone may send to (permit_auth_destination): ours and relay_domains."""
        return self.local_domains() | {d.lower() for d in self.cf.list("relay_domains")}

    def my_names(self) -> frozenset[str]:
        names = {self.cf["myhostname"].lower(), self.host.name.lower()}
        return frozenset(names | ({self.host.ip} if self.host.ip else set()))

    def local_recipient_exists(self, local_part: str) -> bool | None:
        """local_recipient_maps = proxy:unix:passwd.byname $alias_maps (postconf(5))."""
        return self.local.knows(local_part)

    def may_rewrite_headers(self, client_ip: str, sasl_user: str | None) -> bool:
        """local_header_rewrite_clients (default permit_inet_interfaces) or
        always_add_missing_headers decide whether cleanup adds Message-Id:/Date:."""
        if self.cf.flag("always_add_missing_headers"):
            return True
        for rule in self.cf.list("local_header_rewrite_clients"):
            if rule == "permit_inet_interfaces" and (client_ip == self.host.ip
                                                     or client_ip.startswith("127.")):
                return True
            if rule == "permit_mynetworks" and in_networks(client_ip,
                                                           tuple(self.cf.list("mynetworks"))):
                return True
            if rule == "permit_sasl_authenticated" and sasl_user is not None:
                return True
        return False
