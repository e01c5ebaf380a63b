"""The public API (``from simulator import ...``) that notebooks and scripts use."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")

import simulator
from simulator import load_scenario, plot_timeline, run_on, timeline

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", simulator.__all__)
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(simulator, name) is not None


def test_importing_the_package_stays_cheap() -> None:
    code = ("import sys, simulator; heavy = ('networkx', 'simpy', 'matplotlib', 'pydantic');"
            "print(sorted(m for m in heavy if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    assert done.stdout.strip() == "[]"


def test_run_on_types_a_command_at_the_current_time() -> None:
    world = load_scenario(ROOT / "scenarios" / "35-mailq-and-flush.yaml").build().run("5m")
    result = run_on(world, "mail.example.net", "mailq", user="alice")
    assert result.status == 0
    assert result.output.startswith("-Queue ID-  --Size-- ----Arrival Time----")
    assert result.output.endswith("-- 1 Kbytes in 2 Requests.\n")
    usage = run_on(world, "mail.example.net", "postsuper -x")
    assert usage.status != 0 and "usage" in usage.output.lower()


def test_run_on_names_what_does_not_exist() -> None:
    world = load_scenario(ROOT / "scenarios" / "01-basic-delivery.yaml").build()
    with pytest.raises(ValueError, match=r"no host 'nope' in this world \(hosts: alice-pc"):
        run_on(world, "nope", "mailq")
    with pytest.raises(ValueError, match=r"no user 'zoe' on mx.example.org \(users: "):
        run_on(world, "mx.example.org", "mailq", user="zoe")


def test_plot_timeline_marks_every_attempt() -> None:
    from matplotlib.figure import Figure

    world = load_scenario(ROOT / "scenarios" / "31-all-mx-down-2h.yaml").build().run()
    ax = plot_timeline(world, "report", ax=Figure().subplots())
    points = {c.get_label(): len(c.get_offsets()) for c in ax.collections}
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(points)
    rows = timeline(world, "report")
    assert points["attempt (active queue)"] == sum(r["result"].startswith("attempt") for r in rows)
    assert points["delivered"] == 1
    assert ax.get_xlabel() == "minutes since the message was sent"
    assert max(x for c in ax.collections for x, _ in c.get_offsets()) == 150.0
