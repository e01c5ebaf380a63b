"""Notebooks run top to bottom without error; the graph views of a message's path are right."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")  # before anything imports matplotlib

from simulator import load_scenario
from simulator.render.graph import (
    PATH_WIDTH,
    draw_network,
    layered_layout,
    path_edges,
    sequence_rows,
)
from simulator.world import World

if TYPE_CHECKING:
    from matplotlib.axes import Axes

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
BASIC = ROOT / "scenarios" / "01-basic-delivery.yaml"

SUBMISSION = [("alice-pc", "isp-router"), ("isp-router", "mail.example.net")]
RELAY = [("mail.example.net", "isp-router"), ("isp-router", "internet"),
         ("internet", "mx.example.org")]
POP3_FETCH = [("bob-pc", "internet"), ("internet", "mx.example.org")]


def _world(until: str) -> World:
    return load_scenario(BASIC).build().run(until=until)


@pytest.fixture(scope="module")
def delivered() -> World:
    """09:05: in bob's mbox on mx.example.org, not fetched yet."""
    return _world("5m")


@pytest.fixture(scope="module")
def fetched() -> World:
    """09:15: bob's client has fetched it by POP3."""
    return _world("15m")


# --- notebooks -----------------------------------------------------------------------------
def test_there_are_notebooks() -> None:
    assert NOTEBOOKS, "notebooks/*.ipynb: none found"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_saved_without_outputs(path: Path) -> None:
    import nbformat

    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    dirty = [i for i, c in enumerate(nb.cells)
             if c.cell_type == "code" and (c.outputs or c.execution_count is not None)]
    assert dirty == [], f"{path.name}: clear the outputs of cells {dirty}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.setenv("MPLBACKEND", "Agg")  # the kernel inherits it
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name="python3", timeout=120,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()  # raises CellExecutionError on the first failing cell
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert errors == []


WALKTHROUGHS = {  # one per lab group (issue 11)
    "02-flow-and-mx.ipynb": "flow and MX",
    "03-mailboxes-pop3-imap.ipynb": "mailboxes and POP3/IMAP",
    "04-aliases-and-forward.ipynb": "aliases and .forward",
    "05-queue-and-bounces.ipynb": "the queue and bounces",
    "06-submission-and-relay.ipynb": "submission and relay control",
    "07-mta-families-and-commands.ipynb": "MTA families and commands",
    "08-sweeps.ipynb": "sweeps of seeded runs",
    "09-an-isp-day.ipynb": "a large run summarised (--trace summary)",
}


def _cells(path: Path) -> list:  # type: ignore[type-arg]
    import nbformat

    return list(nbformat.read(path, as_version=4).cells)


def test_there_is_a_walkthrough_per_lab_group() -> None:
    assert sorted(WALKTHROUGHS) == sorted(p.name for p in NOTEBOOKS if p.name[:2] != "01")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_uses_only_the_public_api(path: Path) -> None:
    import re

    code = "\n".join(c.source for c in _cells(path) if c.cell_type == "code")
    imports = re.findall(r"^\s*(?:from|import)\s+(simulator[\w.]*)", code, re.MULTILINE)
    assert imports and set(imports) == {"simulator"}, imports


@pytest.mark.parametrize("name", sorted(WALKTHROUGHS))
def test_walkthrough_asks_questions_draws_and_hides_its_answers(name: str) -> None:
    cells = _cells(ROOT / "notebooks" / name)
    questions = [c for c in cells if c.cell_type == "markdown" and "**Questions" in c.source]
    asked = sum(len([ln for ln in c.source.splitlines() if ln[:1].isdigit()]) for c in questions)
    last = cells[-1]
    answered = len([ln for ln in last.source.splitlines() if ln[:1].isdigit()])
    assert questions and asked == answered, (asked, answered)
    assert last.cell_type == "markdown" and "<details>" in last.source
    assert last.metadata["jupyter"]["source_hidden"] is True  # collapsed in JupyterLab
    code = "\n".join(c.source for c in cells if c.cell_type == "code")
    assert "draw_network(" in code
    if name.startswith("05"):
        assert "plot_timeline(" in code  # the retry timeline
    if name.startswith("08"):
        assert "plot_sweep(" in code  # the comparison of the settings
    if name.startswith("09"):
        assert "plot_queue(" in code and 'trace="summary"' in code  # the queue over the day


# --- path_edges ----------------------------------------------------------------------------
def test_path_before_the_fetch_is_submission_then_relay(delivered: World) -> None:
    assert path_edges(delivered, "lunch") == SUBMISSION + RELAY


def test_the_fetch_hop_is_recorded_under_the_message(fetched: World) -> None:
    hops = [h for h in fetched.trace.path("lunch") if h.action == "pop3_fetch"]
    assert [(h.src_host, h.dst_host, h.proto) for h in hops] == [
        ("bob-pc", "mx.example.org", "POP3")]


def test_path_after_the_fetch_ends_in_bobs_client(fetched: World) -> None:
    assert path_edges(fetched, "lunch") == SUBMISSION + RELAY + POP3_FETCH


def test_dns_and_in_host_hops_cross_no_link(fetched: World) -> None:
    crossing = [h for h in fetched.trace.path("lunch")
                if h.dst_host != "dns" and h.src_host != h.dst_host]
    assert [h.action for h in crossing] == ["tls_handshake", "submit", "relay", "pop3_fetch"]


def test_unknown_message_has_no_path(fetched: World) -> None:
    assert path_edges(fetched, "no-such-message") == []


def test_sequence_rows_follow_the_hops(fetched: World) -> None:
    rows = sequence_rows(fetched, "lunch")
    assert len(rows) == len(fetched.trace.path("lunch"))
    assert rows[1][1:3] == rows[2][1:3] == ("alice-pc/MUA", "mail.example.net/smtpd")
    assert rows[1][3] == "tls_handshake TLS/587: TLSv1.3"  # STARTTLS on the submission port
    assert rows[2][3].startswith("submit ESMTPSA/587: 250 2.0.0 Ok: queued as ")
    assert rows[-1][1:3] == ("bob-pc/MUA", "mx.example.org/pop3d")
    assert [r[0] for r in rows] == sorted(r[0] for r in rows)


# --- layout and drawing --------------------------------------------------------------------
def test_layout_is_deterministic_and_spreads_the_nodes(fetched: World) -> None:
    graph = fetched.net.graph
    first = layered_layout(graph, ["alice-pc"])
    assert first == layered_layout(graph, ["alice-pc"])
    assert set(first) == set(graph.nodes)
    assert len(set(first.values())) == graph.number_of_nodes()
    assert first["alice-pc"][0] < first["isp-router"][0] < first["mx.example.org"][0]


def _edge_collections(ax: Axes) -> dict[float, int]:
    from matplotlib.collections import LineCollection

    return {float(c.get_linewidths()[0]): len(c.get_segments())
            for c in ax.collections if isinstance(c, LineCollection)}


def _outlined(ax: Axes) -> int:
    from matplotlib.collections import PathCollection

    (nodes,) = [c for c in ax.collections if isinstance(c, PathCollection)]
    return sum(1 for w in nodes.get_linewidths() if w > 1.0)


def test_draw_highlights_the_path_edges(delivered: World) -> None:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    ax = draw_network(delivered, "lunch", ax=Figure().subplots())
    assert isinstance(ax, Axes)
    # 4 distinct links crossed (isp-router—mail.example.net twice); bob-pc—internet not yet
    widths = _edge_collections(ax)
    assert widths[PATH_WIDTH] == 4
    assert sum(n for w, n in widths.items() if w != PATH_WIDTH) == 1
    assert _outlined(ax) == 5  # every host but bob-pc
    assert "8 ms" in {t.get_text() for t in ax.texts}


def test_draw_without_a_message_highlights_nothing(fetched: World) -> None:
    import matplotlib.pyplot as plt

    ax = draw_network(fetched)
    try:
        assert PATH_WIDTH not in _edge_collections(ax)
        assert _outlined(ax) == 0
        assert any("198.51.100.23" in t.get_text() for t in ax.texts)
    finally:
        plt.close(ax.figure)


def test_draw_after_the_fetch_highlights_every_link(fetched: World) -> None:
    from matplotlib.figure import Figure

    ax = draw_network(fetched, "lunch", ax=Figure().subplots())
    assert _edge_collections(ax) == {PATH_WIDTH: fetched.net.graph.number_of_edges()}
    assert _outlined(ax) == fetched.net.graph.number_of_nodes()


def test_draw_in_japanese_never_draws_empty_boxes(fetched: World) -> None:
    import warnings

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" would fail here
        ax = draw_network(fetched, "lunch", ax=figure.subplots(), lang="ja")
        FigureCanvasAgg(figure).draw()
    assert "lunch" in ax.get_title()
