"""postqueue(1) and mailq(1): list the mail queue, or ask for delivery now.

``postqueue -p`` (= ``mailq`` = ``sendmail -bp``) prints the queue as showq_compat.c does,
``-j`` as JSON lines; ``-f`` (= ``sendmail -q``) flushes the whole queue, ``-s site`` the
mail deferred to one site (only for fast_flush_domains), ``-i queue_id`` one message.
Errors and exit codes are postqueue.c's: ``postqueue: fatal: usage: ...`` exits 64
(EX_USAGE), ``Flush service is not configured for destination`` 69 (EX_UNAVAILABLE).
Viewing and flushing are open to every user (authorized_mailq_users and
authorized_flush_users are ``static:anyone`` by default).
"""

from __future__ import annotations

import getopt
import re

from ..agents.mta import showq
from ..agents.mta.admin import fast_flush_ok
from ..agents.mta.params import version_at_least
from . import CommandResult, Invocation, command
from .queue_formats import family_mailq


def not_postfix(inv: Invocation, name: str) -> bool:
    """Postfix's own commands exist only on a Postfix host. ``sendmail -q`` still reaches
    the flush on every host: it was typed as sendmail, and only delegates here."""
    typed = (inv.line.split() or [name])[0].rsplit("/", 1)[-1]
    return inv.host.mta is not None and inv.host.mta.family != "postfix" and typed == name

EX_USAGE, EX_UNAVAILABLE = 64, 69
USAGE = ("postqueue: fatal: usage: postqueue -f | postqueue -i queueid | postqueue -j | "
         "postqueue -p | postqueue -s site\n")
_QUEUE_ID = re.compile(r"[A-Za-z0-9_]{1,255}")  # mail_queue_id_ok()
_HOSTNAME = re.compile(r"(?=.{1,255}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?"
                       r"(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*")


def _fatal(text: str, status: int) -> CommandResult:
    return CommandResult(f"postqueue: fatal: {text}\n", status)


@command("mailq", "/usr/bin/mailq")
def mailq(inv: Invocation) -> CommandResult:
    """sendmail -bp: exec postqueue -p (sendmail.c SM_MODE_MAILQ)."""
    if inv.host.mta is None or inv.host.mta.family == "qmail":  # qmail installs no mailq
        return CommandResult("bash: mailq: command not found\n", 127)
    family = family_mailq(inv.host)  # Sendmail's mailq, Exim's exim -bp layout
    if family is not None:
        return family
    if len(inv.argv) > 1 and not inv.argv[1].startswith("-"):
        return CommandResult(f"{inv.argv[0].rsplit('/', 1)[-1]}: fatal: display queue mode "
                             "requires no recipient\n", EX_USAGE)
    return _list(inv, json=False)


@command("postqueue", "/usr/sbin/postqueue")
def postqueue(inv: Invocation) -> CommandResult:
    if inv.host.mta is None or not_postfix(inv, "postqueue"):
        return CommandResult("bash: postqueue: command not found\n", 127)
    try:
        opts, rest = getopt.getopt(inv.argv[1:], "c:fi:jps:v")
    except getopt.GetoptError as err:  # glibc getopt() complains first
        return CommandResult(f"postqueue: invalid option -- '{err.opt}'\n" + USAGE, EX_USAGE)
    modes = [(o, a) for o, a in opts if o in ("-f", "-i", "-j", "-p", "-s")]
    if rest or len(modes) != 1:
        return CommandResult(USAGE, EX_USAGE)
    mode, arg = modes[0]
    if mode in ("-p", "-j"):
        return _list(inv, json=mode == "-j")
    if mode == "-f":
        inv.host.mta.qmgr.admin.flush_all()
        return CommandResult("", 0)
    if mode == "-s":
        return _flush_site(inv, arg)
    return _flush_file(inv, arg)


def _list(inv: Invocation, json: bool) -> CommandResult:
    mta = inv.host.mta
    items = showq.entries(mta.qmgr)
    clock = inv.host.world.engine.clock
    if json:
        # orig_address: a Postfix 3.11 addition (showq_json.c)
        newer = version_at_least(mta.cf, "3.11")
        return CommandResult(showq.json_lines(items, clock, orig_address=newer), 0)
    return CommandResult(showq.mailq(items, clock, mta.cf.flag("enable_long_queue_ids")), 0)


def _flush_site(inv: Invocation, site: str) -> CommandResult:
    bad = not (re.fullmatch(r"\[[0-9.]+\]", site) if site.startswith("[")
               else _HOSTNAME.fullmatch(site))
    if bad:
        shown = site[:100] + ("..." if len(site) > 100 else "")
        return _fatal(f'Cannot flush mail queue - invalid destination: "{shown}"', EX_USAGE)
    if not fast_flush_ok(inv.host.mta.cf.list("fast_flush_domains"), site):
        return _fatal(f'Flush service is not configured for destination "{site}"',
                      EX_UNAVAILABLE)
    inv.host.mta.qmgr.admin.flush_site(site)
    return CommandResult("", 0)


def _flush_file(inv: Invocation, qid: str) -> CommandResult:
    if not _QUEUE_ID.fullmatch(qid):
        shown = qid[:100] + ("..." if len(qid) > 100 else "")
        return _fatal(f'Cannot flush queue ID - invalid name: "{shown}"', EX_USAGE)
    inv.host.mta.qmgr.admin.flush_file(qid)
    return CommandResult("", 0)
