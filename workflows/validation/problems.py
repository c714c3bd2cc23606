"""Validation problems and their stable codes.

A problem names what is wrong (`code`, stable, for programs), says it for a person
(`message`), tells whether it blocks publishing (`severity`), and points at the node,
the edge and the JSON path it is about.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Severity = Literal["error", "warning"]
ERROR: Severity = "error"
WARNING: Severity = "warning"

# Stage 0, limits
GRAPH_TOO_LARGE = "graph_too_large"
# Stage 1, schema
INVALID_GRAPH = "invalid_graph"
UNKNOWN_FIELD = "unknown_field"
UNKNOWN_NODE_TYPE = "unknown_node_type"
INVALID_CONFIG = "invalid_config"
INVALID_PARAMS = "invalid_params"
# Stage 2, structure
MISSING_START = "missing_start"
MULTIPLE_STARTS = "multiple_starts"
DUPLICATE_ID = "duplicate_id"
DANGLING_EDGE = "dangling_edge"
UNREACHABLE_NODE = "unreachable_node"
DEAD_END = "dead_end"
CONDITION_WITHOUT_DEFAULT = "condition_without_default"
MISSING_CONDITION = "missing_condition"
JOIN_WITHOUT_PARALLEL = "join_without_parallel"
CYCLE_WITHOUT_EXIT = "cycle_without_exit"
EDGE_KIND_NOT_ALLOWED = "edge_kind_not_allowed"
CONFLICTING_EDGE_KINDS = "conflicting_edge_kinds"
AMBIGUOUS_EDGES = "ambiguous_edges"
UNKNOWN_OUTCOME = "unknown_outcome"
UNHANDLED_OUTCOME = "unhandled_outcome"
TOO_MANY_INCOMING = "too_many_incoming"
TOO_FEW_INCOMING = "too_few_incoming"
TOO_MANY_OUTGOING = "too_many_outgoing"
TOO_FEW_OUTGOING = "too_few_outgoing"
# Stage 3, expressions and templates
BAD_EXPRESSION = "bad_expression"
UNKNOWN_STEP = "unknown_step"
UNDECLARED_INPUT = "undeclared_input"
# Stage 4, capabilities
UNKNOWN_ACTION = "unknown_action"
ACTION_NOT_PERMITTED = "action_not_permitted"
UNKNOWN_ASSIGNEE = "unknown_assignee"
UNKNOWN_SUBWORKFLOW = "unknown_subworkflow"

CODES: dict[str, str] = {
    GRAPH_TOO_LARGE: "more than 2,000 nodes or 10,000 edges, or values nested too deeply",
    INVALID_GRAPH: "the document does not match the graph schema (wrong type, bad id, missing field...)",
    UNKNOWN_FIELD: "a field the format does not define (in the document, a node config or action params)",
    UNKNOWN_NODE_TYPE: "a node whose type is not one of the eleven node types",
    INVALID_CONFIG: "a node config that does not match its node type's config schema",
    INVALID_PARAMS: "task or compensation params that do not match the action's params schema",
    MISSING_START: "no start node",
    MULTIPLE_STARTS: "more than one start node",
    DUPLICATE_ID: "two nodes, or two edges, with one id",
    DANGLING_EDGE: "an edge whose source or target is not a node",
    UNREACHABLE_NODE: "a node no path from the start reaches",
    DEAD_END: "a node other than an end with no way forward on its normal path",
    CONDITION_WITHOUT_DEFAULT: "a condition node without an edge marked default",
    MISSING_CONDITION: "an edge leaving a condition node with neither a condition nor default",
    JOIN_WITHOUT_PARALLEL: "a join that no parallel node comes before",
    CYCLE_WITHOUT_EXIT: "a loop no edge leaves: an instance entering it never finishes",
    EDGE_KIND_NOT_ALLOWED: "condition/default/outcome/on_error/timeout on an edge from a node type that has no such edges",
    CONFLICTING_EDGE_KINDS: "an edge marked with more than one of condition, default, outcome, on_error, timeout",
    AMBIGUOUS_EDGES: "two edges for one situation: two plain edges, two defaults, two for one outcome...",
    UNKNOWN_OUTCOME: "an outcome that is not among the approval node's outcomes",
    UNHANDLED_OUTCOME: "an approval outcome that no edge takes",
    TOO_MANY_INCOMING: "more incoming edges than the node type allows",
    TOO_FEW_INCOMING: "fewer incoming edges than the node type needs (a join needs two)",
    TOO_MANY_OUTGOING: "more outgoing edges than the node type allows",
    TOO_FEW_OUTGOING: "fewer outgoing edges than the node type needs (condition and parallel need two)",
    BAD_EXPRESSION: "an expression or template that does not compile (syntax, forbidden construct, unknown name...)",
    UNKNOWN_STEP: "an expression reading steps.<id> of a node that does not exist",
    UNDECLARED_INPUT: "an expression reading input.<name> that `inputs` does not declare (warning)",
    UNKNOWN_ACTION: "a task or compensation naming an action that is not registered",
    ACTION_NOT_PERMITTED: "an action that needs a permission the graph's author does not hold",
    UNKNOWN_ASSIGNEE: "an approval naming a user or group that does not exist",
    UNKNOWN_SUBWORKFLOW: "a subworkflow naming a definition (or version) that does not exist or is not published",
}

SCHEMA_CODES = frozenset(
    {GRAPH_TOO_LARGE, INVALID_GRAPH, UNKNOWN_FIELD, UNKNOWN_NODE_TYPE, INVALID_CONFIG, INVALID_PARAMS}
)
DRAFT_BLOCKING_CODES = (SCHEMA_CODES - {INVALID_CONFIG, INVALID_PARAMS}) | {BAD_EXPRESSION}
"""A draft may be saved with incomplete node configs, structural or capability problems
(it is work in progress: a task just dropped on the canvas has no action yet), but never
as a malformed document, with unknown fields or node types, or with an expression that
does not compile. Publishing runs every check."""


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    message: str
    severity: Severity = ERROR
    node: str | None = None
    edge: str | None = None
    path: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "severity": self.severity,
            "node": self.node,
            "edge": self.edge,
            "path": self.path,
        }


def has_errors(problems: list[Problem]) -> bool:
    return any(problem.severity == ERROR for problem in problems)
