"""mailsim: an educational, Postfix-faithful mail-flow simulator.

    from simulator import load_scenario
    world = load_scenario("scenarios/01-basic-delivery.yaml").build()
    world.run(until="2h")
    world.trace.path("lunch")

Importing this package is cheap: pydantic, SimPy and networkx load only when a scenario is
read or a world is built (DESIGN.md §7 start-up targets), so ``mailsim --help`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .scenario import LoadedScenario, load_scenario
    from .yamlsource import ScenarioError

__all__ = ["LoadedScenario", "ScenarioError", "load_scenario"]
__version__ = "0.1.0"

_LAZY = {"LoadedScenario": "scenario", "load_scenario": "scenario", "ScenarioError": "yamlsource"}


def __getattr__(name: str) -> Any:
    """The public names, imported on first use (PEP 562)."""
    if name in _LAZY:
        from importlib import import_module

        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
