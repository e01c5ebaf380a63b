"""alternatives(8) / update-alternatives(8) and readlink(1): who answers /usr/sbin/sendmail.

On RHEL, ``alternatives --display mta`` (chkconfig's alternatives.c displayService())
prints the link group: ``mta - status is auto.``, `` link currently points to TARGET``,
each member as ``PATH - priority N`` with its `` follower TITLE: PATH`` lines, and
``Current `best' version is PATH.``; update-alternatives is the same program there.
Debian's update-alternatives (dpkg) has no ``mta`` group, since its MTA packages install
/usr/sbin/sendmail directly: ``update-alternatives: error: no alternatives for mta``,
exit status 2; Debian has no ``alternatives`` command.

``readlink PATH`` prints a link's target as stored; ``readlink -f PATH`` follows every
link (GNU coreutils canonicalize_filename_mode()).

SIMPLIFICATION: only ``--display`` (and ``--list`` on RHEL) is modelled, for the ``mta``
group the host's MTA package made; the group's members are those of one installed MTA.
"""

from __future__ import annotations

from ..agents.mta.programs import distro, layout
from . import CommandResult, Invocation, command

NOT_FOUND = 127


@command("alternatives", "/usr/sbin/alternatives", "update-alternatives",
         "/usr/sbin/update-alternatives", "/usr/bin/update-alternatives")
def alternatives(inv: Invocation) -> CommandResult:
    name = inv.argv[0].rsplit("/", 1)[-1]
    system = distro(inv.host) if inv.host.mta is not None else "debian"
    if system != "rhel":
        if name == "alternatives":
            return CommandResult(f"bash: {name}: command not found\n", NOT_FOUND)
        return _dpkg(inv)
    args = inv.argv[1:]
    if len(args) == 2 and args[0] == "--display":
        return _display(inv, args[1])
    if args == ["--list"]:
        return _list(inv)
    return CommandResult(f"{name}: mailsim models only --display NAME and --list "
                         f"(got: {' '.join(args) or 'no option'})\n", 2)


def _display(inv: Invocation, group: str) -> CommandResult:
    found = layout(inv.host)
    alt = found.alternative if found is not None else None
    if group != "mta" or alt is None:
        return CommandResult(f"cannot access /var/lib/alternatives/{group}: "
                             "No such file or directory\n", 2)
    lines = ["mta - status is auto.", f" link currently points to {alt.leader}",
             f"{alt.leader} - priority {alt.priority}"]
    lines += [f" follower {title}: {target}" for title, target in alt.followers]
    lines.append(f"Current `best' version is {alt.leader}.")
    return CommandResult("\n".join(lines) + "\n", 0)


def _list(inv: Invocation) -> CommandResult:
    """alternatives --list: NAME, TAB, auto/manual, TAB, the current target."""
    found = layout(inv.host)
    alt = found.alternative if found is not None else None
    return CommandResult(f"mta\tauto\t{alt.leader}\n" if alt else "", 0)


def _dpkg(inv: Invocation) -> CommandResult:
    """dpkg's update-alternatives on Debian: no ``mta`` link group exists."""
    args = inv.argv[1:]
    if len(args) == 2 and args[0] in ("--display", "--query", "--list"):
        return CommandResult(f"update-alternatives: error: no alternatives for {args[1]}\n",
                             2)
    return CommandResult("update-alternatives: mailsim models only --display NAME, --query "
                         "NAME and --list NAME\n", 2)


@command("readlink", "/bin/readlink", "/usr/bin/readlink")
def readlink(inv: Invocation) -> CommandResult:
    args = inv.argv[1:]
    follow = any(a in ("-f", "--canonicalize") for a in args)
    paths = [a for a in args if not a.startswith("-")]
    if not paths:
        return CommandResult("readlink: missing operand\nTry 'readlink --help' for more "
                             "information.\n", 1)
    out, status = [], 0
    fs = inv.host.fs
    for path in paths:
        full = path if path.startswith("/") else f"{inv.user.home.rstrip('/')}/{path}"
        entry = fs.stat(full)
        if follow:
            resolved = fs.resolve(full)
            if fs.stat(resolved) is None and not fs.is_dir(resolved):
                status = 1  # -f: every component but the last must exist; no output here
                continue
            out.append(resolved + "\n")
        elif entry is not None and entry.link is not None:
            out.append(entry.link + "\n")
        else:
            status = 1  # not a link: readlink prints nothing and fails
    return CommandResult("".join(out), status)
