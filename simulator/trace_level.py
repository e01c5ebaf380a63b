"""How much of a run the trace keeps: ``mailsim run --trace full|compact|summary``.

- ``full`` (the default, and what every lab uses): every hop, every session's dialogue,
  every maillog line; every view and export works.
- ``compact``: every hop's facts and every outcome, but no session dialogues and no
  maillog lines, for large runs. The transcript and log views, ``/var/log/maillog`` in an
  export and the expectations that read them say in one line that they were not kept.
- ``summary``: only each recipient's outcome and the run statistics (model/runstats.py);
  no hops, no dialogues, no maillog, and delivered mail's bytes are not kept in the
  mailboxes (their sizes are counted). For runs of 10^5 to 10^6 messages.

One small module, so the CLI, the world and the trace share the names.
"""

from __future__ import annotations

from typing import Literal, get_args

TraceLevel = Literal["full", "compact", "summary"]
LEVELS: tuple[str, ...] = get_args(TraceLevel)
DEFAULT: TraceLevel = "full"


def keeps_text(level: str) -> bool:
    """Whether session dialogues and maillog lines are kept (only under ``full``)."""
    return level == "full"


def not_kept(level: str, what: str, lang: str = "en") -> str | None:
    """The one line a view or an export prints when the data it needs was not kept under
    ``level``; None when it was. ``what``: transcript, log, export, html."""
    if keeps_text(level):
        return None
    from .i18n import ui

    key = "trace.not_kept.summary" if level == "summary" else "trace.not_kept.compact"
    return ui(key, lang, what=ui(f"trace.what.{what}", lang), level=level)
