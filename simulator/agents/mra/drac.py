"""POP-before-SMTP as DRAC (Dynamic Relay Authorization Control) does it.

After a user logs in, the POP3 server calls ``dracauth(server, client_ip)``; the RPC server
``rpc.dracd`` on the mail host puts ``client_ip -> expiry time`` into its Berkeley DB
``/etc/mail/dracd.db`` (expiry = now + ``-e`` minutes, 30 by default). Postfix consults it
with ``check_client_access btree:/etc/mail/dracd``: the value is all digits, which access(5)
treats as OK ("some out-of-band authentication mechanism uses this as time stamp"), so the
client may relay. rpc.dracd deletes expired entries every ``expire/10`` seconds, when its
select() times out, or at a request that comes after that moment (drac-1.12 rpc.dracd.c
drac_run(), expire()); until that sweep an expired entry still opens the relay.

This is the DRAC model, not pop-before-smtp (the Perl daemon that watches the POP
server's log): with DRAC the POP server itself reports each login, as the issue asks.
SIMPLIFICATION: the RPC call itself takes no time; dracd.allow is not modelled (every
POP server named in the scenario may call).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from ...model.trace import Hop
from ..mta.maps import read_db, render_db

if TYPE_CHECKING:
    from ...host import Host

TABLE = "btree:/etc/mail/dracd"  # what main.cf names; rpc.dracd's DBFILE without ".db"
DB_FILE = "/etc/mail/dracd.db"


class Dracd:
    """rpc.dracd on one host: its database file and its expiry sweeps."""

    __slots__ = ("_armed", "_generation", "_next_sweep", "_sweeping", "expire", "host")

    def __init__(self, host: Host, expire: float) -> None:
        self.host = host
        self.expire = int(expire)  # explimit, in seconds
        # the daemon starts with the scenario: first scheduled expire at explimit/10
        self._next_sweep = float(self.expire // 10)  # nexte
        self._armed = 0.0  # when select() last started waiting
        self._generation = 0
        self._sweeping = False
        host.fs.write(DB_FILE, b"", "root", 0o644)

    @property
    def interval(self) -> int:
        return self.expire // 10

    def entries(self) -> dict[str, str]:
        return read_db(self.host.fs.read(DB_FILE) or b"")

    def add(self, ip: str, caller: Host, at: float | None = None) -> None:
        """dracproc_add_1(): expire first if a sweep is due, then ``ip -> now + explimit``;
        ``at`` is when the call was made, if the caller reports it after the fact."""
        world = self.host.world
        now = world.engine.now if at is None else at
        if now >= self._next_sweep:
            self._sweep(now)
            self._next_sweep = now + self.interval
        entries = self.entries()
        until = self._epoch(now) + self.expire
        entries[ip] = str(until)
        self._write(entries, now)
        self._armed, self._generation = now, self._generation + 1
        clock = world.engine.clock.at(now + self.expire)
        world.trace.add(Hop(now, None, None, caller.name, "pop3d", self.host.name, "rpc.dracd",
                            "RPC", None, "drac_allow", "ADD_SUCCESS",
                            f"dracauth({ip}): {DB_FILE} now holds {ip} -> {until} "
                            f"({clock:%H:%M:%S}); check_client_access {TABLE} lets it relay",
                            None, (("ip", ip), ("until", f"{clock:%H:%M:%S}"),
                                   ("table", TABLE), ("host", self.host.name))))
        if not self._sweeping:
            self._sweeping = True
            world.engine.env.process(self._sweeper())

    def _sweeper(self) -> Generator[Any, Any, None]:
        """select() times out ``interval`` seconds after it began waiting: expire(); the
        loop stops when nothing is left to expire (a new request starts it again)."""
        env = self.host.world.engine.env
        while self.entries():
            generation, due = self._generation, self._armed + self.interval
            yield env.timeout(max(0.0, due - env.now))
            if generation != self._generation:
                continue  # a request re-armed select() meanwhile
            now = float(env.now)
            self._sweep(now)
            self._next_sweep, self._armed = now + self.interval, now
        self._sweeping = False

    def _sweep(self, now: float) -> None:
        """expire(): delete every entry whose expiry time is before now."""
        entries = self.entries()
        old = self._epoch(now)
        gone = sorted(ip for ip, until in entries.items() if int(until) < old)
        if not gone:
            return
        for ip in gone:
            del entries[ip]
        self._write(entries, now)
        world = self.host.world
        for ip in gone:
            world.trace.add(Hop(now, None, None, self.host.name, "rpc.dracd", self.host.name,
                                "rpc.dracd", None, None, "drac_expire", "deleted",
                                f"expire(): {ip} removed from {DB_FILE}; it may no longer "
                                f"relay", None, (("ip", ip), ("table", TABLE),
                                                 ("host", self.host.name))))

    def _write(self, entries: dict[str, str], now: float) -> None:
        self.host.fs.write(DB_FILE, render_db(entries), "root", 0o644, now)

    def _epoch(self, t: float) -> int:
        """time(NULL): whole seconds since 1970."""
        return int(self.host.world.engine.clock.at(t).timestamp())
