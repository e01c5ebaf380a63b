"""Models local(8)'s :include: files (local/include.c).

``:include:/path`` in an alias (or a .forward) reads more destinations from a file, with
the syntax of an alias value. Unlike an untrusted ~/.forward, which is ignored, a problem
with an :include: file *bounces* the recipient with 5.3.5 "mail system configuration
error" and a warning in the log: a relative path, a file that does not exist, a
world-writable file, a file that cannot be read.

An :include: file without addresses ends that branch without a copy and without a log
line (the trace still says so).

Destinations from an :include: file are never delivered in the same pass: every address
is re-queued as a new message (the owner attribute is set to the alias). ``|command`` and
``/file`` destinations there are refused unless allow_mail_to_commands or
allow_mail_to_files names ``include`` (the default is ``alias, forward``): 5.7.1 "mail to
command is restricted". A root-owned alias that includes a file owned by a user gives
that user's rights to the file's commands and files, never root's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from .expansion import EXPAND_INCL, Attr, Expansion, Rights, level_up, may_read, uid_of

TokenLine = Callable[[Expansion, Attr, Rights, str], int]
CONFIG_ERROR = "mail system configuration error"


def deliver_include(exp: Expansion, attr: Attr, rights: Rights, path: str,
                    deliver_line: TokenLine) -> None:
    attr = level_up(attr)
    if exp.been_here(f"include {rights.uid} {path}"):
        exp.step("duplicate", attr, f":include:{path} was already read for this recipient")
        return
    attr = replace(attr, exp_from=attr.local)
    vf = exp.facts.fs.stat(path) if path.startswith("/") else None
    if not path.startswith("/"):
        problem = f":include:{path} uses a relative path"
    elif vf is None:
        problem = f"unable to lookup :include: file {path}: No such file or directory"
    elif vf.mode & 0o002:
        problem = f":include: file {path} is world writable"
    else:
        problem = None
    if problem is not None or vf is None:
        _refuse(exp, attr, problem or "")
        return
    if rights.uid == 0 and uid_of(exp.facts, vf.owner):
        user = exp.facts.users[vf.owner]
        rights = Rights(user.uid, user.name, user.home)
    attr = replace(attr, exp_type=EXPAND_INCL, owner=attr.owner or attr.address)
    if not may_read(exp.facts, vf.owner, vf.mode, rights.uid):
        _refuse(exp, attr, f"cannot open include file {path}: Permission denied")
        return
    text = vf.data.decode("utf-8", "replace")
    node = exp.step("include", attr, f":include:{path}: " + ", ".join(
        line.strip() for line in text.splitlines()
        if line.strip() and not line.startswith("#")))
    count = sum(deliver_line(exp, replace(attr, node=node), rights, line)
                for line in text.splitlines() if not line.startswith("#"))
    if count == 0:  # Postfix logs nothing about it: the branch just ends
        exp.step("include_empty", replace(attr, node=node), f":include:{path} lists no "
                                                             "address: this branch ends here")


def _refuse(exp: Expansion, attr: Attr, problem: str) -> None:
    exp.warn(problem)
    exp.step("include_refused", attr, f"{problem}: the recipient bounces")
    exp.bounce(attr, "5.3.5", CONFIG_ERROR)
