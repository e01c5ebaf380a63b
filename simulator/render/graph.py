"""The scenario's network drawn with matplotlib, one message's path highlighted.

Hosts and routers are the nodes of ``world.net.graph`` (networkx); links carry their one-way
latency. A hop between two different hosts crossed the links of the fastest route between
them (net/topology.py); DNS queries (to the pseudo host "dns") and in-host hand-offs
(smtpd -> cleanup -> qmgr -> local) cross no link. matplotlib and networkx are imported
inside the functions, so importing this module stays cheap.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from itertools import pairwise
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..model.trace import Hop
    from ..world import World

Edge = tuple[str, str]

ROLE_COLOURS = {"client": "#8ecae6", "server": "#ffb703", "router": "#d9d9d9"}
PATH_OF = {"en": "path of {msg}", "ja": "{msg} の経路"}
ROLE_NAMES = {
    "en": {"client": "client", "server": "server", "router": "router"},
    "ja": {"client": "クライアント", "server": "サーバー", "router": "ルーター"},
}
PATH_COLOUR = "#d62828"
PATH_WIDTH = 4.0
BASE_COLOUR = "#9e9e9e"
BASE_WIDTH = 1.2
NODE_SIZE = 500
CJK_FONTS = ("Noto Sans CJK JP", "Noto Sans JP", "IPAexGothic", "IPAGothic", "TakaoGothic",
             "Hiragino Sans", "Yu Gothic", "MS Gothic", "Source Han Sans JP")


# --- what the message crossed --------------------------------------------------------------
def _hops_in_time_order(world: World, msg: str) -> list[Hop]:
    # sorted() is stable: records of the same moment keep the order they were made in
    return sorted(world.trace.path(msg), key=lambda h: h.t)


def _crossed_links(world: World, hop: Hop) -> list[Edge]:
    """The links one hop crossed, in the direction it went; none for DNS and in-host steps."""
    graph = world.net.graph
    if hop.src_host == hop.dst_host or hop.src_host not in graph or hop.dst_host not in graph:
        return []  # in-host hand-off, or the pseudo host "dns"
    if hop.action in ("connect_failed", "tls_handshake"):
        return []  # the connection never carried the message (or not in this step)
    # SIMPLIFICATION: the route is asked now, not at the hop's time; after a link or host
    # fault changed the topology it may differ from the one the hop took.
    found = world.net.route(hop.src_host, hop.dst_host)
    if found is None:
        return []
    nodes = found[1]
    return list(pairwise(nodes))


def hop_links(world: World, hop: Hop) -> list[Edge]:
    """The links one hop crossed (none for DNS queries and steps inside a host)."""
    return _crossed_links(world, hop)


def path_edges(world: World, msg: str) -> list[Edge]:
    """The network edges the message's hops crossed, in order (repeats kept)."""
    edges: list[Edge] = []
    for hop in _hops_in_time_order(world, msg):
        edges += _crossed_links(world, hop)
    return edges


def sequence_rows(world: World, msg: str) -> list[tuple[str, str, str, str]]:
    """(clock, "host/actor", "host/actor", what) per hop: a sequence diagram as rows."""
    clock = world.engine.clock
    rows = []
    for hop in _hops_in_time_order(world, msg):
        what = hop.action + (f" {hop.proto}/{hop.port}" if hop.port else "")
        what += f": {hop.reply}" if hop.reply else ""
        rows.append((clock.short(hop.t), f"{hop.src_host}/{hop.src_actor}",
                     f"{hop.dst_host}/{hop.dst_actor}", what))
    return rows


# --- layout --------------------------------------------------------------------------------
def _layers(graph: Any, roots: Iterable[Hashable]) -> list[list[Hashable]]:
    """Breadth-first layers from the first root; each unreached part starts at layer 0."""
    layers: list[list[Hashable]] = []
    seen: set[Hashable] = set()
    for root in [*roots, *graph.nodes]:
        if root in seen:
            continue
        seen.add(root)
        frontier, depth = [root], 0
        while frontier:
            if depth == len(layers):
                layers.append([])
            layers[depth] += frontier
            nxt = [n for node in frontier for n in graph.neighbors(node) if n not in seen]
            nxt = list(dict.fromkeys(nxt))
            seen.update(nxt)
            frontier, depth = nxt, depth + 1
    return layers


def layered_layout(graph: Any,
                   roots: Iterable[Hashable] = ()) -> dict[Hashable, tuple[float, float]]:
    """Left to right by hop distance from the first root; the same on every run.

    Within a column nodes are ordered by where their neighbours in the previous column sit
    (the barycentre rule), which keeps crossings few in the small graphs of the labs.
    """
    order = {n: i for i, n in enumerate(graph.nodes)}
    pos: dict[Hashable, tuple[float, float]] = {}
    for x, layer in enumerate(_layers(graph, roots)):
        def rank(node: Hashable) -> tuple[float, int]:
            ys = [pos[n][1] for n in graph.neighbors(node) if n in pos]
            return (-sum(ys) / len(ys) if ys else 0.0, order[node])

        for i, node in enumerate(sorted(layer, key=rank)):
            pos[node] = (float(x), (len(layer) - 1) / 2 - i)
    return pos


# --- drawing -------------------------------------------------------------------------------
def _pyplot() -> Any:
    """pyplot, with the 'Agg' backend only when nobody chose one (notebooks keep theirs)."""
    import os
    import sys

    import matplotlib

    chosen = getattr(matplotlib.rcParams, "_get_backend_or_none", lambda: None)()
    if chosen is None and "MPLBACKEND" not in os.environ and "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _roots(world: World) -> list[str]:
    return [n for n, h in world.hosts.items() if h.role == "client"]


def _label(world: World, name: str) -> str:
    host = world.hosts.get(name)
    return f"{name}\n{host.ip}" if host is not None and host.ip else name


def _draw_nodes(world: World, ax: Axes, pos: dict[Any, Any], on_path: set[str]) -> None:
    import networkx as nx

    graph = world.net.graph
    nodes = list(graph.nodes)
    roles = [world.hosts[n].role if n in world.hosts else "router" for n in nodes]
    nx.draw_networkx_nodes(
        graph, pos, ax=ax, nodelist=nodes, node_size=NODE_SIZE,
        node_color=[ROLE_COLOURS.get(r, "white") for r in roles],
        edgecolors=[PATH_COLOUR if n in on_path else "#555555" for n in nodes],
        linewidths=[3.0 if n in on_path else 1.0 for n in nodes])
    below = {n: (x, y - 0.12) for n, (x, y) in pos.items()}  # names under the discs
    nx.draw_networkx_labels(graph, below, ax=ax, font_size=8, verticalalignment="top",
                            labels={n: _label(world, n) for n in nodes})


def _draw_edges(world: World, ax: Axes, pos: dict[Any, Any], crossed: set[frozenset[str]]) -> None:
    import networkx as nx

    graph = world.net.graph
    hot = [e for e in graph.edges if frozenset(e) in crossed]
    cold = [e for e in graph.edges if frozenset(e) not in crossed]
    for edges, colour, width in ((cold, BASE_COLOUR, BASE_WIDTH), (hot, PATH_COLOUR, PATH_WIDTH)):
        if edges:
            nx.draw_networkx_edges(graph, pos, ax=ax, edgelist=edges, edge_color=colour,
                                   width=width, node_size=NODE_SIZE)
    labels = {(a, b): f"{d['latency'] * 1000:g} ms" for a, b, d in graph.edges(data=True)}
    nx.draw_networkx_edge_labels(graph, pos, ax=ax, edge_labels=labels, font_size=7)


def _cjk_font() -> str | None:
    """A font matplotlib knows that has Japanese glyphs, if any (DejaVu Sans has none)."""
    from matplotlib import font_manager

    known = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in known), None)


def _decorate(world: World, ax: Axes, msg: str | None, lang: str) -> None:
    from matplotlib.patches import Patch

    font = _cjk_font() if lang == "ja" else None
    if font is None:
        lang = "en"  # without a Japanese font the labels would be empty boxes
    names = ROLE_NAMES.get(lang, ROLE_NAMES["en"])
    ax.legend(handles=[Patch(facecolor=c, edgecolor="#555555", label=names[r])
                       for r, c in ROLE_COLOURS.items()], loc="best",
              prop={"family": font, "size": 8} if font else {"size": 8})
    title = world.spec.title.get(lang)  # falls back to English
    if msg is not None:
        title += "\n" + PATH_OF.get(lang, PATH_OF["en"]).format(msg=msg)
    ax.set_title(title, fontsize=9, fontfamily=font)
    ax.margins(0.15)
    ax.set_axis_off()


def draw_network(world: World, msg: str | None = None, ax: Axes | None = None,
                 lang: str = "en") -> Axes:
    """Draw the network; with ``msg``, its path's links thick and red, its hosts outlined.

    Japanese labels (``lang="ja"``) need a font with Japanese glyphs (Noto Sans CJK JP,
    IPAexGothic ...) known to matplotlib; without one the labels stay in English.
    """
    if ax is None:
        _, ax = _pyplot().subplots(figsize=(9, 5))
    edges = path_edges(world, msg) if msg is not None else []
    pos = layered_layout(world.net.graph, _roots(world))
    _draw_edges(world, ax, pos, {frozenset(e) for e in edges})
    _draw_nodes(world, ax, pos, {n for e in edges for n in e})
    _decorate(world, ax, msg, lang)
    return ax
