"""postfix(1): start, stop, reload, status, check and flush the mail system.

postfix(1) reads main.cf first (mail_params_init(): a bad number, boolean or time there
ends it at once), refuses anyone but root ("to submit mail, use the Postfix sendmail
command"), then runs postfix-script, whose messages go both to the terminal and to the
mail log, tagged ``postfix/postfix-script`` (postlog(1)). The effects are in
agents/mta/master.py.

SIMPLIFICATION: ``abort`` is ``stop``; ``check`` checks main.cf values only (not file
ownership and permissions); set-permissions, upgrade-configuration, -c and -D are not
modelled.
"""

from __future__ import annotations

from ..agents.mta import master
from . import CommandResult, Invocation, command

USAGE = "postfix: fatal: usage: postfix [-c config_dir] [-Dv] command\n"
COMMANDS = ("start, stop, reload, abort, flush, check, status, set-permissions, "
            "upgrade-configuration")


@command("postfix", "/usr/sbin/postfix")
def postfix(inv: Invocation) -> CommandResult:
    mta = inv.host.mta
    if mta is None or mta.family != "postfix":
        return CommandResult("bash: postfix: command not found\n", 127)
    if inv.user.uid != 0:
        return CommandResult("postfix: fatal: to submit mail, use the Postfix sendmail "
                             "command\n", 1)
    args = [a for a in inv.argv[1:] if a != "-v"]
    if len(args) != 1 or args[0].startswith("-"):
        return CommandResult(USAGE, 1)
    errors = master.config_errors(mta)
    if errors:
        return CommandResult("".join(e + "\n" for e in errors), 1)
    return run(inv, args[0])


def _say(inv: Invocation, text: str, status: int = 0) -> CommandResult:
    """postlog(1): to the terminal and to the mail log."""
    inv.host.log(master.SCRIPT, text, fresh=True)
    return CommandResult(f"{master.SCRIPT}: {text}\n", status)


def run(inv: Invocation, verb: str) -> CommandResult:
    """One postfix-script command; systemctl calls this too."""
    mta = inv.host.mta
    assert mta is not None
    up = mta.master.running
    if verb == "status":
        if not up:
            return _say(inv, "the Postfix mail system is not running", 1)
        pid, _, _ = master.boot_pids(mta)
        return _say(inv, f"the Postfix mail system is running: PID: {pid}")
    if verb == "check":
        return CommandResult("", 0)
    if verb == "start":
        if up:
            return _say(inv, "fatal: the Postfix mail system is already running", 1)
        master.start(mta)
        return CommandResult(f"{master.SCRIPT}: starting the Postfix mail system\n", 0)
    if verb not in ("stop", "abort", "reload", "flush"):
        return _say(inv, f"fatal: unknown command: '{verb}'. Usage: postfix start (or "
                         f"{COMMANDS.split(', ', 1)[1]})", 1)
    if not up:
        return _say(inv, "fatal: the Postfix mail system is not running", 1)
    if verb == "reload":
        master.reload(mta)
        return CommandResult(f"{master.SCRIPT}: refreshing the Postfix mail system\n", 0)
    if verb == "flush":
        mta.qmgr.admin.flush_all()
        return CommandResult("", 0)
    master.stop(mta)
    return CommandResult(f"{master.SCRIPT}: stopping the Postfix mail system\n", 0)
