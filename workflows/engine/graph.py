"""The runtime graph: an immutable, precompiled view of one published graph version.

Build it once per version (`Graph.build`) and share it: it holds no per-instance
data, so adapters may cache it for the lifetime of the process.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from workflows.engine.errors import GraphError
from workflows.engine.ports import ActionCatalog
from workflows.engine.retry import RetryPolicy
from workflows.engine.specs import Spec, compile_spec
from workflows.expressions import Expression, ExpressionError, compile_expression

FORMAT = "flowdesk.graph/v1"


class EdgeKind(enum.StrEnum):
    """How an edge is chosen; an edge has at most one kind besides NORMAL."""

    NORMAL = "normal"
    CONDITION = "condition"
    DEFAULT = "default"
    OUTCOME = "outcome"
    ON_ERROR = "on_error"
    TIMEOUT = "timeout"


@dataclass(frozen=True, slots=True)
class EngineOptions:
    """Engine-wide limits and defaults (one per deployment, passed to `Graph.build`).

    `max_activations_per_node` is the loop guard: the instance fails with
    `loop_limit_exceeded` when any node would be activated more often.
    """

    max_activations_per_node: int = 1000
    default_retry: RetryPolicy = field(default_factory=RetryPolicy)


@dataclass(frozen=True, slots=True)
class Edge:
    id: str
    source: str
    target: str
    kind: EdgeKind
    condition_source: str | None = None
    condition: Expression | None = field(default=None, compare=False, repr=False)
    outcome: str | None = None


@dataclass(frozen=True, slots=True)
class Node:
    """A node with its compiled spec and its edges, each tuple in document order."""

    id: str
    type: str
    name: str
    spec: Spec
    outgoing: tuple[Edge, ...]
    incoming: tuple[Edge, ...]

    def out(self, kind: EdgeKind) -> tuple[Edge, ...]:
        """Return the outgoing edges of one kind, in document order."""
        return tuple(e for e in self.outgoing if e.kind is kind)

    def out_for_outcome(self, outcome: str) -> tuple[Edge, ...]:
        """Return the edges an outcome takes: those labelled with it, else the unlabelled ones."""
        labelled = tuple(e for e in self.outgoing if e.kind is EdgeKind.OUTCOME and e.outcome == outcome)
        return labelled or self.out(EdgeKind.NORMAL)

    @property
    def incoming_ids(self) -> frozenset[str]:
        return frozenset(e.id for e in self.incoming)


@dataclass(frozen=True, slots=True)
class Graph:
    """Nodes by id, edges by id, the start node, input defaults and engine options."""

    nodes: Mapping[str, Node]
    edges: Mapping[str, Edge]
    start: Node
    input_defaults: Mapping[str, Any]
    options: EngineOptions

    def node(self, node_id: str) -> Node:
        return self.nodes[node_id]

    def with_input_defaults(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """Return `data` with the graph's declared input defaults filled in (not validated)."""
        merged = {k: v for k, v in self.input_defaults.items() if k not in data}
        merged.update(data)
        return merged

    @classmethod
    def build(
        cls,
        document: Mapping[str, Any],
        *,
        options: EngineOptions | None = None,
        actions: ActionCatalog | None = None,
    ) -> Graph:
        """Build the runtime graph from a flowdesk.graph/v1 document.

        The document should already be valid (validation lives elsewhere); this
        raises `GraphError` when it cannot be run, e.g. no start node, an edge to a
        missing node, or an expression that does not compile.
        """
        options = options or EngineOptions()
        fmt = document.get("format", FORMAT)
        if fmt != FORMAT:
            raise GraphError(f"unsupported graph format {fmt!r}")
        edges = [_edge(e) for e in document.get("edges", [])]
        raw_nodes = list(document.get("nodes", []))
        ids = {str(n["id"]) for n in raw_nodes}
        for edge in edges:
            for end in (edge.source, edge.target):
                if end not in ids:
                    raise GraphError(f"edge {edge.id} points at unknown node {end}", edge=edge.id)
        nodes: dict[str, Node] = {}
        for raw in raw_nodes:
            node_id, node_type = str(raw["id"]), str(raw["type"])
            config = raw.get("config") or {}
            default_retry = options.default_retry
            if node_type == "task" and actions is not None and "action" in config:
                default_retry = actions.retry_policy(str(config["action"])) or default_retry
            nodes[node_id] = Node(
                id=node_id,
                type=node_type,
                name=str(raw.get("name") or node_id),
                spec=compile_spec(node_id, node_type, config, default_retry),
                outgoing=tuple(e for e in edges if e.source == node_id),
                incoming=tuple(e for e in edges if e.target == node_id),
            )
        starts = [n for n in nodes.values() if n.type == "start"]
        if len(starts) != 1:
            raise GraphError(f"a graph needs exactly one start node, found {len(starts)}")
        defaults = {
            str(name): spec["default"]
            for name, spec in (document.get("inputs") or {}).items()
            if isinstance(spec, Mapping) and "default" in spec
        }
        return cls(
            nodes=MappingProxyType(nodes),
            edges=MappingProxyType({e.id: e for e in edges}),
            start=starts[0],
            input_defaults=MappingProxyType(defaults),
            options=options,
        )


def _edge(raw: Mapping[str, Any]) -> Edge:
    edge_id, source, target = str(raw["id"]), str(raw["source"]), str(raw["target"])
    if raw.get("condition") is not None:
        src = str(raw["condition"])
        try:
            compiled = compile_expression(src)
        except ExpressionError as exc:
            raise GraphError(f"edge {edge_id}: {exc.message}", edge=edge_id) from exc
        return Edge(edge_id, source, target, EdgeKind.CONDITION, src, compiled)
    if raw.get("default"):
        return Edge(edge_id, source, target, EdgeKind.DEFAULT)
    if raw.get("outcome") is not None:
        return Edge(edge_id, source, target, EdgeKind.OUTCOME, outcome=str(raw["outcome"]))
    if raw.get("on_error"):
        return Edge(edge_id, source, target, EdgeKind.ON_ERROR)
    if raw.get("timeout"):
        return Edge(edge_id, source, target, EdgeKind.TIMEOUT)
    return Edge(edge_id, source, target, EdgeKind.NORMAL)
