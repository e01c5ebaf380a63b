"""A generated day (``mailsim generate``) written as a scenario file, for the tests of
large runs: the lazy feed, --trace summary, bounded memory, the bar of long runs."""

from __future__ import annotations

from pathlib import Path

from simulator.generate import Workload, generate


def day_file(folder: Path, workload: Workload) -> Path:
    """``workload`` as ``folder/day.yaml``; returns the path."""
    path = folder / "day.yaml"
    path.write_text(generate(workload))
    return path
