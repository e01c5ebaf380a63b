"""POP before SMTP (DRAC), OP25B and lookup tables, against small worlds.

DRAC: drac-1.12 rpc.dracd.c: an entry is ``ip -> time(NULL) + explimit``; expire() runs
when select() times out explimit/10 seconds after it began waiting, or at a request that
comes at or after the scheduled moment ``nexte``; it deletes entries whose time is below
now. Postfix: check_client_access with an all-digit value permits (smtpd_check.c).
OP25B: RFC 5068 §3.2. Tables: postmap(1), access(5).
"""

from __future__ import annotations

import copy
from collections.abc import Generator
from typing import Any

import pytest

from simulator.agents.mra.drac import DB_FILE
from simulator.agents.mta.maps import lookup, parse_source, render_db
from simulator.agents.mta.restrictions import TableError, table_result
from simulator.model.fs import VirtualFS
from simulator.net.firewall import Op25b, first_block
from simulator.scenario import Scenario
from simulator.world import World

SPEC: dict[str, Any] = {
    "name": "t", "title": {"en": "t"}, "start": "2026-04-01T09:00:00", "links": [],
    "expect": {},
    "hosts": {"mail.example.net": {"role": "server", "ip": "203.0.113.25",
                                   "services": ["smtp", "pop3"], "drac": {"expire": "30m"}}},
}


def drac_world(requests: list[tuple[float, str]], until: float) -> World:
    world = World(Scenario.model_validate(copy.deepcopy(SPEC)))
    host = world.hosts["mail.example.net"]
    env = world.engine.env

    def call(at: float, ip: str) -> Generator[Any, Any, None]:
        yield env.timeout(at)
        host.dracd.add(ip, host)

    for at, ip in requests:
        env.process(call(at, ip))
    world.run(until=f"{until}s")
    return world


def times(world: World, action: str) -> list[float]:
    return [h.t for h in world.trace.hops if h.action == action]


def test_an_entry_holds_the_expiry_time_and_is_swept_after_it() -> None:
    world = drac_world([(60.0, "198.51.100.23")], until=4000)
    dracd = world.hosts["mail.example.net"].dracd
    assert dracd.interval == 180
    # 60 + 1800 = 1860 s is the expiry; sweeps every 180 s after the request: 240, 420, ...,
    # 1860 (not yet: the value must be below now), 2040
    assert times(world, "drac_expire") == [2040.0]
    assert dracd.entries() == {}  # the loop stopped: the table is empty


def test_the_table_permits_inside_the_window() -> None:
    world = drac_world([(60.0, "198.51.100.23")], until=1000)
    fs = world.hosts["mail.example.net"].fs
    value = lookup(fs, "btree:/etc/mail/dracd", "198.51.100.23")
    start = int(world.engine.clock.at(0).timestamp())
    assert value == str(start + 60 + 1800)
    assert table_result(value, "x[198.51.100.23]", "Client host") == ("permit", None)


def test_a_request_rearms_the_sweep_and_runs_a_due_expire_first() -> None:
    # sweeps at 240, 420, ..., 1860 (the first entry, expiry 1860, is not below it yet);
    # select() waits from 1860 until 2040, but a request comes at 2000: nexte (2040) is
    # not due, so no expire(), and the timer restarts from 2000: 2180 removes the first
    # entry, and the second (expiry 3800) goes at 2180 + 10 * 180 = 3980
    world = drac_world([(60.0, "198.51.100.23"), (2000.0, "198.51.100.77")], until=5000)
    assert times(world, "drac_expire") == [2180.0, 3980.0]


def test_a_request_when_the_sweep_is_due_expires_first() -> None:
    # a request at 2040, the moment the timer is due: whichever comes first, expire() runs
    # once (a due nexte makes the request run it), and the new entry stays
    world = drac_world([(60.0, "198.51.100.23"), (2040.0, "198.51.100.77")], until=2100)
    assert times(world, "drac_expire") == [2040.0]
    assert list(world.hosts["mail.example.net"].dracd.entries()) == ["198.51.100.77"]


def test_a_second_login_extends_the_window() -> None:
    world = drac_world([(60.0, "198.51.100.23"), (1500.0, "198.51.100.23")], until=5000)
    # the new expiry is 1500 + 1800 = 3300; the request at 1500 comes when nexte is due,
    # and the sweeps then run every 180 s from 1500: 3300 is not below 3300, 3480 removes it
    assert times(world, "drac_expire") == [3480.0]


def test_the_db_file_starts_empty() -> None:
    world = drac_world([], until=10)
    assert world.hosts["mail.example.net"].fs.read(DB_FILE) == b""


# --- lookup tables ---------------------------------------------------------------------------
def test_postmap_source_syntax() -> None:
    entries, warnings = parse_source("# access\n192.0.2.9   OK\nSpam.Example  REJECT go\n"
                                     "  away\nlonely\n\n")
    assert entries == {"192.0.2.9": "OK", "spam.example": "REJECT go away"}
    assert warnings == [(5, "expected format: key whitespace value")]


def test_lookup_reads_the_db_not_the_text() -> None:
    fs = VirtualFS()
    fs.write("/etc/postfix/access", b"192.0.2.9 REJECT\n")
    with pytest.raises(TableError):
        lookup(fs, "hash:/etc/postfix/access", "192.0.2.9")  # no postmap yet
    fs.write("/etc/postfix/access.db", render_db({"192.0.2.9": "REJECT"}))
    assert lookup(fs, "hash:/etc/postfix/access", "192.0.2.9") == "REJECT"
    assert lookup(fs, "static:OK", "anything") == "OK"


@pytest.mark.parametrize(("value", "expected"), [
    ("OK", ("permit", None)),
    ("RELAY", ("permit", None)),
    ("1775003460", ("permit", None)),  # DRAC's time stamp
    ("450", ("permit", None)),         # all digits, even a code: alldig() comes first
    ("DUNNO", None),
    ("REJECT", ("reject", "554 5.7.1 <c[192.0.2.9]>: Client host rejected: Access denied")),
    ("REJECT go away", ("reject", "554 5.7.1 <c[192.0.2.9]>: Client host rejected: go away")),
    ("DEFER", ("reject", "450 4.7.1 <c[192.0.2.9]>: Client host rejected: Access denied")),
    ("550 5.7.0 no", ("reject", "550 5.7.0 <c[192.0.2.9]>: Client host rejected: no")),
    ("421 later", ("reject", "421 4.7.1 <c[192.0.2.9]>: Client host rejected: later")),
])
def test_access_table_results(value: str, expected: tuple[str, str | None] | None) -> None:
    got = table_result(value, "c[192.0.2.9]", "Client host")
    assert (None if got is None else (got[0], None if got[1] is None else str(got[1]))) == \
        expected


# --- OP25B -----------------------------------------------------------------------------------
RULE = Op25b("edge", "isp", ("198.51.100.0/24",))


@pytest.mark.parametrize(("ip", "port", "network", "blocked"), [
    ("198.51.100.23", 25, None, True),       # dynamic client to an outside MX
    ("198.51.100.23", 587, None, False),     # submission passes
    ("198.51.100.23", 465, None, False),
    ("198.51.100.23", 25, "isp", False),     # the ISP's own MTA, inside
    ("203.0.113.25", 25, None, False),       # a static address (the ISP's MTA) passes
])
def test_op25b_rule(ip: str, port: int, network: str | None, blocked: bool) -> None:
    assert (RULE.blocks(ip, port, network) is not None) is blocked


def test_only_routers_between_the_ends_block() -> None:
    rules = {"edge": RULE}
    assert first_block(("pc", "edge", "internet", "mx"), rules, "198.51.100.23", 25, None) == (
        RULE, "198.51.100.0/24")
    assert first_block(("edge", "mx"), rules, "198.51.100.23", 25, None) is None
