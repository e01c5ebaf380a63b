"""The edge of the program: a bug inside a run is reported as one line, never as a
traceback a student has to read (the traceback comes with ``mailsim --debug``).

A scenario that passed validation must run to the end; if something still raises, that is
mailsim's fault, not the student's, and the message says so: the scenario's path, the words
"internal error", and the exception in one line. The exit status is 70 (EX_SOFTWARE,
sysexits(3)) so scripts can tell a bug from a bad input (1).
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

EX_SOFTWARE = 70

_state: dict[str, object] = {"scenario": None, "debug": False}


def working_on(path: Path) -> None:
    """Remember which scenario the command is working on, for the report of a bug."""
    _state["scenario"] = path


def set_debug(on: bool) -> None:
    _state["debug"] = on


def debugging() -> bool:
    return bool(_state["debug"]) or os.environ.get("MAILSIM_DEBUG", "") not in ("", "0")


def guarded(app: Callable[[], object]) -> None:
    """Run the typer ``app``; turn an unexpected exception into one line and exit 70."""
    try:
        app()
    except Exception as exc:  # noqa: BLE001 - the one place where every bug is caught
        where = _state["scenario"]
        head = f"{where}: " if where is not None else ""
        text = " ".join(str(exc).split())[:300]
        sys.stderr.write(f"{head}internal error: {type(exc).__name__}: {text}\n"
                         "This is a bug in mailsim, not in your input; run again as "
                         "`mailsim --debug ...` to see where it happened.\n")
        if debugging():
            traceback.print_exception(exc, file=sys.stderr)
        raise SystemExit(EX_SOFTWARE) from None
