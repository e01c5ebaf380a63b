"""Scenario events: things that happen to the world at a given simulated time.

Each kind is a pydantic model with a literal ``do:`` and an ``apply`` function registered
for it; the scenario's ``events:`` list is a discriminated union of the kinds. Every event
leaves a hop in the trace, so a learner sees what changed and when.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field

from .model.duration import Duration
from .model.trace import Hop

if TYPE_CHECKING:
    from .world import World


class EventBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    at: Duration


class WriteFile(EventBase):
    """Replace a file on a host, as an administrator editing /etc/aliases or ~/.forward."""

    do: Literal["write_file"]
    host: str
    path: str
    content: str
    owner: str = "root"
    mode: str = "0644"


Event = Annotated[Union[WriteFile], Field(discriminator="do")]

APPLY: dict[type[EventBase], Callable[["World", Any], str]] = {}


def applies(kind: type[EventBase]) -> Callable[[Callable[["World", Any], str]],
                                                Callable[["World", Any], str]]:
    def register(fn: Callable[["World", Any], str]) -> Callable[["World", Any], str]:
        APPLY[kind] = fn
        return fn

    return register


@applies(WriteFile)
def _write_file(world: "World", ev: WriteFile) -> str:
    world.hosts[ev.host].fs.write(ev.path, ev.content.encode(), ev.owner, int(ev.mode, 8),
                                  world.engine.now)
    return f"{ev.path} rewritten ({len(ev.content.splitlines())} lines, owner {ev.owner}, mode {ev.mode})"


def apply(world: "World", event: EventBase) -> None:
    detail = APPLY[type(event)](world, event)
    host = getattr(event, "host", None) or "world"
    world.trace.add(Hop(world.engine.now, None, None, host, "scenario", host, "event", None,
                        None, "event", getattr(event, "do", ""), detail, None,
                        (("event", getattr(event, "do", "")), ("detail", detail))))


def referenced_hosts(event: EventBase) -> list[tuple[str, str]]:
    """(field, host name) pairs an event refers to, for the scenario's cross-check."""
    return [(name, value) for name, value in event.model_dump().items()
            if name in ("host", "server", "client") and isinstance(value, str)]
