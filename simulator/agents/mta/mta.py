"""One Postfix instance on a host: its daemons wired together (cf. master(8)).

smtpd → cleanup → qmgr → trivial-rewrite → smtp | local; bounce returns failures to the
sender. Each daemon is its own module; this class only holds them and answers the
questions several of them ask (which domains are ours, may headers be rewritten).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..mda.local import Local
from . import maps
from .bounce import Bounce
from .cleanup import Cleanup
from .master import MasterState
from .pickup import Pickup
from .qmgr import Qmgr
from .relay import SmtpClient
from .restrictions import in_networks

if TYPE_CHECKING:
    from ...host import Host
    from .family import FamilyName
    from .params import MainCf
    from .smtpd import Service


class Mta:
    __slots__ = (
        "_local_domains",
        "_service_cf",
        "bounce",
        "cf",
        "cleanup",
        "family",
        "host",
        "local",
        "master",
        "pickup",
        "qmgr",
        "services",
        "smtp",
    )

    def __init__(self, host: Host, family: FamilyName = "postfix",
                 services: dict[int, Service] | None = None) -> None:
        assert host.cf is not None
        self.host, self.cf, self.family = host, host.cf, family
        self.services: dict[int, Service] = services or {}
        self._service_cf: dict[str, MainCf] = {}
        self.cleanup = Cleanup(self)
        self.qmgr = Qmgr(self)
        self.smtp = SmtpClient(self)
        self.local = Local(self)
        self.bounce = Bounce(self)
        self.pickup = Pickup(self)
        self.master = MasterState()  # running or stopped (postfix start/stop, master.py)
        self._local_domains: frozenset[str] | None = None

    def forget_config(self) -> None:
        """After ``postfix reload``: what was worked out from main.cf is worked out again."""
        self._local_domains = None
        self._service_cf.clear()

    def service_cf(self, service: Service) -> MainCf:
        """main.cf with a master.cf service's ``-o`` overrides (master(5))."""
        if service.name not in self._service_cf:
            self._service_cf[service.name] = self.cf.derive(dict(service.overrides))
        return self._service_cf[service.name]

    def lookup_table(self, table: str, key: str) -> str | None:
        """A key in a lookup table such as btree:/etc/mail/dracd (maps.py)."""
        return maps.lookup(self.host.fs, table, key)

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
        """local_recipient_maps = proxy:unix:passwd.byname $alias_maps (postconf(5)).
        qmail-smtpd checks no local recipient at all: a domain in rcpthosts is enough,
        and an unknown user bounces later (qmail-smtpd.c smtp_rcpt())."""
        if self.family == "qmail":
            return True
        return self.local.knows(local_part)

    def may_rewrite_headers(self, client_ip: str, sasl_user: str | None,
                            cf: MainCf | None = None) -> bool:
        """local_header_rewrite_clients (default permit_inet_interfaces; ``static:all`` on
        the submission services) or always_add_missing_headers decide whether cleanup adds
        Message-Id:/Date:."""
        cf = cf or self.cf
        if cf.flag("always_add_missing_headers"):
            return True
        for rule in cf.list("local_header_rewrite_clients"):
            if rule == "static:all":  # a table whose every lookup succeeds
                return True
            if rule == "permit_inet_interfaces" and (client_ip == self.host.ip
                                                     or client_ip.startswith("127.")):
                return True
            if rule == "permit_mynetworks" and in_networks(client_ip,
                                                           tuple(cf.list("mynetworks"))):
                return True
            if rule == "permit_sasl_authenticated" and sasl_user is not None:
                return True
        return False
