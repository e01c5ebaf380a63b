"""A simulated machine: address, filesystem, users, services, main.cf, and its mail log.

Everything a student would find on a real host lives here as data: /etc/aliases and
~/.forward in the virtual filesystem, /var/log/maillog lines in syslog format.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .distro import Distro, distro
from .model.fs import VirtualFS
from .model.trace import LogLine

if TYPE_CHECKING:
    from .agents.mta.params import MainCf
    from .world import World


@dataclass(slots=True)
class User:
    name: str
    uid: int
    home: str
    password: str | None
    full_name: str | None = None  # the GECOS field


class Host:
    __slots__ = (
        "_next_pid",
        "_pids",
        "accounts",
        "boot",
        "cf",
        "closed",
        "distro",
        "down_at",
        "dracd",
        "faults",
        "first_pid",
        "fs",
        "hostname",
        "imapd",
        "indexes",
        "ip",
        "locks",
        "mta",
        "name",
        "network",
        "pop3d",
        "role",
        "services",
        "up",
        "users",
        "world",
    )

    def __init__(self, world: World, name: str, ip: str | None, role: str, network: str | None,
                 cf: MainCf | None, os_id: str | None = None,
                 hostname: str | None = None) -> None:
        self.world = world
        self.name, self.ip, self.role, self.network = name, ip, role, network
        self.distro: Distro = distro(os_id)  # the os: key (distro.py)
        # gethostname(): the system's own name, which syslog and Maildir names use;
        # myhostname (main.cf) defaults to the host's key in the lab, and may differ
        self.hostname = hostname or name
        self.fs = VirtualFS()
        self.users: dict[str, User] = {}
        self.cf = cf
        self.services: dict[int, Any] = {}  # port -> service factory
        self.mta: Any = None
        self.pop3d: Any = None
        self.dracd: Any = None  # rpc.dracd (agents/mra/drac.py), for POP-before-SMTP
        self.imapd: Any = None
        self.locks: dict[str, Any] = {}  # mbox path -> agents.mda.locks.MboxLock
        self.indexes: dict[str, Any] = {}  # mailbox path -> agents.mra.mailstore.MailboxIndex
        self.accounts: dict[str, Any] = {}
        # Power state: ``boot`` counts crashes, so work begun before one can tell it was cut
        # short; ``down_at`` is when the last one happened.
        self.up = True
        self.boot = 0
        self.down_at: float | None = None
        self.faults: list[Any] = []  # injected SMTP replies (events.SmtpReplyFault)
        self.closed: dict[int, str] = {}  # services stopped by an event: port -> name
        self._pids: dict[str, int] = {}
        self._next_pid = world.engine.rng.randint(1000, 20000)
        self.first_pid = self._next_pid

    @property
    def short_name(self) -> str:
        """What syslog prints: the system host name up to the first dot."""
        return self.hostname.split(".", 1)[0]

    def pid(self, program: str, fresh: bool = False) -> int:
        """A process ID for ``program``; ``fresh`` starts a new process (a new smtpd)."""
        if fresh or program not in self._pids:
            self._next_pid += 1 + self.world.engine.rng.randint(0, 40)
            self._pids[program] = self._next_pid
        return self._pids[program]

    def current_pid(self, program: str) -> int | None:
        """The PID ``program`` logs with now, if it has run yet (no new process)."""
        return self._pids.get(program)

    def use_pid(self, program: str, pid: int) -> None:
        """Make ``pid`` the process of ``program`` that logs next (one of several running)."""
        self._pids[program] = pid

    def log(self, program: str, text: str, fresh: bool = False, t: float | None = None,
            args: tuple[object, ...] = ()) -> None:
        """A syslog line of /var/log/maillog; ``t`` when it happens inside a computed dialogue;
        ``args`` fill a %-template ``text`` when the line is read.

        The line is kept as facts (model/trace.py LogLine) and formatted when read. The file
        itself is assembled from the trace in time order (``maillog()``), since a dialogue
        computed at once logs lines stamped a little ahead of the clock.
        """
        trace = self.world.trace
        pid = self.pid(program, fresh)  # a new process gets its PID even if nothing is kept
        if trace.keeps_logs:
            when = self.world.engine.now if t is None else t
            trace.logs.append(LogLine(when, self, program, pid, text, args))

    def syslog_stamp(self, t: float) -> str:
        return self.world.engine.clock.syslog(t)

    def maillog(self) -> str:
        """/var/log/maillog as it reads at the end of the run."""
        now = self.world.engine.now
        lines = sorted((x for x in self.world.trace.logs if x.host == self.name and x.t <= now),
                       key=lambda x: x.t)
        return "".join(x.line + "\n" for x in lines)

    def new_processes(self) -> None:
        """After a restart every daemon is a new process with a new PID."""
        self._pids.clear()

    def check_password(self, name: str, password: str) -> bool:
        """The host's password check (PAM/SASL/Dovecot passdb in short): a known user with a
        password set, given exactly."""
        found = self.find_user(name)
        return found is not None and found.password is not None and found.password == password

    def find_user(self, name: str) -> User | None:
        return self.users.get(name)
