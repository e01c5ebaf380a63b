"""mailsim: an educational, Postfix-faithful mail-flow simulator.

    from simulator import load_scenario
    world = load_scenario("scenarios/01-basic-delivery.yaml").build()
    world.run(until="2h")
    world.trace.path("lunch")

Importing this package is cheap: SimPy and networkx load only when a world is built.
"""

from __future__ import annotations

from .scenario import LoadedScenario, load_scenario
from .yamlsource import ScenarioError

__all__ = ["LoadedScenario", "ScenarioError", "load_scenario"]
__version__ = "0.1.0"
