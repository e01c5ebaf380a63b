"""cat(1) and ls(1) (GNU coreutils) on a simulated host: look at mailbox files.

Enough of both to compare an mbox with a Maildir in a lab: ``cat FILE...``, ``ls [-l]
[-a] [PATH...]`` with GNU's messages (``No such file or directory``, ``Permission
denied``) and its layout (names in columns on an 80-column terminal; ``-l`` with
``total``, mode, links, owner, group, size and ``%b %e %H:%M`` dates).
"""

from __future__ import annotations

import math
import stat as st

from ..model.fs import resolve
from . import CommandResult, Invocation, command

WIDTH = 80


def _readable(inv: Invocation, path: str) -> bool:
    f = inv.host.fs.stat(path)
    if f is None or inv.user.uid == 0:
        return True
    # SIMPLIFICATION: groups are the users' private groups, so only owner and other count
    return bool(f.mode & 0o400) if f.owner == inv.user.name else bool(f.mode & 0o004)


@command("cat", "/bin/cat", "/usr/bin/cat")
def cat(inv: Invocation) -> CommandResult:
    out, status = [], 0
    # "With no FILE, or when FILE is -, read standard input." (cat(1))
    for path in [a for a in inv.argv[1:] if not a.startswith("-") or a == "-"] or ["-"]:
        if path == "-":
            out.append(inv.stdin)
            continue
        full = _absolute(inv, path)
        data = inv.host.fs.read(full)
        if data is None:
            why = "Is a directory" if inv.host.fs.is_dir(full) else "No such file or directory"
            out.append(f"cat: {path}: {why}\n")
            status = 1
        elif not _readable(inv, full):
            out.append(f"cat: {path}: Permission denied\n")
            status = 1
        else:
            out.append(data.decode("utf-8", "replace"))
    return CommandResult("".join(out), status)


@command("ls", "/bin/ls", "/usr/bin/ls")
def ls(inv: Invocation) -> CommandResult:
    """GNU ls: errors first, then the file operands together (sorted, one set of column
    widths), then each directory operand."""
    flags = "".join(a[1:] for a in inv.argv[1:] if a.startswith("-") and len(a) > 1)
    paths = [a for a in inv.argv[1:] if not a.startswith("-")] or ["."]
    long, everything = "l" in flags, "a" in flags
    out, status, files, dirs = [], 0, [], []
    for path in paths:
        full = _absolute(inv, path)
        if inv.host.fs.stat(full) is not None:
            files.append((path, full))
        elif inv.host.fs.is_dir(full):
            dirs.append((path, full))
        else:
            out.append(f"ls: cannot access '{path}': No such file or directory\n")
            status = 2
    blocks = [_lines(inv, sorted(files), long)] if files else []
    for path, full in sorted(dirs):
        names = [n for n in inv.host.fs.listdir(full) if everything or not n.startswith(".")]
        entries = [(n, f"{full.rstrip('/')}/{n}") for n in names]
        if everything:
            entries = [(".", full), ("..", full.rsplit("/", 1)[0] or "/")] + entries
        head = f"{path}:\n" if len(paths) > 1 else ""
        total = f"total {sum(_kblocks(inv, p) for _, p in entries)}\n" if long else ""
        blocks.append(head + total + _lines(inv, entries, long))
    return CommandResult("".join(out) + "\n".join(b for b in blocks if b), status)


def _absolute(inv: Invocation, path: str) -> str:
    return resolve(inv.user.home, path)  # the shell starts in the user's home


def _lines(inv: Invocation, entries: list[tuple[str, str]], long: bool) -> str:
    if not entries:
        return ""
    if not long:
        return _columns([name for name, _ in entries])
    rows = [_long_fields(inv, name, path) for name, path in entries]
    width = [max(len(r[i]) for r in rows) for i in range(5)]
    return "".join(f"{mode} {links:>{width[1]}} {owner:<{width[2]}} {group:<{width[3]}} "
                   f"{size:>{width[4]}} {date} {name}\n"
                   for mode, links, owner, group, size, date, name in rows)


def _long_fields(inv: Invocation, name: str,
                 path: str) -> tuple[str, str, str, str, str, str, str]:
    """mode, links, owner, group, size, date, name (``name -> target`` for a link)."""
    fs, clock = inv.host.fs, inv.host.world.engine.clock
    f = fs.stat(path)
    group = None
    if f is not None and f.link is not None:
        mode, links, owner, size, mtime = st.S_IFLNK | 0o777, 1, f.owner, len(f.link), f.mtime
        name, group = f"{name} -> {f.link}", f.group
    elif f is not None:
        mode, links, owner, size, mtime = st.S_IFREG | f.mode, 1, f.owner, len(f.data), f.mtime
        group = f.group
    else:  # a directory: owned like what it holds; Maildir's are made 0700 by local(8)
        inside = [fs.stat(p) for p in fs.under(path)]
        owner = next((x.owner for x in inside if x is not None), "root")
        sub = [n for n in fs.listdir(path) if fs.stat(f"{path.rstrip('/')}/{n}") is None]
        maildir = "/Maildir" in path
        mode, links, size = st.S_IFDIR | (0o700 if maildir else 0o755), 2 + len(sub), 4096
        mtime = max((x.mtime for x in inside if x is not None), default=0.0)
    moment = clock.at(mtime)
    date = f"{moment:%b} {moment.day:2d} {moment:%H:%M}"
    return st.filemode(mode), str(links), owner, group or owner, str(size), date, name


def _kblocks(inv: Invocation, path: str) -> int:
    f = inv.host.fs.stat(path)
    return 4 if f is None else 4 * math.ceil(len(f.data) / 4096)


def _columns(names: list[str]) -> str:
    """GNU ls on a terminal: the most columns that fit, filled top to bottom."""
    for cols in range(len(names), 0, -1):
        rows = math.ceil(len(names) / cols)
        grid = [names[c * rows:(c + 1) * rows] for c in range(cols)]
        grid = [col for col in grid if col]
        widths = [max(len(n) for n in col) + 2 for col in grid]
        if sum(widths) - 2 <= WIDTH or cols == 1:
            lines = []
            for r in range(rows):
                cells = [(col[r], w) for col, w in zip(grid, widths) if r < len(col)]
                lines.append("".join(n.ljust(w) for n, w in cells[:-1]) + cells[-1][0])
            return "\n".join(lines) + "\n"
    return ""
