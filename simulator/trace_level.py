"""How much of a run the trace keeps (``mailsim run --trace``, ``World(trace=...)``).

- ``full`` (the default for labs): every hop, dialogue, maillog line and mailbox byte.
- ``compact``: per-hop facts without transcripts and log text (issue 12, helper 12e).
- ``summary``: only each recipient's outcome and the run statistics (model/runstats.py);
  no hops, no dialogues, no maillog, and delivered mail's bytes are not kept in the
  mailboxes (their sizes are counted). For runs of 10^5 to 10^6 messages.
"""

from __future__ import annotations

from enum import Enum


class TraceLevel(str, Enum):
    full = "full"
    compact = "compact"
    summary = "summary"
