"""``sendmail -bv ADDRESS...``: check where mail for an address would go, delivering nothing.

Postfix's sendmail queues a *probe* (sendmail/sendmail.c): no message is read from
standard input; the queue file holds ``From: <sender>`` (when there is one), ``Subject:
probe`` and ``To:`` with the recipients, and is flagged as a user-requested address
verification (DEL_REQ_FLAG_USR_VRFY). The terminal shows one line,
``Mail Delivery Status Report will be mailed to <alice>.`` (the sender as given, usually
the login name). qmgr hands the probe to the delivery agents, which expand aliases,
.forward and :include: files as for real mail but only report what they would do
(``status=deliverable (delivers to mailbox)``, ``... (forwards to bob@example.org)``);
trace(8) then mails the "Mail Delivery Status Report" listing each final destination.
"""

from __future__ import annotations

from ..agents.mta.pickup import Dropped
from . import CommandResult, Invocation, command
from .sendmail import EX_USAGE, parse_options


@command("sendmail-bv")
def verify(inv: Invocation) -> CommandResult:
    opts, recipients = parse_options(inv.argv[1:])
    who = f"{inv.user.name}({inv.user.uid})"
    if "-t" in opts:
        return CommandResult("sendmail: fatal: -t option cannot be used with -bv\n", EX_USAGE)
    if not recipients:
        return CommandResult(f"sendmail: fatal: {who}: Recipient addresses must be specified "
                             "on the command line or via the -t option\n", EX_USAGE)
    mta = inv.host.mta
    if mta is None:
        return CommandResult(f"sendmail: fatal: {who}: no mail system on this host\n", 69)
    sender = opts.get("-f", opts.get("-r", inv.user.name))
    header = f"From: {sender}\n" if sender else ""
    header += "Subject: probe\nTo:" + ",\n".join(f"\t{r}" for r in recipients) + "\n"
    key = inv.msg or inv.host.world.new_key("bv")
    mta.pickup.postdrop(Dropped(inv.user, sender, tuple(recipients), header.encode(), key,
                                None, trace_only=True))
    return CommandResult(f"Mail Delivery Status Report will be mailed to <{sender}>.\n", 0)
