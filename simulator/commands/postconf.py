"""postconf(1): show and edit main.cf, as Postfix 3.x does it (src/postconf/).

- ``postconf``: every parameter, sorted by name, with its main.cf value or its default;
- ``postconf NAME...``: those, in the order given; an unknown name gets
  ``postconf: warning: NAME: unknown parameter`` (postconf_main.c pcf_show_parameters());
- ``-n``: only the names main.cf sets; ``-d``: the defaults, as this host's Postfix build
  (its ``os:``, simulator/distro.py) and the machine itself make them;
- ``-h``: values without ``name = ``; ``-x``: ``$name`` expanded;
- ``-e 'name = value' ...``: edit /etc/postfix/main.cf (postconf_edit.c pcf_edit_main():
  every entry of a name is replaced where it stands, new names are appended in name
  order). postconf reads and writes the *file*: the running daemons see a change only after
  ``postfix reload`` (commands/postfix.py).

Values print unexpanded and unfolded (``name = value``; an empty value is ``name =``).

SIMPLIFICATION: only the parameters mailsim models (agents/mta/params.py) exist; a real
postconf knows about a thousand. -f, -M, -P, -X, -#, -l, -m, -a, -A, -t, -T are not modelled.
"""

from __future__ import annotations

from ..agents.mta import maincf
from ..agents.mta.params import MainCf, host_defaults
from ..distro import known
from . import CommandResult, Invocation, command

EX_USAGE = 1  # msg_fatal() exits 1
USAGE = "postconf: fatal: usage: postconf [-bCcdefHhlMmNnoPpqTvx] [-c config_dir] [name...]\n"
_KNOWN = set("dehnx")
_NOT_MODELLED = set("abfl#AFMmPpTtX")


@command("postconf", "/usr/sbin/postconf")
def postconf(inv: Invocation) -> CommandResult:
    flags, names = _options(inv.argv[1:])
    if isinstance(flags, CommandResult):
        return flags
    if inv.host.cf is None or inv.host.mta is None or inv.host.mta.family != "postfix":
        return CommandResult("bash: postconf: command not found\n", 127)
    if "e" in flags:
        return _edit(inv, names)
    return _show(inv, flags, names)


def _options(args: list[str]) -> tuple[set[str] | CommandResult, list[str]]:
    flags: set[str] = set()
    i = 0
    while i < len(args) and args[i].startswith("-") and len(args[i]) > 1:
        if args[i] == "--":
            i += 1
            break
        for flag in args[i][1:]:
            if flag in _NOT_MODELLED:
                return CommandResult(f"mailsim: postconf -{flag} is not modelled\n", 1), []
            if flag not in _KNOWN:
                return CommandResult(f"postconf: invalid option -- '{flag}'\n" + USAGE,
                                     EX_USAGE), []
            flags.add(flag)
        i += 1
    return flags, args[i:]


def _show(inv: Invocation, flags: set[str], names: list[str]) -> CommandResult:
    host = inv.host
    # myhostname's default is gethostname() (the host's ``hostname:``)
    defaults = host_defaults(host.hostname, host.ip, host.distro.defaults)
    data = host.fs.read(maincf.MAIN_CF)
    settings, _ = maincf.parse(data.decode("utf-8", "replace")) if data else ({}, [])
    version = defaults["mail_version"]
    values = {k: v for k, v in defaults.items() if known(k, version)}
    if "d" not in flags:
        values |= {k: v for k, v in settings.items() if k in values}
    out: list[str] = []
    if "n" in flags and "d" not in flags:
        out += [f"postconf: warning: {maincf.MAIN_CF}: unused parameter: {k}={v}\n"
                for k, v in settings.items() if k not in values]
        shown = sorted(k for k in settings if k in values) if not names else names
    else:
        shown = names or sorted(values)
    expand = MainCf.__new__(MainCf)
    expand.values, expand._cache = values, {}
    for name in shown:
        if name not in values:
            out.append(f"postconf: warning: {name}: unknown parameter\n")
            continue
        value = expand[name] if "x" in flags else values[name]
        out.append(_line(name, value, "h" in flags))
    return CommandResult("".join(out), 0)


def _line(name: str, value: str, bare: bool) -> str:
    if bare:
        return value + "\n"
    return f"{name} = {value}\n" if value else f"{name} =\n"


def _edit(inv: Invocation, args: list[str]) -> CommandResult:
    changes: dict[str, str] = {}
    out = ""
    for arg in args:
        name, eq, value = arg.strip().partition("=")
        if not eq or not name.strip():
            return CommandResult(f"postconf: fatal: missing '=' after attribute name: "
                                 f'"{arg}"\n', 1)
        name = name.strip()
        if name in changes:  # pcf_edit_main(): the later request wins
            out += (f"postconf: warning: ignoring earlier request: "
                    f"'{name} = {changes.pop(name)}'\n")
        changes[name] = value.strip()
    if inv.user.uid != 0:
        return CommandResult(out + f"postconf: fatal: open {maincf.MAIN_CF}.tmp: "
                                   "Permission denied\n", 1)
    if not changes:
        return CommandResult(out, 0)
    fs, now = inv.host.fs, inv.host.world.engine.now
    old = (fs.read(maincf.MAIN_CF) or b"").decode("utf-8", "replace")
    fs.write(maincf.MAIN_CF, maincf.edit(old, changes).encode(), "root", 0o644, now)
    return CommandResult(out, 0)
