"""Commands a student types on a simulated host: the sendmail emulation layer and friends.

Each command module registers its names with ``@command(...)``; modules in this package are
discovered, so adding a command is adding a module. A command runs at one simulated moment
and returns what a terminal would show and its exit status; what it sets in motion (a
message in the queue, a flush) runs on in simulated time.
"""

from __future__ import annotations

import importlib
import pkgutil
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..model.trace import Hop

if TYPE_CHECKING:
    from ..host import Host, User


@dataclass(frozen=True, slots=True)
class CommandResult:
    output: str  # stdout and stderr, as the terminal shows them
    status: int = 0


@dataclass(frozen=True, slots=True)
class Invocation:
    host: Host
    user: User
    argv: list[str]
    stdin: str
    line: str  # the command line as typed
    msg: str | None = None  # the scenario key for a message this command submits


Handler = Callable[[Invocation], CommandResult]
COMMANDS: dict[str, Handler] = {}
_loaded = False


def command(*names: str) -> Callable[[Handler], Handler]:
    """Register a handler under each of its program names (``mailq``, ``/usr/bin/mailq``)."""

    def register(handler: Handler) -> Handler:
        for name in names:
            COMMANDS[name] = handler
        return handler

    return register


def _load_all() -> None:
    global _loaded
    if not _loaded:
        for info in pkgutil.iter_modules(__path__):
            importlib.import_module(f"{__name__}.{info.name}")
        _loaded = True


def find(name: str) -> Handler | None:
    _load_all()
    return COMMANDS.get(name) or COMMANDS.get(name.rsplit("/", 1)[-1])


def names() -> list[str]:
    """Every program a student can run, by its short name (``mailq``, not ``/usr/bin/mailq``)."""
    _load_all()
    return sorted(n for n in COMMANDS if "/" not in n)


def run_command(host: Host, user: User, line: str, stdin: str = "",
                msg: str | None = None) -> CommandResult:
    """Run one command line on ``host`` as ``user``; record it in the trace."""
    try:
        argv = shlex.split(line)
    except ValueError as exc:
        result = CommandResult(f"bash: syntax error: {exc}\n", 2)
    else:
        handler = find(argv[0]) if argv else None
        if not host.up:
            result = CommandResult(f"mailsim: {host.name} is down: the command was not run\n",
                                   255)
        elif not argv:
            result = CommandResult("", 0)
        elif handler is None:
            result = CommandResult(f"bash: {argv[0]}: command not found\n", 127)
        else:
            result = handler(Invocation(host, user, argv, stdin, line, msg))
    _record(host, user, line, result)
    return result


@dataclass(frozen=True, slots=True)
class CommandRun:
    t: float
    host: str
    user: str
    line: str
    output: str
    status: int


def _record(host: Host, user: User, line: str, result: CommandResult) -> None:
    world = host.world
    prompt = "#" if user.uid == 0 else "$"
    world.trace.commands.append(CommandRun(world.engine.now, host.name, user.name, line,
                                           result.output, result.status))
    world.trace.add(Hop(world.engine.now, None, None, host.name, user.name, host.name,
                        line.split()[0] if line.split() else "", None, None, "command",
                        f"exit {result.status}", f"{prompt} {line}\n{result.output}".rstrip(),
                        None, (("line", line), ("host", host.name))))
