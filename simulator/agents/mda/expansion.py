"""The state of one local(8) recipient expansion, and what it produces (local/local.h).

local(8) delivers each recipient of a delivery request on its own: it starts a fresh
duplicate filter (duplicate_filter_limit, case-insensitive), reads the message's
Delivered-To: headers once, then walks the recipient through aliases, ~/.forward,
:include: files and mailboxes (recipient.py). The walk passes its attributes *by value*
(``Attr``, Postfix's DELIVER_ATTR) so a branch never undoes another branch's changes, and
counts its nesting ``level`` the way Postfix does: each routine adds one.

The walk itself writes nothing. It records ``Step``s (what was looked up and decided, one
trace hop each) and ``Leaf``s (a final destination: mailbox, file, command, a re-queue as
a new message, a bounce or a deferral) in order; agents/mda/local.py then carries them out,
logs them and traces them. That keeps the rules testable on their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ...host import User
    from ...model.fs import VirtualFS
    from ..mta.params import MainCf
    from .aliases import AliasDb

# local.h EXPAND_TYPE_*: where a destination came from (allow_mail_to_commands/files)
EXPAND_ALIAS, EXPAND_FWD, EXPAND_INCL = 1, 2, 4
EXPAND_NAMES = {"alias": EXPAND_ALIAS, "forward": EXPAND_FWD, "include": EXPAND_INCL}
NOBODY = 65534  # default_privs = nobody: the rights for root-owned aliases and includes


@dataclass(frozen=True, slots=True)
class Rights:
    """USER_ATTR: whose rights |command and /file deliveries use (uid 0: none set yet)."""

    uid: int = 0
    name: str | None = None
    home: str | None = None


@dataclass(frozen=True, slots=True)
class Attr:
    """DELIVER_ATTR: one recipient as the walk sees it; replaced, never changed."""

    level: int
    address: str  # the recipient being delivered
    orig: str  # the original recipient (X-Original-To, orig_to=); "" after owner- reset
    dsn_orcpt: str  # the DSN ORCPT ("rfc822;addr" from smtpd, "" from pickup)
    sender: str  # envelope sender (an owner- alias replaces it)
    node: str  # the trace node this recipient hangs under
    delivered: str | None = None  # the Delivered-To: address
    owner: str | None = None  # set: other local users are re-queued, not delivered here
    exp_type: int = 0
    exp_from: str | None = None  # the alias or user being expanded
    local: str = ""  # local part, folded to lower case
    user: str = ""  # local part without its extension
    extension: str | None = None
    domain: str = ""


@dataclass(frozen=True, slots=True)
class Step:
    """A decision on the way: an alias looked up, a .forward read, a duplicate dropped."""

    action: str  # a trace action (i18n catalogue key)
    node: str
    parent: str
    rcpt: str
    detail: str


@dataclass(frozen=True, slots=True)
class Leaf:
    """Where one branch ends."""

    kind: str  # mailbox | maildir | file | command | forward | bounce | defer | discard
    attr: Attr
    node: str
    status: str  # sent | bounced | deferred | deliverable | undeliverable | pending
    dsn: str
    reason: str  # the text in parentheses of the log line
    target: str = ""  # the mailbox, file or command; the user for a mailbox
    rights: Rights = Rights()
    notify: str | None = None  # bounce_workaround(): the owner- address told instead


@dataclass(frozen=True, slots=True)
class Warning:
    text: str  # logged as "postfix/local[pid]: warning: ..."


Effect = Step | Leaf | Warning


@dataclass(slots=True)
class Facts:
    """What the walk may look at on the host (read only)."""

    cf: MainCf
    users: dict[str, User]
    fs: VirtualFS
    local_domains: frozenset[str]
    dbs: list[AliasDb]
    delivered_to: frozenset[str]  # Delivered-To: headers of the message, lower case
    trace_only: bool  # sendmail -bv: report what would happen, deliver nothing
    mailbox_path: Callable[[User], str]
    clock: Callable[[float], str]  # a simulated time as the trace shows it
    family: str = "postfix"  # qmail: qmail-local's rules instead (dotqmail.py)


@dataclass(slots=True)
class Expansion:
    """LOCAL_STATE for one top-level recipient: facts, duplicate filter, results."""

    facts: Facts
    prefix: str
    effects: list[Effect] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    nodes: int = 0

    def been_here(self, key: str) -> bool:
        """been_here(): true when ``key`` was seen; remembers at most
        duplicate_filter_limit keys (0: no limit)."""
        folded = key.lower()
        if folded in self.seen:
            return True
        limit = self.facts.cf.integer("duplicate_filter_limit")
        if limit <= 0 or len(self.seen) < limit:
            self.seen.add(folded)
        return False

    def seen_before(self, key: str) -> bool:
        """been_here_check(): look without remembering."""
        return key.lower() in self.seen

    def node(self) -> str:
        self.nodes += 1
        return f"{self.prefix}.{self.nodes}"

    def step(self, action: str, attr: Attr, detail: str) -> str:
        node = self.node()
        self.effects.append(Step(action, node, attr.node, attr.address, detail))
        return node

    def leaf(self, kind: str, attr: Attr, status: str, dsn: str, reason: str,
             target: str = "", rights: Rights = Rights(), notify: str | None = None) -> None:
        if self.facts.trace_only and status in ("sent", "pending"):
            status = "deliverable"
        elif self.facts.trace_only and status in ("bounced", "deferred"):
            status = "undeliverable"  # bounce.c/defer.c: verify probes only report
        self.effects.append(Leaf(kind, attr, self.node(), status, dsn, reason, target,
                                 rights, notify))

    def warn(self, text: str) -> None:
        self.effects.append(Warning(text))

    def bounce(self, attr: Attr, dsn: str, reason: str, notify: str | None = None) -> None:
        kind, status = ("defer", "deferred") if dsn.startswith("4") else ("bounce", "bounced")
        self.leaf(kind, attr, status, dsn, reason, notify=notify)

    def allowed(self, parameter: str, attr: Attr) -> bool:
        """allow_mail_to_commands / allow_mail_to_files against the expansion type."""
        names = self.facts.cf.list(parameter)
        return any(EXPAND_NAMES.get(n, 0) & attr.exp_type for n in names)


def level_up(attr: Attr, **changes: object) -> Attr:
    """Each local(8) routine works one nesting level deeper (state.level++)."""
    return replace(attr, level=attr.level + 1, **changes)  # type: ignore[arg-type]


def uid_of(facts: Facts, owner: str) -> int | None:
    """The uid of a file owner's name (None: no such user in /etc/passwd)."""
    if owner == "root":
        return 0
    user = facts.users.get(owner)
    return None if user is None else user.uid


def may_read(facts: Facts, owner: str, mode: int, uid: int) -> bool:
    """open_as(O_RDONLY) with ``uid``'s rights: root reads all, the owner needs u+r,
    anyone else o+r. SIMPLIFICATION: no groups, so g+r never helps."""
    if uid == 0:
        return True
    if uid_of(facts, owner) == uid:
        return bool(mode & 0o400)
    return bool(mode & 0o004)


def may_write(facts: Facts, owner: str, mode: int, uid: int) -> bool:
    if uid == 0:
        return True
    if uid_of(facts, owner) == uid:
        return bool(mode & 0o200)
    return bool(mode & 0o002)
