"""Models local(8)'s walk over one recipient: alias, then ~/.forward, then the mailbox,
else "unknown user" (local/recipient.c, alias.c, token.c, resolve.c, indirect.c, unknown.c,
bounce_workaround.c).

The rules a learner meets, each from the source:
- alias expansion is recursive and done in the same delivery; an alias that lists its own
  name delivers to the user of that name instead (alias.c, exp_from);
- a local address reached from an alias with an ``owner-NAME`` companion, from a
  ~/.forward (other than the user herself) or from an :include: file, and every non-local
  address, is not delivered here: it is *re-queued* as a new message (deliver_indirect(),
  forward.c), so it gets its own queue file and status record;
- duplicates are dropped within one recipient's walk only: the same address at the same
  nesting level, the same mailbox, file, command, .forward or :include: file; two
  recipients of one message that reach the same mailbox both get a copy;
- a recipient already named in a Delivered-To: header bounces with 5.4.6 "mail forwarding
  loop for ADDR"; an alias loop ends when the nesting level passes 100 with 5.4.6 "alias
  database loop for NAME" (Postfix 3.11 and earlier; 3.12 adds an earlier "recipient nesting
  limit exceeded" check);
- postmaster and mailer-daemon without an alias are discarded with a warning (unknown.c).
"""

from __future__ import annotations

from dataclasses import replace

from ...model import tok822
from ..mta.resolve import canonical, resolve
from . import dotqmail, forward, include
from .aliases import AliasDb, source_newer
from .expansion import (
    EXPAND_ALIAS,
    EXPAND_FWD,
    EXPAND_INCL,
    NOBODY,
    Attr,
    Expansion,
    Facts,
    Leaf,
    Rights,
    level_up,
    may_write,
)

REQUIRED_ALIASES = ("mailer-daemon", "postmaster")  # unknown.c


def expand(facts: Facts, prefix: str, address: str, orig: str, dsn_orcpt: str,
           sender: str) -> Expansion:
    """Walk one top-level recipient of a delivery request (local_deliver())."""
    exp = Expansion(facts, prefix)
    top = Attr(0, address, orig, dsn_orcpt, sender, prefix)
    deliver_recipient(exp, top, Rights())
    if not any(isinstance(e, Leaf) for e in exp.effects):
        # every branch ended without a destination (empty :include: lists, duplicates):
        # local(8) reports the recipient as done and logs nothing
        exp.leaf("empty", replace(top, delivered=address), "sent", "2.0.0",
                 "expanded to no destination")
    return exp


def deliver_recipient(exp: Expansion, attr: Attr, rights: Rights) -> None:
    attr = level_up(attr)
    if exp.been_here(f"recipient {attr.level} {attr.address}"):
        exp.step("duplicate", attr, f"<{attr.address}> was already expanded at this level "
                                    "(local(8) duplicate filter): no second copy")
        return
    if attr.address.lower() in exp.facts.delivered_to:
        exp.step("loop_detected", attr, f"<{attr.address}> is already in a Delivered-To: "
                                        "header of this message")
        bounce_workaround(exp, attr, "5.4.6", dotqmail.LOOPING if exp.facts.family == "qmail"
                          else f"mail forwarding loop for {attr.address}")
        return
    local, at, domain = attr.address.lower().rpartition("@")
    if not at:
        exp.warn(f"no @ in recipient address: {attr.address.lower()}")
        local, domain = attr.address.lower(), ""
    local, user, extension = _split_extension(exp, local)
    attr = replace(attr, delivered=attr.delivered or attr.address, local=local, user=user,
                   extension=extension, domain=domain)
    if not user:
        exp.bounce(attr, "5.1.3", f'null username in "{attr.address}"')
        return
    deliver_switch(exp, attr, rights)


def _split_extension(exp: Expansion, local: str) -> tuple[str, str, str | None]:
    """recipient_delimiter: ``user+ext`` is user ``user`` with extension ``ext``; an
    extension with a "/" is dropped from the local part (recipient.c)."""
    delims = exp.facts.cf["recipient_delimiter"]
    cut = next((i for i, c in enumerate(local) if c in delims and i > 0), None) \
        if delims else None
    if cut is None:
        return local, local, None
    if "/" in local[cut + 1:]:
        exp.warn(f"address with illegal extension: {local}")
        return local[:cut], local[:cut], None
    return local, local[:cut], local[cut + 1:]


def deliver_switch(exp: Expansion, attr: Attr, rights: Rights) -> None:
    attr = level_up(attr)
    if exp.facts.family == "qmail":  # qmail-local: ~/.qmail files, no aliases, no \user
        dotqmail.deliver(exp, attr, rights)
        return
    if attr.address.startswith("\\"):  # \user: no alias or .forward expansion
        attr = replace(attr, address=attr.address[1:], local=attr.local[1:],
                       user=attr.user[1:])
        if not deliver_mailbox(exp, attr, rights):
            deliver_unknown(exp, attr)
        return
    if deliver_alias(exp, attr, rights, attr.local):
        return
    if attr.extension is not None and deliver_alias(exp, attr, rights, attr.user):
        return
    if attr.owner is not None and attr.owner.lower() != attr.user:
        deliver_indirect(exp, attr, f"re-queued as a new message: the owner attribute "
                                    f"({attr.owner}) is set and is not {attr.user}")
        return
    if attr.exp_type == EXPAND_INCL:
        deliver_indirect(exp, attr, "re-queued as a new message: recipients from "
                                    ":include: files always are")
        return
    if forward.deliver_dotforward(exp, attr, rights, deliver_token_line):
        return
    if not deliver_mailbox(exp, attr, rights):
        deliver_unknown(exp, attr)


def lookup(exp: Expansion, name: str) -> tuple[str | None, AliasDb | None]:
    """(value, the database that answered) from alias_maps, first map that has
    ``name``; a database that cannot be opened answers with an error (no table)."""
    for db in exp.facts.dbs:
        if db.table is None:
            return None, db
        value = db.get(name)
        if value is not None:
            return value, db
    return None, None


def deliver_alias(exp: Expansion, attr: Attr, rights: Rights, name: str) -> bool:
    attr = level_up(attr)
    if attr.exp_from is not None and attr.exp_from.lower() == name.lower():
        where = "own .forward file" if attr.exp_type == EXPAND_FWD else "own alias"
        exp.step("alias_self", attr, f"{name} is listed in its {where}: this copy goes to "
                                     f"the user {name}, not through the {where[4:]} again")
        return False
    if attr.level > 100:
        exp.warn(f"alias database loop for {name}")
        exp.step("alias_loop", attr, f"nesting level {attr.level} > 100 while expanding "
                                     f"{name}")
        exp.bounce(attr, "5.4.6", f"alias database loop for {name}")
        return True
    value, db = lookup(exp, name)
    if db is not None and db.table is None:
        exp.warn(f"{db.name}: lookup of '{name}' failed")
        exp.bounce(attr, "4.3.0", "alias database unavailable")
        return True
    if value is None or db is None:
        return False
    rights = Rights() if db.owner == "root" else _rights_of(exp, db.owner)
    attr = replace(attr, exp_from=name, exp_type=EXPAND_ALIAS)
    attr = _owner(exp, attr, name)
    if not exp.facts.cf.flag("frozen_delivered_to"):
        attr = replace(attr, delivered=attr.address)
    node = exp.step("alias", attr, _alias_detail(exp, db, name, value, attr))
    count = deliver_token_line(exp, replace(attr, node=node), rights, value)
    if count < 1:
        exp.warn(f"no recipient in alias lookup result for {name}")
        exp.bounce(attr, "4.3.0", "alias database unavailable")
    return True


def _alias_detail(exp: Expansion, db: AliasDb, name: str, value: str, attr: Attr) -> str:
    """What the trace says about one alias lookup: the value and which database version."""
    built = exp.facts.clock(db.mtime)
    text = f"{name}: {value} (looked up in {db.name.db_path}, built at {built}"
    if source_newer(exp.facts.fs, db):
        text += f"; {db.name.path} was edited after that and is not compiled yet"
    text += ")"
    if attr.owner is not None and attr.sender == attr.owner:
        text += f"; owner-{name} exists, so the envelope sender becomes {attr.sender}"
    return text


def _rights_of(exp: Expansion, name: str) -> Rights:
    user = exp.facts.users.get(name)
    return Rights(user.uid, user.name, user.home) if user else Rights(NOBODY, name)


def _owner(exp: Expansion, attr: Attr, name: str) -> Attr:
    """owner-NAME: the expansion's envelope sender becomes owner-NAME@$myorigin (or the
    owner alias's value with expand_owner_alias = yes), and DSN original-recipient
    information is not passed on (alias.c)."""
    cf = exp.facts.cf
    if not cf.flag("owner_request_special"):
        return attr
    owner = f"owner-{name}"
    rhs, _ = lookup(exp, owner)
    if rhs is None:
        return replace(attr, owner=None) if cf.flag("reset_owner_alias") else attr
    who = tok822.addresses(rhs)[0] if cf.flag("expand_owner_alias") and \
        tok822.addresses(rhs) else owner
    canon = canonical(cf, who)
    return replace(attr, sender=canon, owner=canon, orig="", dsn_orcpt="")


def deliver_token_line(exp: Expansion, attr: Attr, rights: Rights, text: str) -> int:
    """deliver_token_string(): each address of ``text``; returns how many there were."""
    found = tok822.addresses(text)
    for address in found:
        deliver_token(exp, attr, rights, address)
    return len(found)


def deliver_token(exp: Expansion, attr: Attr, rights: Rights, address: str) -> None:
    if address.startswith("/"):
        deliver_file(exp, attr, rights, address)
    elif address.startswith("~"):
        _token_home(exp, attr, rights, address)
    elif address.startswith("|"):
        if not exp.allowed("allow_mail_to_commands", attr):
            exp.bounce(attr, "5.7.1", "mail to command is restricted")
        else:
            deliver_command(exp, attr, rights, address[1:])
    elif address[:9].lower() == ":include:":
        include.deliver_include(exp, attr, rights, address[9:], deliver_token_line)
    else:
        deliver_resolve(exp, attr, rights, address)


def _token_home(exp: Expansion, attr: Attr, rights: Rights, address: str) -> None:
    if address[1:2] != "/" or rights.home is None:
        exp.warn(f"bad home directory syntax for: {address}" if address[1:2] != "/"
                 else f"unknown home directory for: {address}")
        exp.bounce(attr, "5.3.5", "mail system configuration error")
    else:
        home = "" if rights.home == "/" else rights.home
        deliver_file(exp, attr, rights, home + address[1:])


def deliver_resolve(exp: Expansion, attr: Attr, rights: Rights, address: str) -> None:
    """Rewrite to canonical form as cleanup does (@$myorigin), resolve as qmgr does; a
    local result recurses, anything else is re-queued (resolve.c)."""
    attr = level_up(attr)
    if not address or address.startswith("@") or address.endswith("@"):
        exp.bounce(attr, "5.1.3", f"bad recipient address syntax: {address}")
        return
    full = canonical(exp.facts.cf, address)
    route = resolve(exp.facts.cf, exp.facts.local_domains, full)
    attr = replace(attr, address=full)
    if route.transport == "local":
        deliver_recipient(exp, attr, rights)
    else:
        deliver_indirect(exp, attr, f"re-queued as a new message for {route} "
                                    "(not a local address)")


def deliver_indirect(exp: Expansion, attr: Attr, why: str) -> None:
    """Hand the address to a new queue file (forward.c), once per address."""
    if exp.been_here(f"indirect {attr.address}"):
        exp.step("duplicate", attr, f"<{attr.address}> is already being re-queued "
                                    "(local(8) duplicate filter)")
        return
    node = exp.step("requeue", attr, why)
    exp.leaf("forward", replace(attr, node=node), "pending", "2.0.0",
             f"forwards to {attr.address}")


def deliver_mailbox(exp: Expansion, attr: Attr, rights: Rights) -> bool:
    attr = level_up(attr)
    if exp.been_here(f"mailbox {attr.local}"):
        exp.step("duplicate", attr, f"the mailbox of {attr.user} already got this message "
                                    "(local(8) duplicate filter)")
        return True
    user = exp.facts.users.get(attr.user)
    if user is None:
        return False
    rights = Rights(user.uid, user.name, user.home)
    cf = exp.facts.cf
    if cf["mailbox_command"]:
        deliver_command(exp, attr, rights, cf["mailbox_command"])
        return True
    if not cf.flag("frozen_delivered_to"):  # mailbox.c, maildir.c
        attr = replace(attr, delivered=attr.address)
    path = exp.facts.mailbox_path(user)
    kind = "maildir" if path.endswith("/") else "mailbox"
    verb = "delivers" if exp.facts.trace_only else "delivered"
    exp.leaf(kind, attr, "sent", "2.0.0", f"{verb} to {kind}", path, rights)
    return True


def deliver_unknown(exp: Expansion, attr: Attr) -> None:
    if exp.been_here(f"deliver_unknown {attr.local}"):
        return
    if attr.user in REQUIRED_ALIASES:
        exp.warn(f"required alias not found: {attr.user}")
        exp.leaf("discard", attr, "sent", "2.0.0", "discarded")
        return
    exp.bounce(attr, "5.1.1", f'unknown user: "{attr.user}"')


def bounce_workaround(exp: Expansion, attr: Attr, dsn: str, reason: str) -> None:
    """A failure for a recipient with an owner-NAME alias is reported to that owner at
    once, in a bounce of its own, instead of to the sender (bounce_workaround.c)."""
    cf = exp.facts.cf
    notify = None
    if cf.flag("owner_request_special"):
        name = "owner-" + (attr.address.rpartition("@")[0] or attr.address)
        rhs, _ = lookup(exp, name)
        if rhs is not None:
            who = tok822.addresses(rhs)[0] if cf.flag("expand_owner_alias") else name
            notify = canonical(cf, who)
    exp.bounce(attr, dsn, reason, notify=notify)


def deliver_file(exp: Expansion, attr: Attr, rights: Rights, path: str) -> None:
    """/file/name: appended as an mbox entry, with the delivering user's rights
    (default_privs when the alias database or :include: file belongs to root)."""
    attr = level_up(attr)
    if exp.been_here(f"file {rights.uid} {path}"):
        exp.step("duplicate", attr, f"{path} already got this message")
        return
    if not exp.allowed("allow_mail_to_files", attr):
        bounce_workaround(exp, attr, "5.7.1", "mail to file is restricted")
        return
    if exp.facts.trace_only:
        exp.leaf("file", attr, "sent", "2.0.0", f"delivers to file: {path}", path, rights)
        return
    rights = rights if rights.uid else Rights(NOBODY, exp.facts.cf["default_privs"])
    problem = _file_problem(exp, path, rights)
    if problem is not None:
        bounce_workaround(exp, attr, problem[0], problem[1])
        return
    exp.leaf("file", attr, "sent", "2.0.0", f"delivered to file: {path}", path, rights)


def _file_problem(exp: Expansion, path: str, rights: Rights) -> tuple[str, str] | None:
    vf = exp.facts.fs.stat(path)
    if vf is None or path == "/dev/null":
        return None
    if vf.mode & 0o111:
        return "5.7.1", "file is executable"
    if not may_write(exp.facts, vf.owner, vf.mode, rights.uid):
        return "5.2.0", (f"cannot append message to file {path}: cannot open file: "
                         "Permission denied")
    return None


def deliver_command(exp: Expansion, attr: Attr, rights: Rights, command: str) -> None:
    """|command: the message would be piped into it (never run by the simulation)."""
    attr = level_up(attr)
    if exp.been_here(f"command {attr.user}:{rights.uid} {command}"):
        exp.step("duplicate", attr, f"|{command} already got this message")
        return
    verb = "delivers" if exp.facts.trace_only else "delivered"
    rights = rights if rights.uid else Rights(NOBODY, exp.facts.cf["default_privs"])
    exp.leaf("command", attr, "sent", "2.0.0", f"{verb} to command: {command}", command,
             rights)
