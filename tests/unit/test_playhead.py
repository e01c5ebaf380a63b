"""The Playhead (simulator/playback.py) and the bar of simulated time (render/progress.py).

A run played back hop by hop, or in slices, must be the run: the same hops in the order the
views show them, the same outcomes, the clock where World.run leaves it.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.console import Console

from simulator.playback import Playhead
from simulator.render.playback import follow
from simulator.render.progress import clock_bar
from simulator.render.records import ordered_hops, outcomes
from simulator.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
LABS = sorted((ROOT / "scenarios").glob("*.yaml"))
OUTAGE = ROOT / "scenarios" / "32-down-6-days-bounce.yaml"


def plain_and_fresh(path: Path):  # type: ignore[no-untyped-def]
    spec = load_scenario(path)
    return spec.build().run(), spec.build()


@pytest.mark.parametrize("lab", LABS, ids=lambda p: p.stem)
def test_hop_by_hop_is_the_plain_run_in_the_views_order(lab: Path) -> None:
    plain, world = plain_and_fresh(lab)
    head = Playhead.of(world)
    shown = []
    while (hop := head.next_hop()) is not None:
        assert hop.t <= world.engine.now  # handed over once the clock has reached it
        shown.append(hop)
    shown += head.rest()
    assert [(h.t, h.action, h.src_host, h.qid) for h in shown] == \
           [(h.t, h.action, h.src_host, h.qid) for h in ordered_hops(plain)]
    assert world.engine.now == plain.engine.now
    assert outcomes(world) == outcomes(plain)


def test_slices_hand_over_every_hop_once_in_order() -> None:
    plain, world = plain_and_fresh(OUTAGE)
    head = Playhead(world)
    got = []
    for hour in range(1, 24 * 7):
        got += head.advance(hour * 3600.0)
        assert all(h.t <= world.engine.now for h in got)
    got += head.advance(float("inf")) + head.rest()
    assert [(h.t, h.action) for h in got] == [(h.t, h.action) for h in ordered_hops(plain)]


def test_hidden_hops_are_never_handed_over() -> None:
    _, world = plain_and_fresh(ROOT / "scenarios" / "01-basic-delivery.yaml")
    head = Playhead(world)
    first = head.next_hop()
    assert first is not None
    world.engine.env.run(until=world.engine.now + 60)
    hidden = {i for i, h in enumerate(world.trace.hops) if h.action == "cleanup"}
    for i in hidden:
        head.hide(i)
    rest = head.advance(float("inf"))
    assert rest and all(h.action != "cleanup" for h in rest)


def test_the_end_stops_the_clock_as_world_run_does() -> None:
    plain = load_scenario(OUTAGE).build().run("1d")
    world = load_scenario(OUTAGE).build()
    head = Playhead.of(world, "1d")
    while head.next_hop() is not None:
        pass
    assert world.engine.now == plain.engine.now == 86400.0
    assert len(head.rest()) + len(head.seen) == len(plain.trace.hops)


def bar_output(end: float | None) -> tuple[str, Playhead]:
    world = load_scenario(OUTAGE).build()
    head = Playhead(world, end)
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=100, color_system=None)
    with clock_bar(world, end, console, refresh=0.0) as tick:
        follow(head, tick, None)  # a run without hops to show: the clock, in slices
    return screen.getvalue(), head


def test_the_bar_moves_with_simulated_time() -> None:
    out, head = bar_output(None)
    days = [int(d or 0) for d in re.findall(r"simulated time (?:\+(\d)d )?\d\d:\d\d", out)]
    assert days[0] == 0 and days[-1] >= 5  # from the start through the six days
    assert days == sorted(days) and len(set(days)) >= 6  # one frame a day at least
    assert head.world.engine.now > 5 * 86400


def test_the_bar_to_a_known_end_counts_up_to_it() -> None:
    out, head = bar_output(2 * 86400.0)
    assert "of +2d 09:00:00.000" in out
    percents = [int(p) for p in re.findall(r"(\d+)%", out)]
    assert percents == sorted(percents) and percents[0] < 10 and percents[-1] == 100
    assert head.world.engine.now == 2 * 86400.0


def test_no_bar_where_the_console_is_no_terminal() -> None:
    world = load_scenario(OUTAGE).build()
    screen = io.StringIO()
    with clock_bar(world, None, Console(file=screen, width=100)) as tick:
        follow(Playhead(world, 3600.0), tick, None)
    assert screen.getvalue() == ""
    assert world.engine.now == 3600.0
