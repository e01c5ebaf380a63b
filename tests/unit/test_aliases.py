"""aliases(5) as postalias(1) reads it, and the database it builds (agents/mda/aliases.py).

Warnings are compared word for word with Postfix's (postalias.c, readlline.c, dict_db.c):
they name the file and the first line of the logical line, and a bad entry never stops
the rest from being built.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.agents.mda import aliases
from simulator.model.fs import VirtualFS

SAMPLE = """\
# comment
mailer-daemon:	postmaster
Postmaster: root

team: bob,
  carol,
# a comment between continuation lines does not end the entry
\tdave
"john smith": john
cmd: "|/usr/bin/vacation alice", /var/log/all
inc: :include:/etc/mail/list
"""


def names(text: str) -> dict[str, str]:
    return {e.name: e.value for e in aliases.parse(text).entries}


def test_sample() -> None:
    parsed = aliases.parse(SAMPLE)
    assert parsed.warnings == []
    assert [(e.name, e.value, e.line) for e in parsed.entries] == [
        ("mailer-daemon", "postmaster", 2),
        ("postmaster", "root", 3),  # names are folded to lower case
        ("team", "bob, carol, dave", 5),  # continuation lines, the first line's number
        ("john smith", "john", 9),  # a quoted name is stored unquoted
        ("cmd", '"|/usr/bin/vacation alice", /var/log/all', 10),  # values stay quoted
        ("inc", ":include:/etc/mail/list", 11),
    ]


@pytest.mark.parametrize("line, warning", [
    ("bad line", "need name:value pair"),
    ("nocolon   ", "need name:value pair"),
    (": value", "need name:value pair"),  # no name
    ("name:", "need name:value pair"),  # no value
    ("name:   ", "need name:value pair"),
    ("a, b: c", "need name:value pair"),  # a comma before the colon
    ("bob@example.org: bob", "name must be local and have no domain"),
    ("bob%example.org: bob", "name must be local and have no domain"),
])
def test_bad_lines_are_skipped_with_postfix_warnings(line: str, warning: str) -> None:
    parsed = aliases.parse(f"root: alice\n{line}\nteam: bob\n")
    assert parsed.warnings == [f"/etc/aliases, line 2: {warning}"]
    assert [e.name for e in parsed.entries] == ["root", "team"]


def test_a_quoted_name_may_hold_specials() -> None:
    assert names('"a@b": x\n') == {"a@b": "x"}


def test_continuation_without_a_line_before_it() -> None:
    parsed = aliases.parse("  orphan: x\n\tmore\nroot: alice\n")
    assert parsed.warnings == [
        '/etc/aliases: logical line must not start with whitespace: "  orphan: x\tmore"']
    assert names("  orphan: x\nroot: alice\n") == {"root": "alice"}


def test_the_warning_shows_at_most_30_characters() -> None:
    (warning,) = aliases.parse(" " + "x" * 40 + "\n").warnings
    assert warning.endswith('"' + " " + "x" * 29 + '..."')


def test_duplicate_names_keep_the_first_and_warn() -> None:
    parsed = aliases.parse("root: alice\nROOT: bob\n", "/etc/aliases", "/etc/aliases.db")
    assert parsed.warnings == ['/etc/aliases.db: duplicate entry: "root"']
    assert names("root: alice\nROOT: bob\n") == {"root": "alice"}


def test_line_numbers_count_comments_and_blank_lines() -> None:
    parsed = aliases.parse("\n# c\n\nroot alice\n")
    assert parsed.warnings == ["/etc/aliases, line 4: need name:value pair"]


def test_no_final_newline_and_crlf() -> None:
    assert names("root: alice") == {"root": "alice"}
    assert names("root: alice\r\nteam: bob\r\n") == {"root": "alice", "team": "bob"}


def test_database_round_trip_with_the_sendmail_signature() -> None:
    parsed = aliases.parse(SAMPLE)
    data = aliases.encode(parsed.entries)
    assert data.endswith(b"@\0@\0")
    table = aliases.decode(data)
    assert table["team"] == "bob, carol, dave" and table["@"] == "@"


def test_lookups_fold_case_and_ignore_the_signature() -> None:
    fs = VirtualFS()
    fs.write("/etc/aliases", b"root: alice\n")
    name = aliases.MapName("hash", "/etc/aliases")
    assert aliases.build(fs, name, 0, "root", 5.0) == aliases.Built([])
    db = aliases.open_db(fs, name)
    assert db.get("ROOT") == "alice" and db.get("@") is None and db.mtime == 5.0


def test_build_as_root_gives_the_database_the_source_owner_and_read_bits() -> None:
    fs = VirtualFS()
    fs.write("/etc/aliases", b"root: alice\n", owner="alice", mode=0o640)
    aliases.build(fs, aliases.MapName("hash", "/etc/aliases"), 0, "root", 1.0)
    db = fs.stat("/etc/aliases.db")
    assert db is not None and (db.owner, oct(db.mode)) == ("alice", "0o640")


@pytest.mark.parametrize("setup, fatal", [
    ({}, "open /etc/aliases: No such file or directory"),
    ({"/etc/aliases": ("root", 0o600)}, "open /etc/aliases: Permission denied"),
    ({"/etc/aliases": ("root", 0o644)}, "open database /etc/aliases.db: Permission denied"),
    ({"/etc/aliases": ("root", 0o644), "/etc/aliases.db": ("root", 0o644)},
     "open /etc/aliases.db: Permission denied"),
])
def test_build_refusals(setup: dict[str, tuple[str, int]], fatal: str) -> None:
    fs = VirtualFS()
    for path, (owner, mode) in setup.items():
        fs.write(path, b"root: alice\n", owner=owner, mode=mode)
    built = aliases.build(fs, aliases.MapName("hash", "/etc/aliases"), 1000, "alice", 1.0)
    assert built.fatal == fatal


def test_missing_database() -> None:
    db = aliases.open_db(VirtualFS(), aliases.MapName("hash", "/etc/aliases"))
    assert db.table is None
    assert db.error == "open database /etc/aliases.db: No such file or directory"


def test_staleness_waits_100_seconds() -> None:
    fs = VirtualFS()
    name = aliases.MapName("hash", "/etc/aliases")
    fs.write("/etc/aliases", b"root: alice\n", mtime=0.0)
    aliases.build(fs, name, 0, "root", 0.0)
    fs.write("/etc/aliases", b"root: bob\n", mtime=60.0)
    db = aliases.open_db(fs, name)
    assert aliases.source_newer(fs, db)
    assert not aliases.stale(fs, db, 150.0) and aliases.stale(fs, db, 161.0)


def test_map_type_checks() -> None:
    assert aliases.unsupported("hash:/etc/aliases, lmdb:/etc/postfix/aliases") is None
    assert "not simulated" in (aliases.unsupported("nis:mail.aliases") or "")
    assert "absolute" in (aliases.unsupported("hash:etc/aliases") or "")


def test_a_lone_trailing_backslash_is_an_empty_value_as_postalias_stores_it() -> None:
    parsed = aliases.parse("a:\\\n")
    assert [(e.name, e.value) for e in parsed.entries] == [("a", "")] and not parsed.warnings


LINES = st.lists(st.text(alphabet=st.sampled_from(list('ab :,@%"#\\|\t()<>')), max_size=20),
                 max_size=8)


@given(LINES)
def test_the_parser_never_crashes_and_warns_with_file_and_line(lines: list[str]) -> None:
    parsed = aliases.parse("\n".join(lines) + "\n")
    for warning in parsed.warnings:
        assert warning.startswith("/etc/aliases")
    for entry in parsed.entries:
        # the value may be empty: a lone trailing backslash is an atom with no text
        # (tok822_parse.c COLLECT), and postalias stores what it externalizes to
        assert entry.name == entry.name.lower() and isinstance(entry.value, str)
        assert 1 <= entry.line <= len(lines)
    assert len({e.name for e in parsed.entries}) == len(parsed.entries)
