"""Small helpers of the public API (``from simulator import run_on``) for notebooks and
scripts: what a student does at a host's shell prompt, from Python.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .commands import CommandResult
    from .world import World


def run_on(world: World, host: str, line: str, user: str = "root",
           stdin: str = "") -> CommandResult:
    """Type ``line`` at ``host``'s shell as ``user`` at the current simulated time.

    Returns what the terminal shows (``.output``) and the exit status (``.status``), as the
    real program gives them (``mailq``, ``postqueue -f``, ``newaliases``, ``mail -s ...``).
    What the command sets in motion (a flush, a new message) runs when the clock next runs.
    """
    from .commands import run_command

    if host not in world.hosts:
        raise ValueError(f"no host {host!r} in this world (hosts: {', '.join(world.hosts)})")
    machine = world.hosts[host]
    if user not in machine.users:
        raise ValueError(f"no user {user!r} on {host} (users: {', '.join(machine.users)})")
    return run_command(machine, machine.users[user], line, stdin)
