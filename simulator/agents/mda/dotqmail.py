"""Models qmail-local(8) and dot-qmail(5): final delivery on a qmail host.

Read from netqmail 1.06 qmail-local.c, qmail-getpw.c and dot-qmail(5):

- The address ``local@domain`` belongs to the longest prefix of ``local`` (cut at a ``-``)
  that is a user with a uid other than 0; what follows the ``-`` is the extension:
  ``alice-list`` is user alice with extension ``list`` (qmail-getpw.c). Anything else,
  root included, belongs to the ``alias`` user (home /var/qmail/alias) with the whole
  local part as its extension: mail for postmaster is ~alias/.qmail-postmaster.
- The file is ``.qmail`` for no extension, else ``.qmail-EXT`` (lower case, ``.`` turned
  into ``:``), then ``.qmail-A-default`` ... ``.qmail-default`` (qmesearch()).
- No file: with no extension the default delivery (qmail-start's argument, the
  ``aliasempty``: ./Mailbox for /var/qmail/boot/home); with one, the mail bounces ``Sorry,
  no mailbox here by that name. (#5.1.1)``. A file of 0 bytes is the default delivery too.
- A world-writable file defers: ``Uh-oh: .qmail file is writable. (#4.7.0)``; a file with
  the owner's x bit is forward-only (``Uh-oh: .qmail has file delivery but has x bit
  set. (#4.7.0)``).
- Each line, trailing blanks removed: ``#`` a comment; ``.`` or ``/`` a file, a Maildir when
  it ends in ``/``, an mbox otherwise (``./Mailbox`` is relative to the home directory);
  ``|command`` a program; ``&address`` or any other line an address to forward to. A blank
  first line defers (``Uh-oh: first line of .qmail file is blank. (#4.2.1)``).
- Forwarded mail is always a new message (qmail-queue, ``invoked by uid N``), never
  delivered in the same run; a file that only has comments delivers nothing at all
  (qmail-local prints ``did 0+0+0``).
- There is no /etc/aliases without the fastforward package, and no \\user.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from .expansion import Attr, Expansion, Rights, may_read

if TYPE_CHECKING:
    from ...host import User

ALIAS_HOME = "/var/qmail/alias"  # conf-users: the alias user's home directory
ALIAS_UID = 7790  # SIMPLIFICATION: a uid for the alias user (real systems pick one)
NO_MAILBOX = "Sorry, no mailbox here by that name. (#5.1.1)"
LOOPING = "This message is looping: it already has my Delivered-To line. (#5.4.6)"


def owner_of(users: dict[str, User], local: str) -> tuple[str | None, str, str]:
    """qmail-getpw: (user or None for alias, dash, extension)."""
    cut = len(local)
    while cut > 0:
        name = local[:cut]
        user = users.get(name)
        if user is not None and user.uid != 0:
            return name, ("-" if cut < len(local) else ""), local[cut + 1:]
        cut = local.rfind("-", 0, cut)
    return None, "-", local


def candidates(dash: str, ext: str) -> list[str]:
    """qmesearch(): ``.qmail-EXT``, then each ``-default`` from the longest prefix."""
    safe = ext.lower().replace(".", ":")
    names = [f".qmail{dash}{safe}"]
    if dash:
        names += [f".qmail{dash}{safe[:i]}default" for i in range(len(safe), -1, -1)
                  if i == 0 or safe[i - 1] == "-"]
    return names


def deliver(exp: Expansion, attr: Attr, rights: Rights) -> None:
    """One local address on a qmail host, from qmail-getpw to the last .qmail line."""
    name, dash, ext = owner_of(exp.facts.users, attr.local)
    user = exp.facts.users.get(name) if name else None
    home = user.home if user else ALIAS_HOME
    rights = Rights(user.uid, user.name, home) if user else Rights(ALIAS_UID, "alias", home)
    attr = replace(attr, delivered=attr.address, owner=name or "alias")
    path = next((f"{home.rstrip('/')}/{n}" for n in candidates(dash, ext)
                 if exp.facts.fs.exists(f"{home.rstrip('/')}/{n}")), None)
    if path is None:
        if dash:
            exp.step("dotqmail", attr, f"no {home}/{candidates(dash, ext)[0]} (nor a -default "
                                       "file): qmail-local has no mailbox for it")
            exp.bounce(attr, "5.1.1", NO_MAILBOX)
            return
        _default(exp, attr, rights, user, f"{home}/.qmail does not exist")
        return
    text = _read(exp, attr, rights, path)
    if text is None:
        return
    if not text:
        _default(exp, attr, rights, user, f"{path} is empty (0 bytes)")
        return
    forward_only = bool(exp.facts.fs.stat(path).mode & 0o100)  # type: ignore[union-attr]
    node = exp.step("dotqmail", attr, f"{path}: "
                    + " | ".join(x.rstrip() for x in text.splitlines() if x.strip()))
    _lines(exp, replace(attr, node=node), rights, text.split("\n"), forward_only, user)


def _read(exp: Expansion, attr: Attr, rights: Rights, path: str) -> str | None:
    vf = exp.facts.fs.stat(path)
    assert vf is not None
    name = path.rsplit("/", 1)[-1]
    if vf.mode & 0o002:  # auto_patrn (conf-patrn 002)
        exp.bounce(attr, "4.7.0", "Uh-oh: .qmail file is writable. (#4.7.0)")
        return None
    if not may_read(exp.facts, vf.owner, vf.mode, rights.uid):
        exp.bounce(attr, "4.3.0", f"Unable to open {name}: access denied. (#4.3.0)")
        return None
    return vf.data.decode("utf-8", "replace")


def _default(exp: Expansion, attr: Attr, rights: Rights, user: User | None,
             why: str) -> None:
    """aliasempty: the default delivery of qmail-start (here: the host's mailbox)."""
    if user is None:  # the alias user has no mailbox of its own
        exp.bounce(attr, "5.1.1", NO_MAILBOX)
        return
    path = exp.facts.mailbox_path(user)
    exp.step("dotqmail_default", attr, f"{why}: the default delivery "
                                       f"({_relative(path, user.home)}) is used")
    kind = "maildir" if path.endswith("/") else "mailbox"
    exp.leaf(kind, attr, "sent", "2.0.0", f"delivered to {kind}", path, rights)


def _relative(path: str, home: str) -> str:
    prefix = home.rstrip("/") + "/"
    return "./" + path[len(prefix):] if path.startswith(prefix) else path


def _lines(exp: Expansion, attr: Attr, rights: Rights, lines: list[str],
           forward_only: bool, user: User | None) -> None:
    if lines and lines[-1] == "":
        lines = lines[:-1]  # the newline that ends the last line
    done = 0
    for i, raw in enumerate(lines):
        line = raw.rstrip(" \t")
        if not line:
            if i == 0:
                exp.bounce(attr, "4.2.1", "Uh-oh: first line of .qmail file is blank. (#4.2.1)")
                return
            continue
        if line[0] == "#" or line == "+list":
            continue
        if line[0] in "./|" and forward_only:
            what = "prog" if line[0] == "|" else "file"
            exp.bounce(attr, "4.7.0", f"Uh-oh: .qmail has {what} delivery but has x bit "
                                      "set. (#4.7.0)")
            return
        done += 1
        _one(exp, attr, rights, line, user)
    if not done:
        exp.step("dotqmail_nothing", attr, "every line is a comment: qmail-local delivers "
                                           "the message nowhere (did 0+0+0)")
        exp.leaf("empty", attr, "sent", "2.0.0", ".qmail lists no delivery (did 0+0+0)")


def _one(exp: Expansion, attr: Attr, rights: Rights, line: str, user: User | None) -> None:
    home = rights.home or "/"
    if line[0] in "./":
        path = home.rstrip("/") + line[1:] if line.startswith("./") else line
        mine = user is not None and path == exp.facts.mailbox_path(user)
        kind = ("maildir" if path.endswith("/") else "mailbox") if mine else "file"
        what = "maildir" if path.endswith("/") else "mbox"
        exp.leaf(kind, attr, "sent", "2.0.0", f"delivered to {what} {line}", path, rights)
    elif line[0] == "|":  # SIMPLIFICATION: recorded, never run (leaves.py)
        exp.leaf("command", attr, "sent", "2.0.0", f"delivered to command: {line[1:]}",
                 line[1:], rights)
    else:
        address = line[1:] if line[0] == "&" else line
        if "@" not in address:  # qmail-send: control/envnoathost, default control/me
            address += "@" + exp.facts.cf["myhostname"]
        new = replace(attr, address=address, orig=attr.orig or attr.address)
        node = exp.step("requeue", new, f"forwarded by qmail-local as a new message to "
                                        f"<{address}> (qmail-queue)")
        exp.leaf("forward", replace(new, node=node), "pending", "2.0.0",
                 f"forwards to {address}", rights=rights)
