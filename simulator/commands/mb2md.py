"""mb2md(1): convert an mbox mailbox into a Maildir, inside the host's virtual filesystem.

Modelled on mb2md 3.20 (mb2md.pl, the version Dovecot's wiki ships; public domain; its
inner loop comes from qmail's mbox2maildir script):

- ``mb2md -m``: the source is the user's spool file ($MAIL, else /var/spool/mail/NAME,
  else /var/mail/NAME); ``mb2md -s FILE``: an mbox file, relative to the home directory
  unless it starts with "/"; ``-d DEST``: the Maildir (default ``Maildir`` in the home
  directory). DEST and its tmp/ new/ cur/ are made if missing (maildirmake()).
- It prints ``Converting SRC to maildir: DEST``, ``Source Mbox is SRC``, ``Target Maildir
  is DEST `` (with that trailing space) and, at the end, ``N messages.`` and a blank line.
- A message starts at a ``From `` line at the start of the file or after an empty line.
  Each one becomes the file ``cur/TIME.NNNNNN.mbox:2,FLAGS`` (TIME: the moment mb2md
  started; NNNNNN: the message's number from 000000), in ``new/`` unless its Status: had
  O (old, already seen by the reader); the flags come from Status:/X-Status: letters
  F -> F, A -> R, R -> S, D -> T (Maildir's info, in that order). Status:, X-Status: and
  the From_ line are not copied; ``>From `` at the start of a body line loses one ``>``.
  The file's time is the From_ line's date (utime()).
- ``-S`` adds ``,S=SIZE`` before the colon (Maildir++), ``-W`` adds ``,W=`` the size with
  CRLF line ends.
- A file whose first line does not start with "From" is ``Skipping SRC: not a mbox file``.
- The mbox is left as it was: mb2md never deletes or truncates the source.

SIMPLIFICATION: a source directory (``-s DIR``, ``-R``, ``-f``, ``-l``, ``-r``) and the
options -c, -K, -U, -u are not modelled (the command says so, exit status 2); perl's
``at /usr/bin/mb2md line N.`` after a die() message is left out; the date of a From_ line
is read in asctime() form only.
"""

from __future__ import annotations

import getopt
from datetime import datetime
from typing import TYPE_CHECKING

from ..model.fs import normalise
from ..model.trace import Hop
from . import CommandResult, Invocation, command

if TYPE_CHECKING:
    from ..model.fs import VirtualFS

USAGE = ("Usage:\n"
         "       mb2md -h\n"
         "       mb2md [-c] [-K] [-U|-u] [-S] [-W] -m [-d destdir]\n"
         "       mb2md [-c] [-K] [-U|-u] [-S] [-W] -s sourcefile [-d destdir]\n"
         "       mb2md [-c] [-K] [-U|-u] [-S] [-W] -s sourcedir [-l wu-mailboxlist] "
         "[-R|-f somefolder] [-d destdir] [-r strip_extension]\n")
EXIT_DIE = 2  # perl's die() exits with $!; the failed -f/-d tests left ENOENT (2) there
NOT_MODELLED = "cRfKUulr"
_DROPPED = ("Status: ", "X-Status: ")
_FLAGS = (("F", "F"), ("A", "R"), ("R", "S"), ("D", "T"))  # mbox letter -> Maildir info


@command("mb2md", "/usr/bin/mb2md")
def mb2md(inv: Invocation) -> CommandResult:
    try:
        pairs, _ = getopt.getopt(inv.argv[1:], "d:f:chms:r:l:RUuKSW")  # mb2md.pl getopts()
    except getopt.GetoptError as exc:
        return CommandResult(f"Unknown option: {exc.opt}\n{USAGE}", 255)
    opts = dict(pairs)
    if "-h" in opts or ("-m" not in opts and "-s" not in opts):
        return CommandResult(USAGE, 255)
    unmodelled = [o for o in opts if o[1] in NOT_MODELLED]
    if unmodelled:
        return CommandResult(f"mb2md: option {unmodelled[0]} is not modelled by mailsim\n",
                             EXIT_DIE)
    source = _source(inv, opts)
    if source.startswith(("I searched", "Fatal")):
        return CommandResult(source, EXIT_DIE)
    dest = opts.get("-d", "Maildir")
    dest = normalise(dest if dest.startswith("/") else f"{inv.user.home}/{dest}").rstrip("/")
    return _convert(inv, source, dest, "-S" in opts, "-W" in opts)


def _source(inv: Invocation, opts: dict[str, str]) -> str:
    """The mbox file to read, or the die() message when there is none."""
    fs, name = inv.host.fs, inv.user.name
    if "-m" in opts:
        for path in (f"/var/spool/mail/{name}", f"/var/mail/{name}"):
            if fs.exists(path):
                return path
        return (f"I searched $MAIL, /var/spool/mail/{name} and /var/mail/{name}, but I "
                "couldn't find your mail spool file - \n")
    given = opts["-s"]
    path = normalise(given if given.startswith("/") else f"{inv.user.home}/{given}")
    if fs.exists(path):
        return path
    if fs.is_dir(path):
        return "Fatal: mb2md -s DIR (a directory of mboxes) is not modelled by mailsim\n"
    return "Fatal: Source is not an mbox file or a directory!\n"


def _convert(inv: Invocation, source: str, dest: str, size: bool, wsize: bool
             ) -> CommandResult:
    fs, owner = inv.host.fs, inv.user.name
    for sub in ("", "/tmp", "/new", "/cur"):  # maildirmake(): mkdir 0770 (umask 022)
        fs.mkdir(dest + sub)
    data = (fs.read(source) or b"").replace(b"\r\n", b"\n")
    if data and not data.startswith(b"From"):  # isamailboxfile()
        return CommandResult(f"Skipping {source}: not a mbox file\n", 0)
    started = int(inv.host.world.engine.clock.at(inv.host.world.engine.now).timestamp())
    names = []
    for number, (when, text, flags) in enumerate(split_mbox(data.decode("utf-8", "replace"))):
        names.append(_store(fs, dest, owner, started, number, text, flags, when, size, wsize))
    _trace(inv, source, dest, names)
    out = (f"Converting {source} to maildir: {dest}\nSource Mbox is {source}\n"
           f"Target Maildir is {dest} \n{len(names)} messages.\n\n")
    return CommandResult(out, 0)


def split_mbox(text: str) -> list[tuple[float | None, str, str]]:
    """(From_ line date, message text as mb2md writes it, Status/X-Status letters) for each
    message: a From_ line counts at the start or after an empty line."""
    out: list[tuple[float | None, str, str]] = []
    previous_empty, in_headers = True, False
    for line in text.splitlines(keepends=True):
        if line.startswith("From ") and previous_empty:
            out.append((_from_date(line), "", ""))
            in_headers, previous_empty = True, False
            continue
        if not out:
            previous_empty = line == "\n"
            continue  # text before the first From_ line belongs to no message
        when, body, flags = out[-1]
        if in_headers and line == "\n":
            in_headers = False
        if in_headers:
            for prefix in _DROPPED:
                if line.startswith(prefix):
                    flags += "".join(c for c in line[len(prefix):].strip() if c.isupper())
                    break
            else:
                body += line
        else:
            body += "From " + line[6:] if line.startswith(">From ") else line
        out[-1] = (when, body, flags)
        previous_empty = line == "\n"
    return out


def _from_date(line: str) -> float | None:
    """The asctime() date at the end of ``From sender Wed Apr  1 09:00:00 2026``."""
    words = line.split()
    try:
        return datetime.strptime(" ".join(words[-5:]), "%a %b %d %H:%M:%S %Y").timestamp()
    except ValueError:
        return None


def maildir_name(started: int, number: int, flags: str) -> str:
    """``cur/TIME.NNNNNN.mbox:2,FRST`` (``new/`` unless the reader had seen it: O)."""
    where = "cur" if "O" in flags else "new"
    info = "".join(out for letter, out in _FLAGS if letter in flags)
    return f"{where}/{started}.{number:06d}.mbox:2,{info}"


def _store(fs: VirtualFS, dest: str, owner: str, started: int, number: int, text: str,
           flags: str, when: float | None, size: bool, wsize: bool) -> str:
    name = maildir_name(started, number, flags)
    raw = text.encode("utf-8")
    crlf = len(raw) + raw.count(b"\n")  # RFC822.SIZE: every LF sent as CRLF
    tags = (f",S={len(raw)}" if size else "") + (f",W={crlf}" if wsize else "")
    name = name.replace(":2,", f"{tags}:2,", 1)
    fs.write(f"{dest}/{name}", raw, owner, 0o644, when or 0.0)
    return name


def _trace(inv: Invocation, source: str, dest: str, names: list[str]) -> None:
    """The conversion hop: which mbox became which Maildir files."""
    world = inv.host.world
    seen = sum(1 for n in names if n.startswith("cur/"))
    detail = (f"mb2md converted {source} into {dest}/: {len(names)} message(s), "
              f"{seen} already read in cur/, {len(names) - seen} in new/; {source} is "
              f"left as it was")
    world.trace.add(Hop(world.engine.now, None, None, inv.host.name, "mb2md", inv.host.name,
                        "Maildir", None, None, "mb2md", None, detail, None,
                        (("source", source), ("dest", dest), ("host", inv.host.name))))
