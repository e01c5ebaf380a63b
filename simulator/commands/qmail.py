"""qmail's commands on a qmail host: qmail-qread, qmail-qstat and the sendmail wrapper.

- ``qmail-qread`` (qmail-qread.c) lists the preprocessed messages; it needs the queue,
  which only root and qmails may read (queue/ is mode 750, owner qmailq, group qmail): any
  other user gets ``fatal: unable to chdir: access denied`` and exit status 111.
- ``qmail-qstat`` (qmail-qstat.sh) counts queue/mess and queue/todo with find and wc.
- ``/var/qmail/bin/sendmail`` (sendmail.c) takes sendmail's options: ``-t`` (recipients
  from the header, qmail-inject -H), ``-f sender``, ``-F name``; ``-bp`` runs qmail-qread;
  ignores -i, -oi, -v, -m, -e, -B ...; ``-bi``, ``-bv`` and any other ``-b`` mode, and
  ``-q`` or ``-I`` (not in its getopt string), end with its usage line and exit status 100.
  Run as ``newaliases`` it answers ``please use fastforward/newaliases instead``.
  qmail installs no mailq or newaliases link (INSTALL step 15 links only sendmail).
"""

from __future__ import annotations

from ..agents.mta import qmail
from ..agents.mta.family import SPOOL
from . import CommandResult, Invocation, command
from .queue_formats import queued_files

USAGE = ("sendmail: usage: sendmail [ -t ] [ -fsender ] [ -Fname ] [ -bp ] [ -bs ] "
         "[ arg ... ]\n")
_OPTS = "vimte:f:p:o:B:F:EJxb:"  # sendmail.c getopt()
EXIT_PERM = 100


def _on_qmail(inv: Invocation) -> bool:
    return inv.host.mta is not None and inv.host.mta.family == "qmail"


@command("qmail-qread", "/var/qmail/bin/qmail-qread")
def qmail_qread(inv: Invocation) -> CommandResult:
    if not _on_qmail(inv):
        return CommandResult(f"bash: {inv.argv[0]}: command not found\n", 127)
    if inv.user.uid != 0:
        return CommandResult("fatal: unable to chdir: access denied\n", 111)
    mta = inv.host.mta
    assert mta is not None
    return CommandResult(qmail.qread(queued_files(mta.qmgr), inv.host.world.engine.clock.at,
                                     mta.local_domains()), 0)


@command("qmail-qstat", "/var/qmail/bin/qmail-qstat")
def qmail_qstat(inv: Invocation) -> CommandResult:
    if not _on_qmail(inv):
        return CommandResult(f"bash: {inv.argv[0]}: command not found\n", 127)
    mta = inv.host.mta
    assert mta is not None
    if inv.user.uid != 0:  # find cannot enter queue/; the counts stay 0
        queue = SPOOL["qmail"]
        return CommandResult(f"find: '{queue}/mess/*': Permission denied\n"
                             f"find: '{queue}/todo': Permission denied\n"
                             + qmail.qstat([]), 0)
    return CommandResult(qmail.qstat(queued_files(mta.qmgr)), 0)


def qmail_sendmail(inv: Invocation, args: list[str]) -> CommandResult | list[str]:
    """The wrapper's answer for a mode, or the arguments to submit with (qmail-inject)."""
    i = 0
    while i < len(args):
        arg = args[i]
        if not arg.startswith("-") or arg == "--":
            break
        letter = arg[1:2]
        if letter not in _OPTS.replace(":", ""):
            return CommandResult(f"sendmail: illegal option -- {letter}\n" + USAGE, EXIT_PERM)
        takes = _OPTS[_OPTS.index(letter) + 1:_OPTS.index(letter) + 2] == ":"
        value = arg[2:] if len(arg) > 2 else (args[i + 1] if i + 1 < len(args) else None)
        if takes and value is None:
            return CommandResult(f"sendmail: option requires an argument -- {letter}\n"
                                 + USAGE, EXIT_PERM)
        if letter == "b":
            if value and value[0] == "p":
                return qmail_qread(Invocation(inv.host, inv.user, ["qmail-qread"],
                                              inv.stdin, inv.line, inv.msg))
            if not value or value[0] != "m":  # -bs (an SMTP session) is not modelled
                return CommandResult(USAGE, EXIT_PERM)
        i += 2 if takes and len(arg) == 2 else 1
    return args
