"""Models local(8)'s ~/.forward handling (local/dotforward.c, local_expand.c).

The file is looked for along forward_path (default ``$home/.forward${recipient_delimiter}
${extension}, $home/.forward``: a path with an undefined name is skipped) and read with the
user's own rights. Each line has the syntax of an alias value; a line that starts with
``#`` is a comment. What Postfix does with a file it does not trust differs from what it
does with an untrusted :include: file (include.py):

- owned by someone other than the user or root, world-writable, or unreadable: a warning
  (``file ~/.forward has bad owner uid N``, ``... is world writable``, ``cannot open file
  ...``) and the file is *ignored*: mail goes to the mailbox as if there were no .forward;
- empty, or only comments: no forwarding, mail goes to the mailbox;
- the user listed in her own .forward (``sakura`` or Sendmail's ``\\sakura``; Postfix's
  address parser drops the backslash): that copy goes to her mailbox, not through the
  .forward again;
- any other local user listed there is re-queued as a new message (the owner attribute
  is set to the user), and so is every remote address.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING

from .expansion import EXPAND_FWD, NOBODY, Attr, Expansion, Rights, level_up, may_read, uid_of

if TYPE_CHECKING:
    from ...model.fs import VirtualFS
    from ..mta.params import MainCf

TokenLine = Callable[[Expansion, Attr, Rights, str], int]
_NAME = re.compile(r"\$\{(\w+)(?:([?:])(\{[^}]*\}|[^}]*))?\}|\$(\w+)")


def local_expand(template: str, attr: Attr, rights: Rights, delimiter: str) -> str | None:
    """$name expansion of forward_path (local_expand.c); None when a plain $name is
    undefined, which makes local(8) skip that file name."""
    return _expand(template, attr.user, rights.home, attr.domain, attr.local, attr.address,
                   attr.extension, delimiter)


@lru_cache(maxsize=4096)  # a pure function of its strings: each user's names, once a run
def _expand(template: str, user: str, home: str | None, domain: str, local: str,
            address: str, extension: str | None, delimiter: str) -> str | None:
    values = {"user": user, "home": home, "domain": domain, "local": local,
              "mailbox": local, "recipient": address, "extension": extension,
              "recipient_delimiter": (local[len(user):len(user) + 1]
                                      or delimiter[:1]) or None}
    undefined = False

    def sub(m: re.Match[str]) -> str:
        nonlocal undefined
        name = m.group(1) or m.group(4)
        value = values.get(name)
        if m.group(2) == "?":
            return m.group(3).strip("{}") if value else ""
        if m.group(2) == ":":
            return "" if value else m.group(3).strip("{}")
        if not value:
            undefined = True
            return ""
        return value

    text = _NAME.sub(sub, template)
    return None if undefined else text


def find(exp: Expansion, attr: Attr, rights: Rights) -> str | None:
    return find_in(exp.facts.cf, exp.facts.fs, attr, rights)


def find_in(cf: MainCf, fs: VirtualFS, attr: Attr, rights: Rights) -> str | None:
    """The first forward_path file that exists (also asked by local(8)'s fast path)."""
    delimiter = cf["recipient_delimiter"]
    for template in _templates(cf.raw("forward_path")):
        path = local_expand(template, attr, rights, delimiter)
        if path and fs.exists(path):
            return path
    return None


@lru_cache(maxsize=16)
def _templates(forward_path: str) -> tuple[str, ...]:
    return tuple(t for t in re.split(r"[\s,]+", forward_path) if t)


def deliver_dotforward(exp: Expansion, attr: Attr, rights: Rights,
                       deliver_line: TokenLine) -> bool:
    """True when the .forward file took care of the recipient."""
    attr = level_up(attr)
    user = exp.facts.users.get(attr.user)
    if not exp.facts.cf.raw("forward_path").strip() or user is None:
        return False
    if not exp.facts.cf.flag("frozen_delivered_to"):
        attr = replace(attr, delivered=attr.address)
    rights = Rights(user.uid, user.name, user.home)
    attr = replace(attr, exp_type=EXPAND_FWD, owner=attr.user)
    path = find(exp, attr, rights)
    if path is None:
        return False
    if exp.been_here(f"forward {path}"):
        # the user's own name in her own .forward: mailbox, unless already expanded
        return exp.seen_before(f"forward-done {path}")
    attr = replace(attr, exp_from=attr.local)
    text = _trusted_text(exp, attr, path, rights)
    if text is None:
        return False
    shown = " | ".join(line.strip() for line in text.splitlines() if line.strip())
    if "\\" in text:
        shown += " (Postfix's address parser reads \\name as name)"
    node = exp.step("dotforward", attr, f"{path}: {shown or '(empty)'}")
    count = sum(deliver_line(exp, replace(attr, node=node), rights, line)
                for line in text.splitlines() if not line.startswith("#"))
    if count == 0:
        exp.step("forward_empty", attr, f"{path} lists no address: no forwarding, "
                                        "the mailbox gets the message")
        return False
    exp.been_here(f"forward-done {path}")
    return True


def _trusted_text(exp: Expansion, attr: Attr, path: str, rights: Rights) -> str | None:
    """The file's text, or None (with Postfix's warning) when it must be ignored."""
    vf = exp.facts.fs.stat(path)
    assert vf is not None
    owner = uid_of(exp.facts, vf.owner)
    owner = NOBODY if owner is None else owner
    if owner not in (0, rights.uid):
        problem = f"file {path} has bad owner uid {owner}"
    elif vf.mode & 0o002:
        problem = f"file {path} is world writable"
    elif not may_read(exp.facts, vf.owner, vf.mode, rights.uid):
        problem = f"cannot open file {path}: Permission denied"
    else:
        return vf.data.decode("utf-8", "replace")
    exp.warn(problem)
    exp.step("forward_ignored", attr, f"{problem}: the file is ignored, as if there were "
                                      "none")
    return None
