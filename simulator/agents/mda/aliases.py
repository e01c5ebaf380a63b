"""The alias database: aliases(5) text, the indexed file postalias(1) builds, its lookups.

Parsing follows postalias/postalias.c and util/readlline.c (Postfix 3.x):
- logical lines: a line that starts with white space continues the previous one; empty,
  all-blank and ``#`` comment lines are skipped, also inside a continued entry; text that
  starts with white space with nothing before it is refused with a warning;
- each logical line is tokenized as RFC 822 (model/tok822.py) and must read
  ``name: value``: a missing name, a missing value, a comma before the colon, or no colon
  give ``need name:value pair``; ``@`` or ``%`` before the colon give ``name must be local
  and have no domain``; the line is skipped and postalias carries on;
- the name is stored unquoted and folded to lower case (DICT_FLAG_FOLD_FIX; Postfix 3.11
  and earlier store the internal form), the value in external (quoted) form;
- a second entry for the same name is not stored: ``duplicate entry`` (dict_db.c,
  DICT_FLAG_DUP_WARN), the first one wins;
- the ``@: @`` signature is appended (Sendmail compatibility).

Warnings name the file and the *first* line of the logical line, as postalias prints them.
The indexed file (``/etc/aliases.db`` for ``hash:``) is kept in the host's filesystem as
``name\\0value\\0`` records; local(8) and smtpd(8) read that file, never the text, so an edit
changes nothing until ``newaliases`` rebuilds it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ...model import tok822

if TYPE_CHECKING:
    from ...agents.mta.params import MainCf
    from ...model.fs import VirtualFS

# Indexed map types and the file suffix of their database (util/dict_*.c).
SUFFIXES = {"hash": ".db", "btree": ".db", "lmdb": ".lmdb", "cdb": ".cdb"}
DEFAULT_TYPE = "hash"  # default_database_type
BLANKS = " \t\r\f\v"  # ISSPACE() without the newline that ends a line

# What a Red Hat style system ships (setup package /etc/aliases, first lines), used for a
# server the scenario gives no /etc/aliases: a real host always has one.
DEFAULT_ALIASES = """\
#
#  Aliases in this file will NOT be expanded in the header from
#  Mail, but WILL be visible over networks or from /bin/mail.
#
#	>>>>>>>>>>	The program "newaliases" must be run after
#	>> NOTE >>	this file is updated for any changes to
#	>>>>>>>>>>	show through to sendmail.
#

# Basic system aliases -- these MUST be present.
mailer-daemon:	postmaster
postmaster:	root
"""


@dataclass(frozen=True, slots=True)
class Entry:
    name: str  # folded to lower case
    value: str  # external form, as stored
    line: int  # first line of the logical line


@dataclass(slots=True)
class Parsed:
    entries: list[Entry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # without the "postalias: warning: "


def logical_lines(text: str, path: str, warnings: list[str]) -> Iterator[tuple[int, str]]:
    """readllines(): (first line number, joined text) for each logical line; a refused
    line adds its warning when it is reached, so warnings keep the file's order."""
    current: list[str] = []
    first = 0
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the text ended with a newline
    for number, line in enumerate(lines, start=1):
        stripped = line.lstrip(BLANKS)
        if not stripped or stripped.startswith("#"):
            continue  # comment and blank lines, also between continuation lines
        if line[0] in BLANKS and current:
            current.append(line)
            continue
        yield from _complete(first, current, path, warnings)
        current, first = [line], number
    yield from _complete(first, current, path, warnings)


def _complete(first: int, current: list[str], path: str,
              warnings: list[str]) -> Iterator[tuple[int, str]]:
    if not current:
        return
    text = "".join(current)
    if text[0] in BLANKS:  # continuing text with nothing before it: refused, not fatal
        shown = text[:30] + ("..." if len(text) > 30 else "")
        warnings.append(f'{path}: logical line must not start with whitespace: "{shown}"')
        return
    yield first, text


def parse(text: str, path: str = "/etc/aliases", db_path: str | None = None) -> Parsed:
    """The entries postalias would store, and the warnings it would print; ``db_path``
    names the database file in the duplicate-entry warning (dict_db.c)."""
    result = Parsed()
    seen: set[str] = set()
    for number, line in logical_lines(text, path, result.warnings):
        entry = _entry(line, number, path, result.warnings)
        if entry is None:
            continue
        if entry.name in seen:
            result.warnings.append(f'{db_path or path + SUFFIXES[DEFAULT_TYPE]}: '
                                   f'duplicate entry: "{entry.name}"')
            continue
        seen.add(entry.name)
        result.entries.append(entry)
    return result


def _entry(line: str, number: int, path: str, warnings: list[str]) -> Entry | None:
    tokens = tok822.scan(line)
    if not tokens:
        return None
    colon = next((i for i, t in enumerate(tokens) if t.type == ":"), None)
    if colon is None or colon == 0 or colon == len(tokens) - 1 \
            or any(t.type == "," for t in tokens[:colon]):
        warnings.append(f"{path}, line {number}: need name:value pair")
        return None
    if any(t.type in "@%" for t in tokens[:colon]):
        warnings.append(f"{path}, line {number}: name must be local and have no domain")
        return None
    key = tok822.internalize(_relinked(tokens[:colon]))
    value = tok822.externalize(_relinked(tokens[colon + 1:]))
    return Entry(key.lower(), value, number)


def _relinked(tokens: list[tok822.Token]) -> list[tok822.Token]:
    """A slice of the token list as a list of its own (tok822_cut_after())."""
    copies = [tok822.Token(t.type, t.text) for t in tokens]
    return tok822._link(copies)


# --- the indexed file ------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class MapName:
    """One ``type:name`` of alias_maps or alias_database."""

    type: str
    path: str  # the source file, e.g. /etc/aliases

    @property
    def db_path(self) -> str:
        return self.path + SUFFIXES[self.type]

    def __str__(self) -> str:
        return f"{self.type}:{self.path}"


def map_names(cf: MainCf, parameter: str) -> list[MapName]:
    """The indexed files named by alias_maps or alias_database (a name without a type
    is of default_database_type)."""
    out = []
    for item in cf.list(parameter):
        kind, sep, path = item.partition(":")
        if kind in ("proxy", "unix"):  # proxy:unix:passwd.byname is not an alias table
            continue
        out.append(MapName(kind, path) if sep else MapName(cf["default_database_type"], item))
    return out


def unsupported(value: str) -> str | None:
    """What is wrong with an alias_maps / alias_database value, for the scenario check."""
    for item in value.replace(",", " ").split():
        kind, sep, path = item.partition(":")
        if "$" in item:
            continue
        if sep and kind not in SUFFIXES:
            return (f"map type {kind!r} is not simulated (expected one of: "
                    f"{', '.join(SUFFIXES)}, e.g. hash:/etc/aliases)")
        if not (path if sep else item).startswith("/"):
            return f"expected an absolute file name like hash:/etc/aliases (got {item!r})"
    return None


def encode(entries: list[Entry]) -> bytes:
    """The database file: key\\0value\\0 records and the @:@ signature (postalias.c)."""
    pairs = [(e.name, e.value) for e in entries] + [("@", "@")]
    return b"".join(f"{k}\0{v}\0".encode() for k, v in pairs)


def decode(data: bytes) -> dict[str, str]:
    parts = data.decode("utf-8", "replace").split("\0")
    return {parts[i]: parts[i + 1] for i in range(0, len(parts) - 1, 2)}


@dataclass(frozen=True, slots=True)
class AliasDb:
    """One opened alias database, as local(8) or smtpd(8) sees it."""

    name: MapName
    table: dict[str, str] | None  # None: the file could not be opened
    owner: str  # the database file's owner: whose rights |command and /file get
    mtime: float
    error: str | None = None  # "open database /etc/aliases.db: No such file or directory"

    def get(self, key: str) -> str | None:
        if self.table is None or key == "@":
            return None
        return self.table.get(key.lower())


def open_db(fs: VirtualFS, name: MapName) -> AliasDb:
    vf = fs.stat(name.db_path)
    if vf is None:
        return AliasDb(name, None, "root", 0.0,
                       f"open database {name.db_path}: No such file or directory")
    return AliasDb(name, decode(bytes(vf.data)), vf.owner, vf.mtime)


def source_newer(fs: VirtualFS, db: AliasDb) -> bool:
    """Was the text file changed after the database was built?"""
    src = fs.stat(db.name.path)
    return db.table is not None and src is not None and src.mtime > db.mtime


def stale(fs: VirtualFS, db: AliasDb, now: float) -> bool:
    """dict_db.c: warn when the source is newer than the database, unless it changed in
    the last 100 seconds (an edit in progress)."""
    src = fs.stat(db.name.path)
    return source_newer(fs, db) and src is not None and src.mtime < now - 100


# --- postalias: building the indexed file ------------------------------------------------

@dataclass(frozen=True, slots=True)
class Built:
    warnings: list[str]  # "postalias: warning: ..." lines, without the prefix
    fatal: str | None = None  # "postalias: fatal: ...": nothing was written


def build(fs: VirtualFS, name: MapName, uid: int, user: str, now: float) -> Built:
    """postalias(1) for one map, run by ``user``: parse the text, write the database.

    Run as root, postalias works as the owner of the source file, so the database gets
    that owner (POSTALIAS_FLAG_AS_OWNER); its mode follows the source's read bits
    (POSTALIAS_FLAG_SAVE_PERM: umask 022 plus the source's missing group/other bits).
    SIMPLIFICATION: directories are not modelled; a user other than root may only
    rewrite an existing database file that is writable to them.
    """
    src = fs.stat(name.path)
    if src is None:
        return Built([], f"open {name.path}: No such file or directory")
    if uid != 0 and src.owner != user and not src.mode & 0o004:
        return Built([], f"open {name.path}: Permission denied")
    db = fs.stat(name.db_path)
    if uid != 0 and (db is None or not (db.owner == user and db.mode & 0o200
                                        or db.mode & 0o002)):
        what = f"open {name.db_path}" if db is not None else f"open database {name.db_path}"
        return Built([], f"{what}: Permission denied")
    parsed = parse(src.data.decode("utf-8", "replace"), name.path, name.db_path)
    owner = src.owner if uid == 0 else user
    mode = 0o644 & ~(0o022 | (~src.mode & 0o077))
    fs.write(name.db_path, encode(parsed.entries), owner, mode, now)
    return Built(parsed.warnings)


def install(fs: VirtualFS, cf: MainCf) -> None:
    """A server as the lab finds it: /etc/aliases (the scenario's, or the system's
    default) already compiled by an earlier newaliases."""
    for name in map_names(cf, "alias_database"):
        if name.path == "/etc/aliases" and not fs.exists(name.path):
            fs.write(name.path, DEFAULT_ALIASES.encode(), "root", 0o644)
        if fs.exists(name.path) and not fs.exists(name.db_path):
            build(fs, name, 0, "root", 0.0)
