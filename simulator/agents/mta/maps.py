"""Postfix lookup tables (postconf(5) "type:name", postmap(1), access(5)) in a host's files.

``hash:/etc/postfix/access`` and ``btree:/etc/mail/dracd`` are Berkeley DB files
``/etc/postfix/access.db`` and ``/etc/mail/dracd.db``: Postfix reads the .db, never the
text, so an edit to the text takes effect only after ``postmap``; rpc.dracd writes its .db
directly. ``static:VALUE`` answers VALUE to every key.

SIMPLIFICATION: a .db file holds ``key<TAB>value`` lines (sorted) instead of Berkeley DB
pages; what is in it, and when it changes, is modelled, not the file format.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .restrictions import TableError

if TYPE_CHECKING:
    from ...model.fs import VirtualFS

DB_TYPES = ("hash", "btree")


def db_path(table: str) -> str:
    """The file a hash: or btree: table reads: its name plus ".db" (dict_db.c)."""
    kind, _, name = table.partition(":")
    if kind not in DB_TYPES:
        raise TableError(f"unsupported dictionary type: {kind}")
    return name + ".db"


def lookup(fs: VirtualFS, table: str, key: str) -> str | None:
    """The value for ``key`` (keys are looked up in lower case, DICT_FLAG_FOLD_FIX), or None;
    TableError when the table cannot be opened."""
    kind, _, name = table.partition(":")
    if kind == "static":
        return name
    data = fs.read(db_path(table))
    if data is None:
        raise TableError(f"open database {db_path(table)}: No such file or directory")
    return read_db(data).get(key.lower())


def read_db(data: bytes) -> dict[str, str]:
    out = {}
    for line in data.decode("utf-8", "replace").splitlines():
        key, sep, value = line.partition("\t")
        if sep:
            out[key] = value
    return out


def render_db(entries: dict[str, str]) -> bytes:
    return "".join(f"{k}\t{v}\n" for k, v in sorted(entries.items())).encode()


def parse_source(text: str) -> tuple[dict[str, str], list[tuple[int, str]]]:
    """postmap(1) input: ``key whitespace value``; blank lines and ``#`` comments are
    ignored; a line that starts with white space continues the previous one. Keys are
    folded to lower case. Returns the entries and (line number, warning) pairs."""
    entries: dict[str, str] = {}
    warnings: list[tuple[int, str]] = []
    logical: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line[0] in " \t" and logical:
            first, previous = logical[-1]
            logical[-1] = (first, previous + " " + line.strip())
        else:
            logical.append((number, line.strip()))
    for number, line in logical:
        parts = re.split(r"\s+", line, maxsplit=1)
        if len(parts) < 2:
            warnings.append((number, "expected format: key whitespace value"))
            continue
        entries[parts[0].lower()] = parts[1].strip()
    return entries, warnings
