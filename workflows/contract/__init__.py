"""The graph format v1 as a contract: node types, schemas, limits, canonical form."""

from workflows.contract.canonical import canonical_json, checksum, graph_diff
from workflows.contract.graph_schema import GRAPH_SCHEMA
from workflows.contract.limits import DEFINITION_FORMAT, GRAPH_FORMAT, MAX_GRAPH_BYTES, MAX_NODES
from workflows.contract.node_types import EDGE_KINDS, NODE_TYPES, NodeType, node_types_json

__all__ = [
    "DEFINITION_FORMAT",
    "EDGE_KINDS",
    "GRAPH_FORMAT",
    "GRAPH_SCHEMA",
    "MAX_GRAPH_BYTES",
    "MAX_NODES",
    "NODE_TYPES",
    "NodeType",
    "canonical_json",
    "checksum",
    "graph_diff",
    "node_types_json",
]
