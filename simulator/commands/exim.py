"""exim(8) on an Exim host (Debian installs it as exim4 with exim as a link): the options a
student uses to look at the queue. ``-bp`` lists it (queue.c queue_list(), the layout in
queue_formats.py), ``-bpc`` counts it, ``-bi`` is newaliases (a no-op unless bi_command is
set). On a host whose MTA is not Exim the command does not exist.

SIMPLIFICATION: other options (-M, -q, -bt, -bv ...) are not modelled and say so.
"""

from __future__ import annotations

from . import CommandResult, Invocation, command
from .queue_formats import LISTED, exim_bp, queued_files


@command("exim", "exim4", "/usr/sbin/exim", "/usr/sbin/exim4")
def exim(inv: Invocation) -> CommandResult:
    name = inv.argv[0].rsplit("/", 1)[-1]
    mta = inv.host.mta
    if mta is None or mta.family != "exim":
        return CommandResult(f"bash: {name}: command not found\n", 127)
    option = inv.argv[1] if len(inv.argv) > 1 else ""
    if option == "-bp":
        return CommandResult(exim_bp(queued_files(mta.qmgr), inv.host.world.engine.now), 0)
    if option == "-bpc":
        count = sum(1 for qf in queued_files(mta.qmgr) if qf.queue in LISTED)
        return CommandResult(f"{count}\n", 0)
    if option == "-bi":
        return CommandResult("", 0)
    return CommandResult(f"{name}: option {option or '(none)'} is not modelled by mailsim "
                         f"(try -bp, -bpc or -bi)\n", 64)
