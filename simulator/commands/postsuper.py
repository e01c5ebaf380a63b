"""postsuper(1): the superuser's queue operations.

``-d queue_id`` deletes, ``-h`` puts on hold, ``-H`` releases from hold, ``-r`` requeues
(through pickup and cleanup, with a new queue ID), ``-e`` asks for forced expiration and
``-f`` does both -e and -H; each takes ``ALL`` for every message, and trailing queue names
limit the queues searched. Operations run in the order given. What postsuper.c prints on
standard error (msg_vstream_init()): ``postsuper: 4A1B2C3D4E: removed`` for each message
named by ID (not for ALL), then a summary line per kind of operation asked for, such as
``postsuper: Deleted: 1 message``. The same lines go to the mail log as postfix/postsuper.
"""

from __future__ import annotations

import getopt
import re
from collections.abc import Callable

from ..agents.mta.queue import QueueFile
from . import CommandResult, Invocation, command
from .postqueue import not_postfix

USAGE = ("postsuper: fatal: usage: postsuper [-c config_dir] [-d queue_id (delete)] "
         "[-e queue_id (expire)] [-f queue_id (expire and/or un-hold)] "
         "[-h queue_id (hold)] [-H queue_id (un-hold)] [-p (purge temporary files)] "
         "[-r queue_id (requeue)] [-s (structure fix)] [-S (redundant structure fix)]"
         "[-v (verbose)] [queue...]\n")
ALL_QUEUES = ("maildrop", "incoming", "active", "deferred", "hold")
_QUEUE_ID = re.compile(r"[A-Za-z0-9_]{1,255}")  # mail_queue_id_ok()
Op = Callable[[QueueFile], bool]  # one operation on one queue file: did it apply?


@command("postsuper", "/usr/sbin/postsuper")
def postsuper(inv: Invocation) -> CommandResult:
    if inv.host.mta is None or not_postfix(inv, "postsuper"):
        return CommandResult("bash: postsuper: command not found\n", 127)
    if inv.user.uid != 0:
        return CommandResult("postsuper: fatal: use of this command is reserved for the "
                             "superuser\n", 1)
    try:
        opts, queues = getopt.getopt(inv.argv[1:], "c:d:e:f:h:H:pr:sSv")
    except getopt.GetoptError as err:
        return CommandResult(f"postsuper: invalid option -- '{err.opt}'\n" + USAGE, 1)
    for name in queues:
        if name not in ALL_QUEUES + ("defer", "bounce", "flush", "trace", "corrupt"):
            return CommandResult(f"postsuper: fatal: invalid directory name: {name}\n", 1)
    run = _Run(inv, tuple(q for q in (queues or ALL_QUEUES) if q in ALL_QUEUES))
    for opt, arg in opts:
        run.option(opt, arg)
    return CommandResult(run.report(), 0)


class _Run:
    """One postsuper invocation: the operations in order, their log, their counts."""

    def __init__(self, inv: Invocation, queues: tuple[str, ...]) -> None:
        self.inv, self.queues = inv, queues
        self.admin = inv.host.mta.qmgr.admin
        self.lines: list[str] = []
        self.counts: dict[str, int] = {}

    def option(self, opt: str, arg: str) -> None:
        ops: dict[str, list[tuple[str, str, Op, tuple[str, ...]]]] = {
            "-d": [("removed", "Deleted", self._delete, ALL_QUEUES)],
            "-h": [("placed on hold", "Placed on hold", self.admin.hold,
                    ("incoming", "active", "deferred"))],
            "-H": [("released from hold", "Released from hold", self.admin.release, ("hold",))],
            "-r": [("requeued", "Requeued", self.admin.requeue,
                    ("incoming", "active", "deferred", "hold"))],
            "-e": [("expired", "Force-expired", self.admin.expire,
                    ("incoming", "active", "deferred", "hold"))],
        }
        ops["-f"] = ops["-e"] + ops["-H"]
        for said, summary, op, where in ops.get(opt, []):
            self.counts.setdefault(summary, 0)
            if arg == "-":
                ids = self.inv.stdin.split()
            elif arg == "ALL":
                ids = []
                self.counts[summary] += self._all(op, where)
            else:
                ids = [arg]
            for qid in ids:
                self._one(qid, said, summary, op, where)

    def _delete(self, qf: QueueFile) -> bool:
        self.admin.delete(qf)
        return True

    def _all(self, op: Op, where: tuple[str, ...]) -> int:
        qmgr = self.admin.qmgr
        files = [qf for q in where if q in self.queues
                 for qf in sorted(qmgr.queues[q].values(), key=lambda f: f.qid)]
        return sum(1 for qf in files if op(qf))

    def _one(self, qid: str, said: str, summary: str, op: Op, where: tuple[str, ...]) -> None:
        if not _QUEUE_ID.fullmatch(qid):
            self._say(f"warning: invalid mail queue id: {qid}")
            return
        qf = self.admin.qmgr.find(qid)
        if qf is None or qf.queue not in where or qf.queue not in self.queues or not op(qf):
            return
        self.counts[summary] += 1
        self._say(f"{qid}: {said}")

    def _say(self, text: str) -> None:
        self.lines.append(f"postsuper: {text}")
        self.inv.host.log("postfix/postsuper", text)

    def report(self) -> str:
        order = ("Requeued", "Deleted", "Force-expired", "Placed on hold", "Released from hold")
        for summary in order:
            if summary in self.counts:
                n = self.counts[summary]
                self._say(f"{summary}: {n} message{'' if n == 1 else 's'}")
        return "".join(line + "\n" for line in self.lines)
