"""systemctl(1) for the mail system's unit: status, start, stop, restart, reload, is-active,
is-enabled.

Each verb runs what the unit file says (``ExecStart=/usr/sbin/postfix start`` on Red Hat,
``postmulti -i - -p start`` for Debian's postfix@-), so the effects and log lines are those
of postfix(1) (commands/postfix.py, agents/mta/master.py); systemctl itself prints nothing
when a job succeeds. On Debian, postfix.service and postfix@-.service act together
(``PartOf=``/``ReloadPropagatedFrom=`` in the unit files).

SIMPLIFICATION: only Postfix's units exist; other units are "not found". A non-root user
gets polkit's answer for a terminal without an agent.
"""

from __future__ import annotations

from ..agents.mta import master
from . import CommandResult, Invocation, command, systemd_units

USAGE = "Too few arguments.\n"
VERBS = ("status", "start", "stop", "restart", "reload", "is-active", "is-enabled")


@command("systemctl", "/usr/bin/systemctl", "/bin/systemctl")
def systemctl(inv: Invocation) -> CommandResult:
    args = [a for a in inv.argv[1:] if a not in ("--no-pager", "-l", "--full", "-q")]
    quiet = "-q" in inv.argv[1:] or "--quiet" in inv.argv[1:]
    if not args:
        return CommandResult("mailsim: systemctl without a verb (list-units) is not "
                             "modelled\n", 1)
    verb, units = args[0], args[1:]
    if verb not in VERBS:
        return CommandResult(f'Unknown command verb {verb}.\n', 1)
    if not units:
        return CommandResult(USAGE, 1)
    unit = _unit(inv, units[0])
    if unit is None:
        return _not_found(verb, units[0])
    assert inv.host.mta is not None
    mta = inv.host.mta
    if verb == "status":
        text, status = systemd_units.status(mta, unit)
        return CommandResult(text, status)
    if verb == "is-active":
        return CommandResult("" if quiet else ("active\n" if mta.master.running
                                               else "inactive\n"),
                             0 if mta.master.running else 3)
    if verb == "is-enabled":
        return CommandResult("" if quiet else "enabled\n", 0)
    if inv.user.uid != 0:
        return CommandResult(f"Failed to {verb} {unit}: Interactive authentication "
                             f"required.\nSee system logs and 'systemctl status {unit}' for "
                             "details.\n", 1)
    return _job(inv, verb, unit)


def _unit(inv: Invocation, name: str) -> str | None:
    mta = inv.host.mta
    if mta is None or mta.family != "postfix":
        return None
    full = name if name.endswith(".service") else f"{name}.service"
    names = ["postfix.service"]
    if inv.host.distro.unit_style == "debian":
        names.append("postfix@-.service")
    return full if full in names else None


def _not_found(verb: str, name: str) -> CommandResult:
    full = name if "." in name else f"{name}.service"
    if verb == "status":
        return CommandResult(f"Unit {full} could not be found.\n", 4)
    if verb in ("is-active",):
        return CommandResult("inactive\n", 3)
    if verb == "is-enabled":
        return CommandResult(f"Failed to get unit file state for {full}: No such file or "
                             "directory\n", 1)
    return CommandResult(f"Failed to {verb} {full}: Unit {full} not found.\n", 5)


def _job(inv: Invocation, verb: str, unit: str) -> CommandResult:
    """Run the unit's Exec line for ``verb``; systemd logs its own lines around it."""
    mta = inv.host.mta
    assert mta is not None
    running = mta.master.running
    if verb == "reload" and not running:
        return CommandResult(f"Failed to reload {unit}: Unit {unit} is not active.\n", 1)
    if (verb == "restart" or (verb == "stop" and running)) and running:
        master.systemd_says(mta, "Stopping")
        master.stop(mta)
        master.systemd_says(mta, "Deactivated", "Stopped")
    if verb in ("start", "restart") and not mta.master.running:
        errors = master.config_errors(mta)
        if errors:
            master.systemd_says(mta, "Failed")
            return CommandResult(f"Job for {unit} failed because the control process "
                                 f"exited with error code.\nSee \"systemctl status {unit}\" "
                                 f"and \"journalctl -xeu {unit}\" for details.\n", 1)
        master.systemd_says(mta, "Starting")
        master.start(mta)
        master.systemd_says(mta, "Started")
    if verb == "reload":
        master.systemd_says(mta, "Reloading")
        master.reload(mta)
        master.systemd_says(mta, "Reloaded")
    return CommandResult("", 0)
