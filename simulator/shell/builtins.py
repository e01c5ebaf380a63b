"""The shell's own commands: logins (ssh, su, exit), edit, cd, and the simulation's clock.

Messages of ssh(1) and su(1) are OpenSSH's and util-linux's own; the simulation commands
speak the student's language (i18n/shell_en.py, shell_ja.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .lookaround import event_lines, status_lines
from .session import PS2, Login, More, Reply, Shell, builtin
from .texts import say

if TYPE_CHECKING:
    from ..host import Host


@builtin("step")
def _step(shell: Shell, args: list[str], more: More) -> Reply:
    return shell.clock.next_hop(), 0


@builtin("run")
def _run(shell: Shell, args: list[str], more: More) -> Reply:
    return shell.clock.run(args)


@builtin("status")
def _status(shell: Shell, args: list[str], more: More) -> Reply:
    return "\n".join([say("clock", shell.lang, t=shell.clock.stamp()),
                      *status_lines(shell.world, shell.lang)]), 0


@builtin("events")
def _events(shell: Shell, args: list[str], more: More) -> Reply:
    return "\n".join([say("clock", shell.lang, t=shell.clock.stamp()),
                      *event_lines(shell.world, shell.lang)]), 0


@builtin("clock")
def _clock(shell: Shell, args: list[str], more: More) -> Reply:
    return say("clock", shell.lang, t=shell.clock.stamp()), 0


@builtin("help")
def _help(shell: Shell, args: list[str], more: More) -> Reply:
    import textwrap

    from ..commands import names

    programs = textwrap.fill(" ".join(names()), 76, subsequent_indent="  ")
    return say("help", shell.lang, programs=programs), 0


@builtin("cd")
def _cd(shell: Shell, args: list[str], more: More) -> Reply:
    # SIMPLIFICATION: the registry's programs resolve paths from the home directory
    if not args or args[0] in ("~", shell.user.home):
        return "", 0
    return say("cd", shell.lang), 1


@builtin("edit")
def _edit(shell: Shell, args: list[str], more: More) -> Reply:
    """A line editor for scripts and terminals alike: the new content up to a line ``.``."""
    if len(args) != 1:
        return "usage: edit FILE\n", 2
    lines = []
    while (line := more(PS2)) is not None and line != ".":
        lines.append(line + "\n")
    denied = shell.write(args[0], "".join(lines))
    if denied:
        return denied.replace("bash: ", "edit: ", 1), 1
    return say("edit.done", shell.lang, n=len(lines), path=args[0]), 0


@builtin("su")
def _su(shell: Shell, args: list[str], more: More) -> Reply:
    """su(1): become another user of this host (root without a name).

    SIMPLIFICATION: no password is asked, even of a non-root caller."""
    names = [a for a in args if a not in ("-", "-l", "--login")]
    name = names[0] if names else "root"
    user = shell.host.users.get(name)
    if user is None:
        return (f"su: user {name} does not exist or the user entry does not contain all the "
                "required fields\n"), 1
    shell.logins.append(Login(shell.host, user, "su"))
    return "", 0


@builtin("ssh")
def _ssh(shell: Shell, args: list[str], more: More) -> Reply:
    """ssh(1) to another host of the lab; OpenSSH's messages for a name it cannot resolve,
    a host that does not answer, and a user the host does not have.

    SIMPLIFICATION: any lab host is reachable by ssh, without keys or passwords."""
    dest = [a for a in args if not a.startswith("-")]
    if len(dest) != 1:
        return "usage: ssh [user@]hostname\n", 255
    name, _, where = dest[0].rpartition("@")
    host = _find_host(shell, where)
    if host is None:
        return f"ssh: Could not resolve hostname {where}: Name or service not known\n", 255
    if not host.up:
        return f"ssh: connect to host {where} port 22: No route to host\n", 255
    user = host.users.get(name or shell.user.name)
    if user is None:
        return f"{name or shell.user.name}@{where}: Permission denied (publickey,password).\n", 255
    shell.logins.append(Login(host, user, "ssh"))
    return "", 0


def _find_host(shell: Shell, name: str) -> Host | None:
    hosts = shell.world.hosts
    return hosts.get(name) or next(
        (h for h in hosts.values() if name in (h.hostname, h.short_name, h.ip)), None)


@builtin("exit", "logout")
def _exit(shell: Shell, args: list[str], more: More) -> Reply:
    """Leave the last login; ``exit N`` sets the status, as in bash."""
    status = int(args[0]) % 256 if args and args[0].isdigit() else shell.status
    left = shell.logins.pop()
    if not shell.logins:
        shell.done = True
        return "logout\n" + say("bye", shell.lang, t=shell.clock.stamp()), status
    if left.how == "ssh":
        return f"logout\nConnection to {left.host.name} closed.\n", status
    return "", status
