"""The simulated network: hosts and routers joined by links with one-way latencies (networkx).

A connection between two hosts follows the lowest-latency path; a round trip (RTT) is
twice its one-way latency. Each TCP connection costs one RTT for the handshake before
the first application data (RFC 9293 §3.5, the three-way handshake).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx


@dataclass(frozen=True, slots=True)
class Link:
    a: str
    b: str
    latency: float  # one-way seconds


class Network:
    """Topology plus what is down; answers "how long from A to B" and "is B reachable"."""

    __slots__ = ("_cache", "_down_hosts", "_down_links", "graph")

    def __init__(self, nodes: list[str], links: list[Link]) -> None:
        import networkx as nx  # lazily: importing networkx costs ~370 ms

        self.graph: nx.Graph = nx.Graph()
        self.graph.add_nodes_from(nodes)
        for link in links:
            self.graph.add_edge(link.a, link.b, latency=link.latency)
        self._down_hosts: set[str] = set()
        self._down_links: set[frozenset[str]] = set()
        self._cache: dict[tuple[str, str], tuple[float, tuple[str, ...]] | None] = {}

    def route(self, a: str, b: str) -> tuple[float, tuple[str, ...]] | None:
        """(one-way latency, path) of the fastest working path, or None when unreachable."""
        key = (a, b)
        if key not in self._cache:
            self._cache[key] = self._compute(a, b)
        return self._cache[key]

    def latency(self, a: str, b: str) -> float | None:
        found = self.route(a, b)
        return None if found is None else found[0]

    def rtt(self, a: str, b: str) -> float | None:
        found = self.route(a, b)
        return None if found is None else 2 * found[0]

    def is_up(self, host: str) -> bool:
        return host not in self._down_hosts

    def set_host(self, host: str, up: bool) -> None:
        (self._down_hosts.discard if up else self._down_hosts.add)(host)
        self._cache.clear()

    def set_link(self, a: str, b: str, up: bool) -> None:
        pair = frozenset((a, b))
        (self._down_links.discard if up else self._down_links.add)(pair)
        self._cache.clear()

    def set_latency(self, a: str, b: str, latency: float) -> None:
        """A slower (or faster) link from now on; connections already open keep theirs."""
        self.graph.edges[a, b]["latency"] = latency
        self._cache.clear()

    def has_link(self, a: str, b: str) -> bool:
        return bool(self.graph.has_edge(a, b))

    def _compute(self, a: str, b: str) -> tuple[float, tuple[str, ...]] | None:
        import networkx as nx

        if a == b:
            return (0.0, (a,))
        view = nx.subgraph_view(self.graph, filter_node=self._node_ok, filter_edge=self._edge_ok)
        try:
            length, path = nx.single_source_dijkstra(view, a, b, weight="latency")
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            return None
        return (float(length), tuple(path))

    def _node_ok(self, node: Any) -> bool:
        return node not in self._down_hosts

    def _edge_ok(self, a: Any, b: Any) -> bool:
        return frozenset((a, b)) not in self._down_links
