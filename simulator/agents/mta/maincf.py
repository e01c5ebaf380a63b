"""/etc/postfix/main.cf as a file in the host's filesystem: read, edited, reloaded.

postconf(5) syntax: ``name = value`` lines; a line that starts with white space continues
the one before; blank lines and lines whose first non-blank character is ``#`` are
comments (a ``#`` later on a line is part of the value). The last setting of a name wins.

The running daemons do not read the file again by themselves: what ``postconf -e`` writes
takes effect at ``postfix reload`` (or a start), when master(8) re-reads main.cf and its
children are replaced (postfix(1), master(8)). So the file and the running configuration
(``host.cf``) are two things here too.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ...model.fs import VirtualFS

MAIN_CF = "/etc/postfix/main.cf"
_SETTING = re.compile(r"([A-Za-z0-9_]+)\s*=\s*(.*)", re.DOTALL)


def main_cf_text(settings: dict[str, str]) -> str:
    """The file a lab's ``mta:`` settings stand for.

    SIMPLIFICATION: a distribution's main.cf carries a few dozen settings and many comment
    lines; here it holds only what the lab sets, in the lab's order."""
    head = "# See /usr/share/postfix/main.cf.dist for a commented, more complete version\n\n"
    return head + "".join(f"{name} = {value}\n" for name, value in settings.items())


def logical_lines(text: str) -> list[tuple[int, int, str]]:
    """(first line index, last line index, joined text) of each setting (config.c
    readlline(): continuation lines are joined with one space)."""
    out: list[tuple[int, int, str]] = []
    for i, line in enumerate(text.split("\n")):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line[0] in " \t" and out:
            start, _, joined = out[-1]
            out[-1] = (start, i, joined + " " + line.strip())
        else:
            out.append((i, i, line.strip()))
    return out


def parse(text: str) -> tuple[dict[str, str], list[str]]:
    """The settings (the last one of a name wins) and the lines that are not settings."""
    settings: dict[str, str] = {}
    bad: list[str] = []
    for _, _, line in logical_lines(text):
        found = _SETTING.fullmatch(line)
        if found is None:
            bad.append(line)
            continue
        settings.pop(found[1], None)  # keep the file's order of the last settings
        settings[found[1]] = found[2].rstrip()
    return settings, bad


def read(fs: VirtualFS) -> dict[str, str]:
    data = fs.read(MAIN_CF)
    return parse(data.decode("utf-8", "replace"))[0] if data is not None else {}


def edit(text: str, changes: dict[str, str]) -> str:
    """postconf -e (postconf_edit.c): a name already set is replaced where it stands
    (with its continuation lines; every entry of it), new ones are added at the end in
    name order."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    todo = dict(changes)
    replaced: dict[int, tuple[int, str]] = {}
    for start, end, joined in logical_lines(text):
        found = _SETTING.fullmatch(joined)
        if found is not None and found[1] in changes:
            replaced[start] = (end, f"{found[1]} = {changes[found[1]]}")
            todo.pop(found[1], None)
    out: list[str] = []
    skip_to = -1
    for i, line in enumerate(lines):
        if i <= skip_to:
            continue
        if i in replaced:
            skip_to, new = replaced[i]
            out.append(new)
        else:
            out.append(line)
    out += [f"{name} = {todo[name]}" for name in sorted(todo)]  # new ones sorted
    return "\n".join(out) + "\n"
