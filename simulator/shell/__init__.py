"""``mailsim shell``: a terminal on a simulated host, with the clock in the student's hands.

``Shell`` (session.py) runs one line at a time; ``start`` picks the host and user and
runs a scripted session (lines on stdin, each echoed after its prompt so that a transcript
reads like a terminal) or, on a terminal, an interactive one with prompt_toolkit's
history and completion (terminal.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from .texts import say

if TYPE_CHECKING:
    from ..host import Host, User
    from ..world import World

__all__ = ["ShellError", "open_shell", "scripted"]


class ShellError(ValueError):
    """A --host or --user the lab does not have."""


def open_shell(world: World, host: str | None, user: str | None, lang: str = "en"):  # type: ignore[no-untyped-def]
    """A Shell on ``host`` (default: the lab's first server) as ``user`` (default: root)."""
    from .session import Shell

    where = _host(world, host, lang)
    return Shell(world, where, _user(where, user, lang), lang)


def _host(world: World, name: str | None, lang: str) -> Host:
    if name is None:
        return next((h for h in world.hosts.values() if h.role == "server"),
                    next(iter(world.hosts.values())))
    if name not in world.hosts:
        raise ShellError(say("err.host", lang, host=name, known=", ".join(world.hosts)))
    return world.hosts[name]


def _user(host: Host, name: str | None, lang: str) -> User:
    if name is None:
        return host.users.get("root") or next(iter(host.users.values()))
    found = host.users.get(name.lower())
    if found is None:
        raise ShellError(say("err.user", lang, user=name, host=host.name,
                             known=", ".join(host.users) or "-"))
    return found


def scripted(shell, lines: Iterable[str], write: Callable[[str], None]) -> int:  # type: ignore[no-untyped-def]
    """Run ``lines`` as typed: each echoed after the prompt, then its output."""
    write(say("banner", shell.lang, title=shell.world.spec.title.get(shell.lang),
              t=shell.clock.stamp()) + "\n")
    feed = (line.rstrip("\r\n") for line in lines)

    def more(prompt: str) -> str | None:
        line = next(feed, None)
        if line is not None:
            write(prompt + line + "\n")
        return line

    for line in feed:
        write(shell.prompt() + line + "\n")
        out, _ = shell.handle(line, more)
        write(out)
        if shell.done:
            break
    return int(shell.status)
