"""Starting, stopping and reloading Postfix: master(8) as postfix(1) and systemd drive it.

- ``postfix stop`` (postfix-script): master(8) ends "in an orderly fashion": its listeners
  close at once, so a client's connection to port 25/587/465 is refused, while work already
  under way may finish (postfix(1)). The queue is files under /var/spool/postfix and stays:
  nothing is lost, nothing is delivered until the next start.
- ``postfix start``: master opens the listeners again, qmgr(8) takes up the queue as after
  a boot (files left in active go back to incoming; deferred mail waits for its next scan,
  or ``postqueue -f``), pickup(8) reads what postdrop left in maildrop meanwhile.
- ``postfix reload``: master re-reads main.cf and replaces its children; a ``postconf -e``
  edit takes effect now, not before.

The log lines are postfix-script's and master.c's own: ``starting the Postfix mail
system``, ``daemon started -- version V, configuration /etc/postfix``, ``stopping the
Postfix mail system``, ``terminating on signal 15``, ``refreshing the Postfix mail
system``, ``reload -- version V, configuration /etc/postfix``.

SIMPLIFICATION: a stop takes no time; daemons that are mid-delivery finish that delivery.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import maincf
from .params import BOOLEAN, DEFAULTS, INTEGER, TIME, check_value, host_defaults

if TYPE_CHECKING:
    from .mta import Mta

SCRIPT = "postfix/postfix-script"
CONFIG = "/etc/postfix"


@dataclass(slots=True)
class MasterState:
    """What the host's init system knows about Postfix."""

    running: bool = True
    since: float = 0.0  # when it last started or stopped
    closed_ports: list[int] = field(default_factory=list)  # listeners the stop closed
    # (time, place among the host's log lines, verb) of systemd's own journal lines for
    # the unit ("Stopping", "Started" ...)
    journal: list[tuple[float, float, str]] = field(default_factory=list)
    script_pid: int | None = None  # postfix-script of the last start (None: at boot)
    exit_pids: tuple[int, ...] = ()  # the processes that ran the last stop


def running(mta: Mta) -> bool:
    """Whether Postfix's daemons work now: the machine is up and master runs."""
    return mta.host.up and mta.master.running


def boot_pids(mta: Mta) -> tuple[int, int, int]:
    """master, pickup and qmgr PIDs: the ones logging now, else small numbers given at
    boot (below the numbers later processes get, as on a freshly booted machine)."""
    host = mta.host
    base = max(300, host.first_pid - 400)
    out = []
    for k, program in enumerate(("postfix/master", "postfix/pickup", "postfix/qmgr")):
        pid = host.current_pid(program)
        if pid is None:
            pid = base + k
            host.use_pid(program, pid)
        out.append(pid)
    return out[0], out[1], out[2]


def _journal(mta: Mta, program: str, pid: int, text: str) -> None:
    mta.host.use_pid(program, pid)
    mta.host.log(program, text)


def systemd_says(mta: Mta, *verbs: str) -> None:
    """systemd's lines about the unit (``Stopping ...``, ``Stopped ...``), for its journal."""
    place = len(mta.host.world.trace.logs) - 0.5  # after the log lines written so far
    mta.master.journal += [(mta.host.world.engine.now, place, verb) for verb in verbs]


def config_errors(mta: Mta) -> list[str]:
    """What postfix(1) says of main.cf before it starts or reloads master (mail_params.c
    reads every global parameter and stops at a bad number, boolean or time)."""
    out = []
    for name, value in maincf.read(mta.host.fs).items():
        if name not in DEFAULTS or "$" in value:
            continue
        problem = check_value(name, value)
        if problem is None:
            continue
        if name in INTEGER:
            out.append(f"postfix: fatal: bad numerical configuration: {name} = {value}")
        elif name in BOOLEAN:
            out.append(f"postfix: fatal: bad boolean configuration: {name} = {value}")
        elif name in TIME:
            out.append(f"postfix: fatal: parameter {name}: bad time value or unit: {value}")
        else:  # SIMPLIFICATION: other daemons would refuse it when they start
            out.append(f"postfix: fatal: {name} = {value}: {problem}")
    return out[:1]  # msg_fatal(): the first one ends the program


def start(mta: Mta, by: str = "postfix") -> None:
    host, state = mta.host, mta.master
    state.running, state.since = True, host.world.engine.now
    host.new_processes()
    apply_main_cf(mta)
    for port in state.closed_ports:
        if port in host.closed:
            host.services[port] = host.closed.pop(port)
    state.closed_ports = []
    script = host.pid(SCRIPT, fresh=True)
    state.script_pid = script
    _journal(mta, SCRIPT, script, "starting the Postfix mail system")
    master = host.pid("postfix/master", fresh=True)
    _journal(mta, "postfix/master", master,
             f"daemon started -- version {mta.cf['mail_version']}, configuration {CONFIG}")
    host.pid("postfix/qmgr", fresh=True)
    host.pid("postfix/pickup", fresh=True)
    mta.qmgr.restart()
    mta.pickup.resume()


def booted(mta: Mta) -> None:
    """The machine came up again: systemd starts Postfix (the unit is enabled)."""
    state = mta.master
    if not state.running:
        state.running, state.since = True, mta.host.world.engine.now
        for port in state.closed_ports:
            if port in mta.host.closed:
                mta.host.services[port] = mta.host.closed.pop(port)
        state.closed_ports = []
        mta.pickup.resume()


def stop(mta: Mta) -> None:
    host, state = mta.host, mta.master
    master, _, _ = boot_pids(mta)
    script = host.pid(SCRIPT, fresh=True)
    state.exit_pids = (script, master)
    _journal(mta, SCRIPT, script, "stopping the Postfix mail system")
    _journal(mta, "postfix/master", master, "terminating on signal 15")
    state.running, state.since = False, host.world.engine.now
    for port in sorted(mta.services):
        if port in host.services:
            host.closed[port] = host.services.pop(port)
            state.closed_ports.append(port)


def reload(mta: Mta) -> None:
    host = mta.host
    master, _, _ = boot_pids(mta)
    script = host.pid(SCRIPT, fresh=True)
    _journal(mta, SCRIPT, script, "refreshing the Postfix mail system")
    apply_main_cf(mta)
    _journal(mta, "postfix/master", master,
             f"reload -- version {mta.cf['mail_version']}, configuration {CONFIG}")
    for program in ("postfix/qmgr", "postfix/pickup"):  # master replaces its children
        host.pid(program, fresh=True)


def apply_main_cf(mta: Mta) -> None:
    """The running configuration becomes what /etc/postfix/main.cf says now."""
    host = mta.host
    settings = {k: v for k, v in maincf.read(host.fs).items() if k in DEFAULTS}
    values = host_defaults(host.name, host.ip, host.distro.defaults) | settings
    if values != mta.cf.values:
        mta.cf.replace(values)
        mta.forget_config()
