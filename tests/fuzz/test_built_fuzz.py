"""Hypothesis builds valid scenarios (a network with two MXs, messages, outage schedules and
backoff settings from tests/properties, plus alias and .forward graphs), then mutates them:
loading either succeeds or raises the one ScenarioError; what loads runs to its end with every
recipient accounted for."""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.scenario import load_scenario
from simulator.yamlsource import ScenarioError
from tests.fuzz.campaign import time_limit, unaccounted
from tests.fuzz.mutate import dump, mutate
from tests.properties.test_local_delivery import alias_text, graphs
from tests.properties.test_queue_properties import messages, outage, timing
from tests.queue_world import spec

EXAMPLES = int(os.environ.get("MAILSIM_FUZZ_EXAMPLES", "40"))


def _with_graph(data: dict[str, Any], g: dict[str, Any]) -> dict[str, Any]:
    """The alias map and .forward files of ``g`` on mx1, its users there."""
    host = data["hosts"]["mx1.example.org"]
    names = {n for n in g["rcpts"]} | set(g["forwards"])
    host["users"] = {n: {} for n in sorted(names | {"bob", "carol"}) if n.isidentifier()}
    host["files"] = {"/etc/aliases": alias_text(g)}
    for user, lines in g["forwards"].items():
        if user in host["users"]:
            host["files"][f"/home/{user}/.forward"] = {"content": "".join(f"{x}\n" for x in lines),
                                                       "owner": user}
    return data


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(outages=st.lists(outage(), max_size=2), msgs=messages(), msa=timing(),
       g=graphs(), rng=st.randoms(use_true_random=False), mutations=st.integers(0, 3))
def test_built_and_mutated_scenarios(tmp_path_factory: Any, outages: list[list[dict[str, Any]]],
                                     msgs: list[dict[str, Any]], msa: dict[str, str],
                                     g: dict[str, Any], rng: random.Random,
                                     mutations: int) -> None:
    data = _with_graph(spec(events=[e for o in outages for e in o], messages=msgs, msa=msa), g)
    data["expect"] = {"log": ["postfix"]}
    data = mutate(data, rng, mutations)
    path = Path(tmp_path_factory.mktemp("built")) / "built.yaml"
    try:
        path.write_text(dump(data), encoding="utf-8", errors="surrogatepass")
    except (RecursionError, UnicodeEncodeError):
        return
    try:
        with time_limit(20):
            loaded = load_scenario(path)
    except ScenarioError:
        return
    with time_limit(60):
        world = loaded.build().run()
    assert not unaccounted(loaded, world)
