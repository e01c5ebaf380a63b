"""The ``workload:`` section: many messages described in a few lines, fed lazily.

A scenario of an ISP's day would list 10^5 or 10^6 messages; instead ``workload:`` says
how many, and a ``WorkloadFeed`` draws them with its own seeded ``random.Random``: arrival
times follow a day shape (DAY_SHAPE), each sender is one of the client's accounts, each
recipient another account's address, or, for a share ``unknown``, a name nobody has in
that address's domain (the receiving MX refuses it with 550 5.1.1, a bounce follows).
Their keys are m{N+1}, m{N+2} ... after the N listed ``messages:``.

The world starts one SimPy process that walks the feed as the clock advances
(world.py ``_feed``), so a million messages never exist as a million objects at once:
what is held for the whole run is the sorted arrival times (8 bytes a message, in an
``array``), because the draw order (every hour first, then every millisecond) fixes
them all before the first sender is drawn. ``expand()`` is the eager path (every
message as a ``MessageSpec`` at once); the tests prove the feed draws exactly the same
messages, and the shell's look-ahead lists (small scenarios) still use it.
"""

from __future__ import annotations

import random
from array import array
from collections.abc import Iterator
from itertools import islice
from typing import TYPE_CHECKING, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from .scenario import MessageSpec, Scenario
    from .yamlsource import LineMap, Problem

# Relative arrival rate for each hour of the day (0:00-1:00 ... 23:00-24:00): quiet at
# night, a morning peak after 9:00, a second one in the evening.
# SIMPLIFICATION: one fixed shape, no weekday/weekend difference.
DAY_SHAPE = (2, 1, 1, 1, 1, 2, 4, 7, 10, 12, 12, 11, 9, 10, 11, 11, 10, 9, 8, 9, 10, 9, 6, 4)
HOUR_MS = 3_600_000
CHUNK = 65_536  # hours are drawn this many at a time (the same stream as one big draw)


class WorkloadSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    messages: int = Field(ge=1, le=10_000_000)
    client: str  # the client host whose accounts send (and whose addresses receive)
    unknown: float = Field(default=0.0, ge=0.0, le=1.0)  # share of unknown recipients
    seed: int = 0  # its own seed: the same workload whatever the scenario's seed
    body: str = "hello\n"


class Arrival(NamedTuple):
    """One workload message as the feed draws it: key, seconds from the start, from, to."""

    key: str
    at: float
    sender: str
    rcpt: str


def check_workload(spec: Scenario, lines: LineMap) -> list[Problem]:
    w = spec.workload
    if w is None:
        return []
    host = spec.hosts.get(w.client)
    if host is None or host.role != "client" or not host.accounts:
        return [lines.problem(("workload", "client"),
                              f"expected a client host with accounts (got {w.client!r})")]
    return []


def workload_keys(spec: Scenario) -> range:
    """The numbers N of the workload's keys mN (after the listed messages)."""
    first = len(spec.messages) + 1
    return range(first, first + (spec.workload.messages if spec.workload else 0))


def arrivals(rng: random.Random, n: int) -> array[int]:
    """N arrival times in milliseconds of the day, following DAY_SHAPE, sorted.

    All hours are drawn first, then a millisecond inside each; sorting hour by hour is
    sorting the whole (an hour's times all lie inside it)."""
    hours = array("B")
    for done in range(0, n, CHUNK):
        hours.extend(rng.choices(range(24), weights=DAY_SHAPE, k=min(CHUNK, n - done)))
    buckets: list[array[int]] = [array("q") for _ in DAY_SHAPE]
    for h in hours:
        buckets[h].append(h * HOUR_MS + rng.randrange(HOUR_MS))
    out = array("q")
    for bucket in buckets:
        out.extend(sorted(bucket))
    return out


class WorkloadFeed:
    """The workload's messages, drawn one by one as they are asked for (same seed, same
    messages). Iterate once: the RNG moves on as the messages are drawn."""

    def __init__(self, spec: Scenario) -> None:
        w = spec.workload
        assert w is not None
        self.spec, self.rng = w, random.Random(w.seed)
        self.first = len(spec.messages) + 1
        self.addresses = [a.address for a in spec.hosts[w.client].accounts.values()]
        self.times = arrivals(self.rng, w.messages)

    def __len__(self) -> int:
        return len(self.times)

    def arrival_of(self, n: int) -> float:
        """When message mN (a workload key number) arrives, in seconds from the start."""
        return self.times[n - self.first] / 1000

    def __iter__(self) -> Iterator[Arrival]:
        rng, addresses, unknown = self.rng, self.addresses, self.spec.unknown
        for n, at in enumerate(self.times, start=self.first):
            sender = addresses[rng.randrange(len(addresses))]
            rcpt = addresses[rng.randrange(len(addresses))]
            if rng.random() < unknown:  # a name nobody has, in a real domain
                rcpt = f"nobody{n}@{rcpt.rsplit('@', 1)[1]}"
            yield Arrival(f"m{n}", at / 1000, sender, rcpt)


def message_spec(spec: Scenario, arrival: Arrival) -> MessageSpec:
    """An arrival as an ordinary ``messages:`` entry (what the MUA composes from)."""
    from .scenario import MessageSpec

    w = spec.workload
    assert w is not None
    return MessageSpec.model_construct(
        id=None, at=arrival.at, client=w.client, from_=arrival.sender, to=[arrival.rcpt],
        cc=[], bcc=[], subject=arrival.key, body=w.body, headers={}, account=None)


def expand(spec: Scenario, limit: int | None = None) -> list[MessageSpec]:
    """The eager path: the workload's first ``limit`` messages (all by default) at once."""
    return [message_spec(spec, a) for a in islice(WorkloadFeed(spec), limit)]
