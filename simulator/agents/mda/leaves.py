"""Carrying out what local(8)'s walk decided: write mailboxes and files, note commands,
log each result, trace it, and record where each recipient ended.

The headers a copy gets are those of global/mail_copy.c with the walk's attributes:
``Return-Path:`` the envelope sender (an owner- alias's address after owner-NAME
expansion), ``X-Original-To:`` the recipient as first received (not shown when
enable_original_recipient = no, or after an owner- alias reset it), ``Delivered-To:`` the
recipient local(8) started with (frozen_delivered_to = yes), not the user the mail ended
with, and only when prepend_delivered_header names ``file`` (mailboxes and files) or
``command``. Every result is logged as Postfix logs it
(``to=<final>, orig_to=<original>, relay=local, ... status=sent (delivered to mailbox)``).

SIMPLIFICATION: ``|command`` destinations are never run: the trace records the command,
the user it would run as and its environment, and the delivery counts as successful
(exit status 0).
"""

from __future__ import annotations

import sys
from collections.abc import Generator
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Literal

from ...model.status import DeliveryResult
from ...model.trace import Hop, HopText, Outcome
from ...protocol.smtp_dsn import NOTIFY_SUCCESS, expanded_notify, wants
from ..mta.delivery_log import Stamps, status_line
from ..mta.queue import QueueRecipient
from .expansion import Expansion, Leaf, Step, Warning
from .mailbox import DeliveryHeaders
from .resubmit import resubmit
from .store import WRITE_TIME, Delivery

if TYPE_CHECKING:
    from ..mta.queue import QueueFile
    from .local import Local

class Leaves:
    """Applies the walks of one delivery request, in order."""

    def __init__(self, local: Local, qf: QueueFile, stamps: Stamps) -> None:
        self.local, self.qf, self.stamps = local, qf, stamps
        self.host = local.mta.host
        self.cf = local.mta.cf
        self.notify = 0  # the DSN NOTIFY bits of the leaves of the recipient being applied

    def apply(self, rcpt: QueueRecipient,
              walk: Expansion) -> Generator[Any, Any, DeliveryResult]:
        """Carry out one recipient's walk; writes take simulated time. A host that goes
        down meanwhile has written down nothing more (local.py drops the result)."""
        forwards: dict[tuple[str, str], list[Leaf]] = {}
        leaves = []
        boot = self.host.boot
        expanded = any(isinstance(e, Step) and e.action in ("alias", "dotforward")
                       for e in walk.effects)
        self.notify = expanded_notify(rcpt.dsn_notify) if expanded and rcpt.dsn_notify \
            else rcpt.dsn_notify
        for effect in walk.effects:
            if isinstance(effect, Step):
                self._step(effect)
            elif isinstance(effect, Warning):
                self.host.log("postfix/local", f"warning: {effect.text}")
            elif effect.kind == "forward" and not self.qf.trace_only:
                leaves.append(effect)
                key = (effect.attr.delivered or effect.attr.address, effect.attr.sender)
                forwards.setdefault(key, []).append(effect)
            else:
                leaves.append((yield from self._leaf(rcpt, effect)))
            if self.host.boot != boot:
                return DeliveryResult(rcpt.address, "deferred", "4.3.0",
                                      "the host went down during delivery", "local")
        if forwards:
            resubmit(self.local, self.qf, rcpt, walk.prefix, forwards, self.stamps)
        if not self.qf.trace_only and all(x.attr.address != rcpt.address for x in leaves):
            self.host.world.trace.drop_outcome(self.qf.msg, rcpt.address)
        result = self._result(rcpt, leaves)
        if expanded and result.status == "sent" and not self.qf.trace_only \
                and wants(rcpt.dsn_notify, NOTIFY_SUCCESS):
            self._success(rcpt.address, rcpt.orig, rcpt.dsn_orcpt, "expanded", "alias expanded")
        return result

    def _success(self, address: str, orig: str, orcpt: str, dsn_action: str,
                 reason: str) -> None:
        """sent() / alias.c: with NOTIFY=SUCCESS the result goes into the trace logfile
        that becomes the "Successful Mail Delivery Report" (trace.c: "delivery via local:
        "); the action is "delivered", or "expanded" for an alias or .forward (SIMPLIFICATION:
        a list with an owner- alias also reports "expanded", Postfix says "delivered")."""
        self.qf.trace_log.append(QueueRecipient(address, orig, dsn_action, "2.0.0",
                                                f"delivery via local: {reason}",
                                                dsn_orcpt=orcpt))
        self._trace_hop("dsn_success", "bounce", f"action={dsn_action}",
                        f"<{address}>: NOTIFY=SUCCESS: action={dsn_action} goes into the trace "
                        "log for the success report",
                        address, "", "", (("action", dsn_action),))

    def _delivered(self, leaf: Leaf) -> None:
        if wants(self.notify, NOTIFY_SUCCESS):
            self._success(leaf.attr.address, leaf.attr.orig, leaf.attr.dsn_orcpt, "delivered",
                          leaf.reason)

    def plain(self, rcpt: QueueRecipient, leaf: Leaf) -> Generator[Any, Any, DeliveryResult]:
        """The fast path (plain.py): what apply() does with a walk whose only effect is
        this mailbox leaf, minus the steps that cannot happen for it (no forwards to
        re-queue; the leaf is the recipient itself, so its outcome stays)."""
        self.notify = rcpt.dsn_notify  # not expanded: the request applies to it unchanged
        boot = self.host.boot
        leaf = yield from self._mailbox(rcpt, leaf, fast=True)
        if self.host.boot != boot:
            return DeliveryResult(rcpt.address, "deferred", "4.3.0",
                                  "the host went down during delivery", "local")
        return self._result(rcpt, [leaf])

    def _result(self, rcpt: QueueRecipient, leaves: list[Leaf]) -> DeliveryResult:
        now = self.host.world.engine.now
        deferred = next((x for x in leaves if x.status == "deferred"), None)
        if deferred is not None:
            return DeliveryResult(rcpt.address, "deferred", deferred.dsn, deferred.reason,
                                  "local", at=now)
        if leaves and all(x.kind == "bounce" for x in leaves):
            rcpt.notified = True  # its failures are in the bounce log already
            first = leaves[0]
            return DeliveryResult(rcpt.address, "bounced", first.dsn, first.reason, "local",
                                  at=now)
        return DeliveryResult(rcpt.address, "sent", "2.0.0", "delivered", "local", at=now)

    # --- trace and log -------------------------------------------------------------------
    def _trace_hop(self, action: str, dst: str, reply: str | None, detail: str, rcpt: str,
                   node: str, parent: str, extra: tuple[tuple[str, str], ...] = ()) -> None:
        world = self.host.world
        world.trace.add(Hop(world.engine.now, self.qf.msg, self.qf.qid, self.host.name,
                            "local", self.host.name, dst, "local", None, action, reply,
                            detail, None, (("rcpt", rcpt), ("node", node),
                                           ("parent", parent), ("qid", self.qf.qid),
                                           ("host", self.host.name), *extra)))

    def _step(self, step: Step) -> None:
        self._trace_hop(step.action, "local", None, f"<{step.rcpt}>: {step.detail}", step.rcpt,
                        step.node, step.parent, (("detail", step.detail),))

    def _log(self, leaf: Leaf) -> None:
        attr = leaf.attr
        self.host.log("postfix/local", status_line(
            self.qf.qid, attr.address, attr.orig, "local", self.stamps,
            self.host.world.engine.now, leaf.dsn, leaf.status, leaf.reason))

    def _outcome(self, rcpt: QueueRecipient, address: str,
                 status: Literal["delivered", "bounced", "queued"], where: str,
                 dsn: str | None) -> None:
        world = self.host.world
        world.trace.set_outcome(Outcome(
            self.qf.msg, address, status, world.engine.now, self.host.name, where, dsn,
            world.trace.hop_count(self.qf.msg), orig=rcpt.orig or rcpt.address))

    # --- leaves --------------------------------------------------------------------------
    def _leaf(self, rcpt: QueueRecipient, leaf: Leaf) -> Generator[Any, Any, Leaf]:
        """Carry out one leaf; return it as it ended (a mailbox whose lock could not be
        had ends deferred, 4.2.0)."""
        if leaf.kind == "empty":  # nothing to log: Postfix is silent here
            self._nowhere(rcpt, leaf)
        elif self.qf.trace_only:
            self._log(leaf)
            self._verified(leaf)
        elif leaf.kind in ("bounce", "defer"):
            self._log(leaf)
            self._failed(rcpt, leaf)
        elif leaf.kind in ("mailbox", "maildir"):
            return (yield from self._mailbox(rcpt, leaf))
        else:
            boot = self.host.boot
            yield self.host.world.engine.env.timeout(WRITE_TIME)
            if self.host.boot == boot:
                self._log(leaf)
                self._delivered(leaf)
                where = self._write(leaf)
                self._outcome(rcpt, leaf.attr.address, "delivered", where, leaf.dsn)
        return leaf

    def _mailbox(self, rcpt: QueueRecipient, leaf: Leaf,
                 fast: bool = False) -> Generator[Any, Any, Leaf]:
        """The user's mailbox, through the mailbox store (locks, Maildir tmp/ and new/).
        ``fast``: a plain recipient (plain.py); the store may skip polling a free lock."""
        user = self.host.users[leaf.rights.name or ""]
        boot = self.host.boot
        stored = yield from self.local.store.deliver(Delivery(
            self.qf.msg, self.qf.qid, user, leaf.target, self._headers(leaf, "file"),
            self.qf.content), fast)
        if fast:
            why = "taken" if stored.fast else "refused lock"
            counts = self.host.world.fast_local
            counts[why] = counts.get(why, 0) + 1
        if self.host.boot != boot:
            return leaf  # nothing was written down; apply() stops here
        if stored.deferred:  # mbox lock not obtained: 4.2.0, tried again later (mailbox.c)
            leaf = replace(leaf, kind="defer", status="deferred", dsn="4.2.0",
                           reason=stored.reason)
            self._log(leaf)
            self._failed(rcpt, leaf)
            return leaf
        leaf = replace(leaf, reason=stored.reason)
        self._log(leaf)
        self._delivered(leaf)
        attr = leaf.attr
        action = "deliver_maildir" if leaf.kind == "maildir" else "deliver_mbox"
        h = self._headers(leaf, "file")
        world = self.host.world
        world.trace.add(Hop(world.engine.now, self.qf.msg, self.qf.qid, self.host.name,
                            "local", self.host.name, "mailbox", "local", None, action,
                            "status=sent", _STORED, None,
                            (attr.address, leaf.node, attr.node, leaf.target,
                             sys.intern(stored.note),  # "locked with fcntl, dotlock": a few
                             h.sender, h.orig_rcpt, h.delivered_to)))
        self._outcome(rcpt, attr.address, "delivered", leaf.target, leaf.dsn)
        return leaf

    def _headers(self, leaf: Leaf, context: str) -> DeliveryHeaders:
        attr = leaf.attr
        # qmail-local writes no X-Original-To: (only Return-Path: and Delivered-To:)
        keep = self.cf.flag("enable_original_recipient") and self.local.mta.family != "qmail"
        orig = attr.orig if keep else ""
        delivered = attr.delivered if context in self.cf.list("prepend_delivered_header") \
            else None
        return DeliveryHeaders(attr.sender, orig, delivered)

    def _write(self, leaf: Leaf) -> str:
        """Deliver one copy to a file or a command (or discard it); return where it went,
        for the outcome."""
        attr, reply = leaf.attr, f"status=sent ({leaf.reason})"
        if leaf.kind == "file":
            return self._file(leaf)
        if leaf.kind == "command":
            return self._command(leaf)
        self._trace_hop("discard", "local", reply, f"<{attr.address}>: {leaf.reason} (no alias for "
                  f"a required name)", attr.address, leaf.node, attr.node)
        return "discarded"

    def _header_args(self, leaf: Leaf, context: str) -> tuple[tuple[str, str], ...]:
        h = self._headers(leaf, context)
        return (("return_path", f"<{h.sender}>"), ("original_to", h.orig_rcpt or "-"),
                ("delivered_to", h.delivered_to or "-"))

    def _file(self, leaf: Leaf) -> str:
        path, who = leaf.target, leaf.rights.name or "nobody"
        if path != "/dev/null":  # a character device: written to, nothing kept
            self.local.write_file(self.qf, path, who, self._headers(leaf, "file"))
        fmt = "a Maildir" if path.endswith("/") else "mbox format"
        self._trace_hop("deliver_file", "file", f"status=sent ({leaf.reason})",
                  f"<{leaf.attr.address}> -> {path} (appended as user {who}, {fmt})",
                        leaf.attr.address, leaf.node, leaf.attr.node,
                        (("path", path), ("user", who), *self._header_args(leaf, "file")))
        return path

    def _command(self, leaf: Leaf) -> str:
        attr, who = leaf.attr, leaf.rights.name or "nobody"
        env = {"HOME": leaf.rights.home, "LOGNAME": attr.user, "USER": attr.user,
               "SENDER": attr.sender, "RECIPIENT": attr.address, "LOCAL": attr.local,
               "DOMAIN": attr.domain, "EXTENSION": attr.extension,
               "ORIGINAL_RECIPIENT": attr.orig}
        shown = " ".join(f"{k}={v}" for k, v in env.items() if v)
        self._trace_hop("deliver_command", "command", f"status=sent ({leaf.reason})",
                        f"<{attr.address}> | {leaf.target} would run as user {who} with "
                        f"{shown}; its standard input: From_ line, Return-Path:, "
                        "X-Original-To:, Delivered-To: and the message (not executed by "
                        "the simulation)", attr.address, leaf.node, attr.node,
                        (("command", leaf.target), ("user", who),
                         *self._header_args(leaf, "command")))
        return f"|{leaf.target}"

    def _nowhere(self, rcpt: QueueRecipient, leaf: Leaf) -> None:
        """A recipient whose walk found no destination: local(8) reports success and logs
        no line; the trace records that the recipient ended here."""
        attr = leaf.attr
        mta, mda = ("qmail", "qmail-local(8)") if self.local.mta.family == "qmail" else (
            "Postfix", "local(8)")
        self._trace_hop("no_destination", "local", None, f"<{attr.address}>: {leaf.reason}; "
                        f"no copy is made and {mta} logs nothing for it", attr.address,
                        leaf.node, attr.node, (("reason", leaf.reason), ("mda", mda)))
        if not self.qf.trace_only:
            self._outcome(rcpt, attr.address, "delivered", f"nowhere: {leaf.reason}",
                          leaf.dsn)

    def _failed(self, rcpt: QueueRecipient, leaf: Leaf) -> None:
        attr = leaf.attr
        action = "local_defer" if leaf.kind == "defer" else "local_bounce"
        self._trace_hop(action, "local", f"status={leaf.status} ({leaf.dsn})",
                  f"<{attr.address}>: {leaf.reason}", attr.address, leaf.node, attr.node,
                        (("reason", leaf.reason), ("dsn", leaf.dsn)))
        if leaf.kind == "defer":
            self._outcome(rcpt, attr.address, "queued", f"deferred: {leaf.reason}", leaf.dsn)
            return
        entry = QueueRecipient(attr.address, attr.orig, "bounced", leaf.dsn, leaf.reason,
                               dsn_orcpt=attr.dsn_orcpt, notify=leaf.notify,
                               dsn_notify=self.notify)
        if leaf.notify is not None:  # bounce_one(): told at once, to the owner
            entry.notified = True
            self.local.mta.bounce.notify(self.qf, [entry], to=leaf.notify)
        else:
            self.qf.bounce_log.append(entry)
        self._outcome(rcpt, attr.address, "bounced", leaf.reason, leaf.dsn)

    def _verified(self, leaf: Leaf) -> None:
        """sendmail -bv: nothing is delivered; the result goes into the trace log that
        becomes the "Mail Delivery Status Report" (trace.c: "delivery via local: ")."""
        attr = leaf.attr
        self.qf.trace_log.append(QueueRecipient(
            attr.address, attr.orig, leaf.status, leaf.dsn, f"delivery via local: "
            f"{leaf.reason}", dsn_orcpt=attr.dsn_orcpt))
        self._trace_hop("verify", "local", f"status={leaf.status}",
                  f"<{attr.address}>: {leaf.reason}", attr.address, leaf.node, attr.node,
                        (("reason", leaf.reason), ("status", leaf.status)))



# --- the frequent hop, written from its facts when a view asks (model/hop.py) -------------
def _stored_args(hop: Hop, f: tuple[Any, ...]) -> tuple[tuple[str, str], ...]:
    address, node, parent, path, _, sender, orig, delivered = f
    return (("rcpt", address), ("node", node), ("parent", parent), ("qid", hop.qid or ""),
            ("host", hop.src_host), ("path", path), ("return_path", f"<{sender}>"),
            ("original_to", orig or "-"), ("delivered_to", delivered or "-"))


# deliver_mbox / deliver_maildir: (address, node, parent node, mailbox path, the store's
# note, then Return-Path's sender, X-Original-To and Delivered-To as written)
_STORED = HopText(lambda hop, f: f"<{f[0]}> -> {f[3]}; {f[4]}", _stored_args)
