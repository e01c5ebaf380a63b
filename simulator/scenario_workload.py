"""The ``workload:`` section: many messages described in a few lines, expanded at load.

A scenario of an ISP's day would list 10^5 or 10^6 messages; instead ``workload:`` says
how many, and the loader draws them with its own seeded ``random.Random``: arrival times
follow a day shape (DAY_SHAPE), each sender is one of the client's accounts, each
recipient another account's address, or, for a share ``unknown``, a name nobody has in
that address's domain (the receiving MX refuses it with 550 5.1.1, a bounce follows).
The expanded messages are ordinary ``messages:`` entries (keys m1, m2 ...), appended
after any listed ones, so everything downstream sees no difference.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from .scenario import MessageSpec, Scenario
    from .yamlsource import LineMap, Problem

# Relative arrival rate for each hour of the day (0:00-1:00 ... 23:00-24:00): quiet at
# night, a morning peak after 9:00, a second one in the evening.
# SIMPLIFICATION: one fixed shape, no weekday/weekend difference.
DAY_SHAPE = (2, 1, 1, 1, 1, 2, 4, 7, 10, 12, 12, 11, 9, 10, 11, 11, 10, 9, 8, 9, 10, 9, 6, 4)


class WorkloadSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    messages: int = Field(ge=1, le=10_000_000)
    client: str  # the client host whose accounts send (and whose addresses receive)
    unknown: float = Field(default=0.0, ge=0.0, le=1.0)  # share of unknown recipients
    seed: int = 0  # its own seed: the same workload whatever the scenario's seed
    body: str = "hello\n"


def check_workload(spec: Scenario, lines: LineMap) -> list[Problem]:
    w = spec.workload
    if w is None:
        return []
    host = spec.hosts.get(w.client)
    if host is None or host.role != "client" or not host.accounts:
        return [lines.problem(("workload", "client"),
                              f"expected a client host with accounts (got {w.client!r})")]
    return []


def arrivals(rng: random.Random, n: int) -> list[int]:
    """N arrival times in milliseconds of the day, following DAY_SHAPE, sorted."""
    hours = rng.choices(range(24), weights=DAY_SHAPE, k=n)
    return sorted(h * 3_600_000 + rng.randrange(3_600_000) for h in hours)


def expand(spec: Scenario) -> list[MessageSpec]:
    """The workload's messages, drawn from its seed (same section, same messages)."""
    from .scenario import MessageSpec

    w = spec.workload
    assert w is not None
    rng = random.Random(w.seed)
    addresses = [a.address for a in spec.hosts[w.client].accounts.values()]
    out = []
    first = len(spec.messages)
    for n, at in enumerate(arrivals(rng, w.messages), start=first + 1):
        sender = addresses[rng.randrange(len(addresses))]
        rcpt = addresses[rng.randrange(len(addresses))]
        if rng.random() < w.unknown:  # a name nobody has, in a real domain
            rcpt = f"nobody{n}@{rcpt.rsplit('@', 1)[1]}"
        out.append(MessageSpec.model_construct(
            id=None, at=at / 1000, client=w.client, from_=sender, to=[rcpt], cc=[], bcc=[],
            subject=f"m{n}", body=w.body, headers={}, account=None))
    return out
