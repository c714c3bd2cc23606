"""A read-only index of a graph whose skeleton is usable: nodes, edges, kinds, adjacency."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from workflows.contract.node_types import EDGE_KINDS, NODE_TYPES, NodeType

PLAIN = "plain"
INVALID = "invalid"
"""The kind of an edge whose markers are wrong (reported once; other rules skip it)."""


def edge_markers(edge: dict[str, Any]) -> list[str]:
    """The special kinds an edge is marked with (`default: false` is no marker)."""
    found = []
    for kind in EDGE_KINDS:
        value = edge.get(kind)
        if kind in {"condition", "outcome"}:
            if value is not None:
                found.append(kind)
        elif value is True:
            found.append(kind)
    return found


@dataclass(slots=True)
class NodeEntry:
    index: int
    id: str
    type: str
    config: dict[str, Any]
    spec: NodeType | None


@dataclass(slots=True)
class EdgeEntry:
    index: int
    id: str
    source: str
    target: str
    raw: dict[str, Any]
    kind: str = PLAIN
    dangling: bool = False


@dataclass(slots=True)
class GraphIndex:
    nodes: dict[str, NodeEntry] = field(default_factory=dict)
    node_list: list[NodeEntry] = field(default_factory=list)
    duplicate_nodes: list[NodeEntry] = field(default_factory=list)
    edges: list[EdgeEntry] = field(default_factory=list)
    duplicate_edges: list[EdgeEntry] = field(default_factory=list)
    outgoing: dict[str, list[EdgeEntry]] = field(default_factory=lambda: defaultdict(list))
    incoming: dict[str, list[EdgeEntry]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def build(cls, graph: dict[str, Any]) -> GraphIndex:
        index = cls()
        for position, raw in enumerate(graph["nodes"]):
            config = raw.get("config", {})
            entry = NodeEntry(
                position,
                raw["id"],
                raw["type"],
                config if isinstance(config, dict) else {},
                NODE_TYPES.get(raw["type"]),
            )
            if entry.id in index.nodes:
                index.duplicate_nodes.append(entry)
            else:
                index.nodes[entry.id] = entry
                index.node_list.append(entry)
        seen: set[str] = set()
        for position, raw in enumerate(graph["edges"]):
            edge = EdgeEntry(position, raw["id"], raw["source"], raw["target"], raw)
            if edge.id in seen:
                index.duplicate_edges.append(edge)
            seen.add(edge.id)
            edge.dangling = edge.source not in index.nodes or edge.target not in index.nodes
            index.edges.append(edge)
            if not edge.dangling:
                index.outgoing[edge.source].append(edge)
                index.incoming[edge.target].append(edge)
        return index

    def successors(self, node_id: str) -> list[str]:
        return [edge.target for edge in self.outgoing.get(node_id, ())]

    def reachable_from(self, sources: list[str]) -> set[str]:
        seen = set(sources)
        stack = list(sources)
        while stack:
            for target in self.successors(stack.pop()):
                if target not in seen:
                    seen.add(target)
                    stack.append(target)
        return seen
