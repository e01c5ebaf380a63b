"""The ``session:`` key of a scenario command: what a user types into telnet or nc.

Each item is a line as typed, or ``{pause: 5s}`` (the user waits before the next line).
Only the interactive programs read it; a ``session:`` on another command, or together
with ``stdin:``, is an error that names the field.
"""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from .scenario_types import Duration

if TYPE_CHECKING:
    from .scenario import Scenario
    from .yamlsource import LineMap, Problem

INTERACTIVE = ("telnet", "nc", "netcat", "ncat")


class SessionPause(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    pause: Duration


def typed_items(session: list[str | SessionPause] | None) -> tuple[Any, ...] | None:
    """The session as protocol/smtp_manual.py Typed items."""
    if session is None:
        return None
    from .protocol.smtp_manual import Pause

    return tuple(Pause(x.pause) if isinstance(x, SessionPause) else x for x in session)


def check_sessions(spec: Scenario, lines: LineMap) -> list[Problem]:
    out = []
    for i, cmd in enumerate(spec.commands):
        if cmd.session is None:
            continue
        try:
            program = shlex.split(cmd.run)[0].rsplit("/", 1)[-1] if cmd.run.strip() else ""
        except ValueError:
            program = ""
        if program not in INTERACTIVE:
            out.append(lines.problem(("commands", i, "session"),
                                     f"only an interactive program reads a session "
                                     f"(expected the command to be one of: "
                                     f"{', '.join(INTERACTIVE)}; got {program!r})"))
        elif cmd.stdin:
            out.append(lines.problem(("commands", i, "stdin"),
                                     "give either stdin: (piped in at once) or session: "
                                     "(typed line by line), not both"))
    return out
