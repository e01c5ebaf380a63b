"""newaliases(1) and postalias(1): compile /etc/aliases into the database local(8) reads.

``newaliases`` (also ``sendmail -bi`` and ``sendmail -I``) runs ``postalias`` on every
table of alias_database (sendmail/sendmail.c); with an empty alias_database it does
nothing. postalias prints nothing when all is well; problems go to the terminal and to the
mail log as ``postalias: warning: /etc/aliases, line 3: need name:value pair`` (the entry
is skipped, the rest is built) or ``postalias: fatal: ...`` (exit status 1, nothing
built). ``postalias -q NAME /etc/aliases`` prints what the database holds for NAME.
"""

from __future__ import annotations

from ..agents.mda import aliases
from ..model.fs import resolve
from ..model.trace import Hop
from . import CommandResult, Invocation, command
from .newaliases_formats import family_newaliases

EX_USAGE = 64
USAGE = ("usage: postalias [-Nfinoprsuvw] [-c config_dir] [-d key] [-q key] "
         "[map_type:]file...")


@command("newaliases", "/usr/bin/newaliases", "/usr/sbin/newaliases")
def newaliases(inv: Invocation) -> CommandResult:
    if len(inv.argv) > 1 and not inv.argv[1].startswith("-"):
        return CommandResult("newaliases: fatal: alias initialization mode requires no "
                             "recipient\n", EX_USAGE)
    if inv.host.cf is None:
        return CommandResult("newaliases: fatal: no mail system on this host\n", 69)
    mta = inv.host.mta
    if mta is not None and mta.family == "qmail":  # qmail links no newaliases (INSTALL)
        return CommandResult(f"bash: {inv.argv[0]}: command not found\n", 127)
    built = build_maps(inv, aliases.map_names(inv.host.cf, "alias_database"))
    # Sendmail prints its own statistics line, Exim nothing (newaliases_formats.py).
    # SIMPLIFICATION: the engine's local(8) reads aliases.db, so it is rebuilt on every
    # family; postalias's own messages are then not shown.
    return family_newaliases(inv.host) or built


@command("postalias", "/usr/sbin/postalias")
def postalias(inv: Invocation) -> CommandResult:
    args = inv.argv[1:]
    if inv.host.cf is None:
        return CommandResult("postalias: fatal: no mail system on this host\n", 69)
    if args[:1] == ["-q"] and len(args) >= 3:
        return _query(inv, args[1], args[2:])
    if not args or any(a.startswith("-") for a in args):
        return CommandResult(f"postalias: fatal: {USAGE}\n", 1)
    return build_maps(inv, [_map_name(inv, a) for a in args])


def _map_name(inv: Invocation, item: str) -> aliases.MapName:
    """``type:path`` or a bare path (default_database_type); a relative path is opened
    from the current directory, the user's home here."""
    assert inv.host.cf is not None
    kind, _, path = item.rpartition(":") if ":" in item else \
        (inv.host.cf["default_database_type"], "", item)
    return aliases.MapName(kind, resolve(inv.user.home, path))


def build_maps(inv: Invocation, names: list[aliases.MapName]) -> CommandResult:
    """postalias on each table in turn; a fatal error stops it (nothing more is built)."""
    host, out = inv.host, []
    host.pid("postalias", fresh=True)  # one process; it logs to the maillog as well
    for name in names:
        if name.type not in aliases.SUFFIXES:
            built = aliases.Built([], f"unsupported dictionary type: {name.type}")
        else:
            built = aliases.build(host.fs, name, inv.user.uid, inv.user.name,
                                  host.world.engine.now)
        for text in built.warnings:
            out.append(f"postalias: warning: {text}")
            host.log("postfix/postalias", f"warning: {text}")
        if built.fatal is not None:
            out.append(f"postalias: fatal: {built.fatal}")
            host.log("postfix/postalias", f"fatal: {built.fatal}")
            _note_rebuild(inv, name, f"postalias stopped: {built.fatal}; {name.db_path} unchanged")
            return CommandResult("".join(line + "\n" for line in out), 1)
        entries = len(aliases.decode(host.fs.read(name.db_path) or b"")) - 1  # minus @:@
        _note_rebuild(inv, name, f"{name.db_path} rebuilt from {name.path}: {entries} aliases"
                        + (f", {len(built.warnings)} warning(s)" if built.warnings else ""))
    return CommandResult("".join(line + "\n" for line in out), 0)


def _note_rebuild(inv: Invocation, name: aliases.MapName, detail: str) -> None:
    """The newaliases hop: which database was rebuilt from which text file."""
    world = inv.host.world
    world.trace.add(Hop(world.engine.now, None, None, inv.host.name, "postalias",
                        inv.host.name, "aliases.db", None, None, "newaliases", None, detail,
                        None, (("db", name.db_path), ("path", name.path),
                               ("host", inv.host.name))))


def _query(inv: Invocation, key: str, maps: list[str]) -> CommandResult:
    """postalias -q: the value of ``key`` in the first table that has it (exit 0), or
    nothing and exit status 1."""
    for item in maps:
        name = _map_name(inv, item)
        if name.type not in aliases.SUFFIXES:
            return CommandResult(f"postalias: fatal: unsupported dictionary type: "
                                 f"{name.type}\n", 1)
        db = aliases.open_db(inv.host.fs, name)
        if db.table is None:
            return CommandResult(f"postalias: fatal: {db.error}\n", 1)
        value = db.get(key)
        if value is not None:
            return CommandResult(value + "\n", 0)
    return CommandResult("", 1)
