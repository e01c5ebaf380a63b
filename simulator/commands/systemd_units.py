"""``systemctl status`` for Postfix's units, as systemd 252 (Debian 12, RHEL 9) prints them.

Red Hat's postfix.service is ``Type=forking`` around ``postfix start``: its cgroup holds
master(8) and the children it keeps running (pickup, qmgr), and its journal holds
postfix-script's and master's lines and the daemons' log lines. Debian's postfix.service
is a ``oneshot`` (``ExecStart=/bin/true``) that only groups the instances; the real one is
``postfix@-.service`` (``postmulti -i - -p start``), so ``systemctl status postfix`` on
Debian says ``active (exited)`` and shows no processes, and ``systemctl status postfix@-``
shows master, pickup and qmgr.

SIMPLIFICATION: the Tasks:, Memory: and CPU: lines are left out (they measure the real
machine); the journal before the lab's start holds only the boot's start of Postfix.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..agents.mta import master

if TYPE_CHECKING:
    from ..agents.mta.mta import Mta

DESCRIPTION = "Postfix Mail Transport Agent"
# What each unit's Exec lines run (the packages' unit files)
REDHAT_START = ("ExecStartPre=/usr/sbin/restorecon -R /var/spool/postfix/pid/master.pid",
                "ExecStartPre=/usr/libexec/postfix/aliasesdb",
                "ExecStartPre=/usr/libexec/postfix/chroot-update",
                "ExecStart=/usr/sbin/postfix start")
DEBIAN_INSTANCE_START = ("ExecStartPre=/usr/lib/postfix/configure-instance.sh -",
                         "ExecStart=/usr/sbin/postmulti -i - -p start")
OK = "(code=exited, status=0/SUCCESS)"


def relative(seconds: float) -> str:
    """systemd's format_timestamp_relative(): ``5min ago``, ``2h 5min ago``, ``1 day 2h ago``."""
    s = int(seconds)
    day, hour, minute = 86400, 3600, 60
    if s >= 7 * day:
        return f"{s // (7 * day)} weeks {s % (7 * day) // day} days ago"
    if s >= 2 * day:
        return f"{s // day} days ago"
    if s >= 25 * hour:
        return f"{s // day} day {s % day // hour}h ago"
    if s >= 6 * hour:
        return f"{s // hour}h ago"
    if s >= hour:
        return f"{s // hour}h {s % hour // minute}min ago"
    if s >= 5 * minute:
        return f"{s // minute}min ago"
    if s >= minute:
        return f"{s // minute}min {s % minute}s ago"
    return f"{s}s ago" if s > 0 else "now"


def _since(mta: Mta, t: float) -> str:
    clock, now = mta.host.world.engine.clock, mta.host.world.engine.now
    moment = clock.at(t)
    return f"{moment:%a %Y-%m-%d %H:%M:%S %Z}; {relative(now - t)}"


def _stamp(mta: Mta, t: float) -> str:
    return f"{mta.host.world.engine.clock.at(t):%b %d %H:%M:%S}"  # journalctl short


def status(mta: Mta, unit: str) -> tuple[str, int]:
    """The text and exit status (0 active, 3 inactive) of ``systemctl status UNIT``."""
    debian = mta.host.distro.unit_style == "debian"
    if debian and unit == "postfix.service":
        return _debian_wrapper(mta), 0
    state = mta.master
    pid, pickup, qmgr = master.boot_pids(mta)
    instance = " (instance -)" if debian else ""
    path = ("/lib/systemd/system/postfix@.service; enabled-runtime; preset: enabled"
            if debian else "/usr/lib/systemd/system/postfix.service; enabled; preset: disabled")
    lines = [f"{'●' if state.running else '○'} {unit} - {DESCRIPTION}{instance}",
             f"     Loaded: loaded ({path})"]
    if state.running:
        lines.append(f"     Active: active (running) since {_since(mta, state.since)}")
    else:
        lines.append(f"     Active: inactive (dead) since {_since(mta, state.since)}")
    lines += ["       Docs: man:postfix(1)"] if debian else []
    starts = DEBIAN_INSTANCE_START if debian else REDHAT_START
    base = (state.script_pid or pid - 1) - len(starts)  # ExecStart is postfix-script's parent
    lines += [f"    Process: {base + i} {cmd} {OK}" for i, cmd in enumerate(starts)]
    if state.running:
        lines += [f"   Main PID: {pid} (master)", *_cgroup(mta, unit, pid, pickup, qmgr)]
    else:
        stop_pid = state.exit_pids[0] if state.exit_pids else base
        stop = "ExecStop=/usr/sbin/postmulti -i - -p stop" if debian else \
            "ExecStop=/usr/sbin/postfix stop"
        lines += [f"    Process: {stop_pid} {stop} {OK}", f"   Main PID: {pid} {OK}"]
    return "\n".join(lines) + "\n\n" + _journal(mta, unit) + "\n", 0 if state.running else 3


def _cgroup(mta: Mta, unit: str, pid: int, pickup: int, qmgr: int) -> list[str]:
    debian = mta.host.distro.unit_style == "debian"
    slice_ = "system-postfix.slice/" if debian else ""
    daemons = mta.cf["daemon_directory"]
    return [f"     CGroup: /system.slice/{slice_}{unit}",
            f"             ├─{pid} {daemons}/master -w",
            f"             ├─{pickup} pickup -l -t unix -u{' -c' if debian else ''}",
            f"             └─{qmgr} qmgr -l -t unix -u"]


def _debian_wrapper(mta: Mta) -> str:
    pid = max(300, mta.host.first_pid - 400) - 10
    lines = [f"● postfix.service - {DESCRIPTION}",
             ("     Loaded: loaded (/lib/systemd/system/postfix.service; enabled; "
             "preset: enabled)"),
             f"     Active: active (exited) since {_since(mta, 0.0)}",
             "       Docs: man:postfix(1)",
             f"    Process: {pid} ExecStart=/bin/true {OK}",
             f"   Main PID: {pid} {OK}", "",
             (f"{_stamp(mta, 0.0)} {mta.host.short_name} systemd[1]: Starting postfix.service - "
             f"{DESCRIPTION}..."),
             (f"{_stamp(mta, 0.0)} {mta.host.short_name} systemd[1]: Finished postfix.service - "
             f"{DESCRIPTION}.")]
    return "\n".join(lines) + "\n"


def _journal(mta: Mta, unit: str) -> str:
    """The unit's last 10 journal lines: systemd's own and every postfix/* log line of the
    host (the daemons run in the unit's cgroup), with the boot's start first."""
    host, stamp = mta.host, "Jan  1 00:00:00"  # a syslog stamp's width
    pid, _, _ = master.boot_pids(mta)
    script = pid - 1
    entries = [(0.0, -4.0, f"systemd[1]: {_systemd('Starting', unit, mta)}"),
               (0.0, -3.0, (f"postfix/postfix-script[{script}]: starting the Postfix mail "
                           "system")),
               (0.0, -2.0, (f"postfix/master[{pid}]: daemon started -- version "
                           f"{host.distro.version}, configuration {master.CONFIG}")),
               (0.0, -1.0, f"systemd[1]: {_systemd('Started', unit, mta)}")]
    entries += [(t, place, f"systemd[1]: {_systemd(verb, unit, mta)}")
                for t, place, verb in mta.master.journal]
    now = host.world.engine.now
    for i, log in enumerate(host.world.trace.logs):
        program = log.line[len(stamp) + len(host.short_name) + 2:]
        if log.host == host.name and log.t <= now and program.startswith("postfix/"):
            entries.append((log.t, float(i), program))
    entries.sort(key=lambda e: (e[0], e[1]))
    return "\n".join(f"{_stamp(mta, t)} {host.short_name} {text}"
                     for t, _, text in entries[-10:])


def _systemd(verb: str, unit: str, mta: Mta) -> str:
    """systemd 252's unit status messages (StatusUnitFormat=combined on Debian)."""
    name = f"{unit} - " if mta.host.distro.unit_style == "debian" else ""
    instance = " (instance -)" if mta.host.distro.unit_style == "debian" else ""
    if verb in ("Starting", "Stopping", "Reloading"):
        return f"{verb} {name}{DESCRIPTION}{instance}..."
    if verb == "Failed":
        return f"Failed to start {name}{DESCRIPTION}{instance}."
    if verb == "Deactivated":
        return f"{unit}: Deactivated successfully."
    return f"{verb} {name}{DESCRIPTION}{instance}."
