"""Which finished outcomes a ``--trace summary`` run may forget (bounded memory, issue 12).

A recipient's outcome (model/trace.py Outcome) is about 300 bytes; a day of 10^6 messages
would keep them all. Under ``--trace summary`` the run statistics (model/runstats.py)
count every outcome as it changes, so an outcome that has reached its final state
(delivered, bounced, rejected, deleted) is needed afterwards only by a view that lists
outcomes or by an expectation on recipients. It is dropped when all of this holds:

- the message was fed by the scenario's ``workload:`` (a listed ``messages:`` entry is
  always kept, and so are the bounces and copies of a listed message);
- nothing reads outcomes after the run: no ``expect: recipients:``, and the caller asked
  for no ``--json`` or ``--html`` (they list every outcome; World.keep_outcomes);
- nothing can change it any more: no queue file of the message, nor of its bounces and
  copies (``m7``, ``m7.bounce``: one family, counted under ``m7``), is left on any host.
  A message travels in queue files (cleanup(8) creates one; qmgr removes it when every
  recipient is done, postsuper -d deletes it), and a relay's file is removed only after
  the next host has committed its own (the SMTP DATA dialogue ends inside the delivery);
  a bounce or a delay warning is posted from a live file of the message, before qmgr
  removes it. So the count of a family's live files reaches zero only when it is done
  for good: an alias or .forward expansion, a forwarded copy, a second bounce of the same
  message (days later: the same key ``m7.bounce``, which replaces the first one's
  outcome) and a lookup by the original address (Outcome.orig) all happen while a file
  of the family is live. The submission client's own outcomes (``rejected``) are written
  when its SMTP session ends (agents/mua.py), which settles the message again.

An outcome still ``queued`` is never dropped. What was dropped is counted (``dropped``),
and the views that list outcomes say so in one line (i18n ``trace.dropped``).
"""

from __future__ import annotations

from collections.abc import Callable

FINAL = frozenset(("delivered", "bounced", "rejected", "deleted"))


class Retention:
    """Live queue files per message family (``m7`` for ``m7``, ``m7.bounce`` ...), and the
    (message, recipient) keys with an outcome per family, for the messages that may be
    forgotten (``droppable``); nothing is counted when it is None."""

    __slots__ = ("droppable", "dropped", "files", "rcpts")

    def __init__(self) -> None:
        self.droppable: Callable[[str], bool] | None = None
        self.dropped = 0  # finished outcomes counted by the run statistics, then dropped
        self.files: dict[str, int] = {}  # family -> queue files alive on any host
        self.rcpts: dict[str, list[tuple[str, str]]] = {}  # family -> outcome keys

    def wants(self, msg: str) -> bool:
        return self.droppable is not None and self.droppable(msg)

    def file_made(self, msg: str) -> None:
        if self.wants(msg):
            family = _family(msg)
            self.files[family] = self.files.get(family, 0) + 1

    def file_gone(self, msg: str) -> bool:
        """A queue file of ``msg`` is gone; True when it was its family's last one."""
        if not self.wants(msg):
            return False
        family = _family(msg)
        left = self.files.pop(family, 0) - 1
        if left > 0:
            self.files[family] = left
        return left <= 0

    def noted(self, msg: str, rcpt: str) -> None:
        """A recipient of ``msg`` got its first outcome."""
        if self.wants(msg):
            self.rcpts.setdefault(_family(msg), []).append((msg, rcpt))

    def settled(self, msg: str) -> list[tuple[str, str]]:
        """The outcome keys of the family of ``msg`` to look at now that no queue file
        carries it (none while one still does)."""
        family = _family(msg)
        if not self.wants(msg) or family in self.files:
            return []
        return self.rcpts.pop(family, [])


def _family(msg: str) -> str:
    """``m7`` for ``m7`` and for its bounces and copies (``m7.bounce``)."""
    return msg.split(".", 1)[0]
