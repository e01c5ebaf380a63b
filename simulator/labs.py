"""Where the labs are: shipped with the package, so mailsim works from any directory.

The labs live in scenarios/ of the source tree; simulator/labs is a symlink to it, and
pyproject.toml ships ``labs/*.yaml`` as package data, so an installed mailsim carries them
without a second copy in git. A path like ``scenarios/01-basic-delivery.yaml`` that does not
exist where the user stands is looked up among the shipped labs by its file name, so the
commands the README and the quiz print work from any working directory.
"""

from __future__ import annotations

from pathlib import Path

LABS = Path(__file__).resolve().parent / "labs"


def lab_paths() -> list[Path]:
    """Every shipped lab, in file-name order (01, 02, ... 46)."""
    return sorted(LABS.glob("*.yaml"))


def resolve(path: Path) -> Path:
    """``path`` itself when it exists; else the shipped lab of that file name, if any."""
    if path.exists():
        return path
    shipped = LABS / path.name
    return shipped if path.suffix == ".yaml" and shipped.exists() else path


def run_hint(path: Path) -> str:
    """The command that runs a lab, as a student types it (the shipped name works anywhere)."""
    shown = f"scenarios/{path.name}" if (LABS / path.name).exists() else str(path)
    return f"mailsim run {shown}"
