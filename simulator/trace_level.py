"""How much of a run the trace keeps: ``mailsim run --trace full|compact|summary``.

- ``full`` (the default, and what every lab uses): every hop, every session's dialogue,
  every maillog line; every view and export works.
- ``compact``: every hop's facts and every outcome, but no session dialogues and no
  maillog lines, for large runs. The transcript and log views, ``/var/log/maillog`` in an
  export and the expectations that read them say in one line that they were not kept.
- ``summary``: per-message outcomes and run statistics only (added by issue 12f).

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

    return ui("trace.not_kept", lang, what=ui(f"trace.what.{what}", lang), level=level)
