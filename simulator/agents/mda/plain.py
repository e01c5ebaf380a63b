"""local(8)'s fast path: a plain recipient goes straight to its mailbox (issue 12).

Most recipients of a real mail system are *plain*: a user of this host, no alias, no
~/.forward, no extension. For them the walk of recipient.py always ends the same way, with
no step on the way: ``deliver_recipient -> deliver_switch -> deliver_alias`` (no key) ``->
deliver_dotforward`` (no file) ``-> deliver_mailbox``, one ``mailbox`` or ``maildir`` leaf
whose trace node is the first of the recipient (``PREFIX.1``). ``plain_leaf()`` decides once,
with a few dictionary look-ups, whether the recipient is plain, and if so builds that very
leaf without the walk (no Expansion, no duplicate filter, no Attr copies per level); the
leaf is then carried out by the same code as the walk's (leaves.py, store.py), so the
mailbox bytes, the maillog line, the trace hops and the outcome are the same.

Anything else is refused, and the recipient takes the detailed walk: an alias entry (or an
alias database that cannot be opened), a ~/.forward file (even one Postfix would ignore,
since ignoring it logs a warning), an extension (``user+ext``), ``\\user``, a Delivered-To:
loop, an unknown user, mailbox_command, qmail's ~/.qmail rules, ``sendmail -bv``.
A contended mbox lock is refused later, in store.py, where the lock is looked at.

MAILSIM_DETAILED=1 (or ``World(..., detailed=True)``) turns the fast path off; the test
tests/equality/test_equality.py runs every lab both ways and compares everything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .expansion import Attr, Facts, Leaf, Rights
from .forward import find_in

if TYPE_CHECKING:
    from ..mta.queue import QueueRecipient

# deliver_recipient (1) -> deliver_switch (2) -> deliver_mailbox (3): state.level there
MAILBOX_LEVEL = 3


def plain_leaf(facts: Facts, rcpt: QueueRecipient, sender: str, prefix: str) -> Leaf | str:
    """The mailbox leaf of a plain recipient, or why the recipient is not plain. Reads
    the same facts as the walk (recipient.py), taken once per delivery request."""
    address = rcpt.address
    folded = address.lower()
    if facts.family == "qmail":
        return "qmail"
    if facts.trace_only:
        return "verify"
    if folded in facts.delivered_to:
        return "loop"
    name, at, domain = folded.rpartition("@")
    if not at or not name or address.startswith("\\"):
        return "syntax"
    cf = facts.cf
    delims = cf["recipient_delimiter"]
    if delims and any(c in delims for c in name[1:]):  # recipient.py _split_extension()
        return "extension"
    if any(db.table is None or db.get(name) is not None for db in facts.dbs):
        return "alias"
    user = facts.users.get(name)
    if user is None:
        return "unknown"
    if cf["mailbox_command"]:
        return "mailbox_command"
    # the walk's attributes at deliver_mailbox(): Delivered-To: is the recipient itself
    attr = Attr(MAILBOX_LEVEL, address, rcpt.orig, rcpt.dsn_orcpt, sender, prefix,
                delivered=address, local=name, user=name, domain=domain)
    rights = Rights(user.uid, user.name, user.home)
    if cf.raw("forward_path").strip() and find_in(cf, facts.fs, attr, rights):
        return "forward"
    path = facts.mailbox_path(user)
    kind = "maildir" if path.endswith("/") else "mailbox"
    return Leaf(kind, attr, f"{prefix}.1", "sent", "2.0.0", f"delivered to {kind}", path,
                rights)
