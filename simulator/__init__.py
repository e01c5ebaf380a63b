"""mailsim: an educational, Postfix-faithful mail-flow simulator.

    from simulator import load_scenario
    world = load_scenario("scenarios/01-basic-delivery.yaml").build()
    world.run(until="2h")
    world.trace.path("lunch")

The public names, for notebooks and scripts:

- ``load_scenario(path)`` → ``LoadedScenario``; ``.build(seed=None)`` → a world;
  ``world.run(until="2h")``; ``ScenarioError`` for a bad file.
- ``path_records(world, msg, lang)``: a message's hops as plain dicts (``--json`` keys);
  ``sequence_rows(world, msg)``: (time, from, to, what) rows; ``path_edges(world, msg)``:
  the network links it crossed; ``messages(world)``: the lab's message keys.
- ``draw_network(world, msg)``: the network with the path in red (matplotlib);
  ``timeline(world, msg)``: its delivery attempts and retries as records, and
  ``plot_timeline(world, msg)``: the same on a time axis.
- ``run_on(world, host, line, user="root")``: type a command (``mailq``, ``newaliases``,
  ``postqueue -f`` ...) at a host's shell now; returns ``.output`` and ``.status``.
- ``write_report(world, path, lang)``: the self-contained HTML report (``--html``).
- ``generate_day(Workload(messages=2000, ...))``: an ISP's day as scenario text (``mailsim
  generate``); ``build(trace="summary")`` runs it keeping outcomes and statistics only;
  ``summary_data(world)`` is its summary record and ``plot_queue(world)`` draws the queue
  size over simulated time.
- ``Sweep.prepare(path, "1-20", ["PATH=V1,V2"], ["PATH=LOW..HIGH"]).run(...)``: many seeded
  runs (``mailsim sweep``); ``.table()``/``.aggregate()`` are DataFrames, and
  ``plot_sweep(result)`` draws the comparison.

Importing this package is cheap: pydantic, SimPy and networkx load only when a scenario is
read or a world is built (DESIGN.md §7 start-up targets), so ``mailsim --help`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .api import run_on
    from .generate import Workload
    from .generate import generate as generate_day
    from .render.graph import draw_network, path_edges, sequence_rows
    from .render.html import write_report
    from .render.plot import plot_queue, plot_timeline
    from .render.records import path_records
    from .render.summary import summary_data
    from .render.sweep_plot import plot_sweep
    from .render.timeline import messages, timeline
    from .scenario import LoadedScenario, load_scenario
    from .sweep import Sweep
    from .yamlsource import ScenarioError

__all__ = ["LoadedScenario", "ScenarioError", "Sweep", "Workload", "draw_network",
           "generate_day", "load_scenario", "messages", "path_edges", "path_records", "plot_queue", "plot_sweep",
           "plot_timeline", "run_on", "sequence_rows", "summary_data", "timeline",
           "write_report"]
__version__ = "0.1.0"

# name -> the module that defines it; each is imported on first use
_LAZY = {"LoadedScenario": "scenario", "load_scenario": "scenario", "ScenarioError": "yamlsource",
         "run_on": "api",  # a command typed at a host's shell
         "draw_network": "render.graph", "path_edges": "render.graph",  # the path on the net
         "sequence_rows": "render.graph", "path_records": "render.records",  # hops as rows
         "messages": "render.timeline", "timeline": "render.timeline",  # attempts, retries
         "plot_timeline": "render.plot", "write_report": "render.html",  # pictures, report
         "Sweep": "sweep", "plot_sweep": "render.sweep_plot",  # many seeded runs
         "Workload": "generate", "generate_day": "generate:generate",  # an ISP's day
         "summary_data": "render.summary", "plot_queue": "render.plot"}  # its summary


def __getattr__(name: str) -> Any:
    """The public names, imported on first use (PEP 562)."""
    if name in _LAZY:
        from importlib import import_module

        module, _, attr = _LAZY[name].partition(":")  # "module:name" when it differs
        value = getattr(import_module(f".{module}", __name__), attr or name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
