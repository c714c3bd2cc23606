"""The JSON Schema (draft 2020-12) of a whole graph document, served at /api/graph-schema/.

Each node's `config` is tied to its type with `if`/`then` on the node type's own
config schema (the objects of `workflows.contract.configs`), so this document, the
node-types endpoint and the validator share every schema object.
"""

from __future__ import annotations

from typing import Any

from workflows.contract.configs import EXPRESSION
from workflows.contract.limits import (
    GRAPH_FORMAT,
    ID_PATTERN,
    MAX_EDGES,
    MAX_NAME_LENGTH,
    MAX_NODES,
    VARIABLE_PATTERN,
)
from workflows.contract.node_types import NODE_TYPES

INPUT_TYPES = {
    "string": "string",
    "number": "number",
    "integer": "integer",
    "boolean": "boolean",
    "object": "object",
    "array": "array",
}

INPUT: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["type"],
    "properties": {
        "type": {"enum": list(INPUT_TYPES)},
        "required": {"type": "boolean"},
        "default": {},
        "label": {"type": "string", "maxLength": MAX_NAME_LENGTH},
        "description": {"type": "string", "maxLength": 1_000},
    },
    "allOf": [
        {
            "if": {"properties": {"type": {"const": name}}, "required": ["type"]},
            "then": {"properties": {"default": {"type": json_type}}},
        }
        for name, json_type in INPUT_TYPES.items()
    ],
}

POSITION: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["x", "y"],
    "properties": {"x": {"type": "number"}, "y": {"type": "number"}},
    "description": "Where the designer draws the node; ignored by the engine",
}

NODE_BASE: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "type"],
    "properties": {
        "id": {"type": "string", "pattern": ID_PATTERN},
        "type": {"enum": list(NODE_TYPES)},
        "name": {"type": "string", "maxLength": MAX_NAME_LENGTH},
        "position": POSITION,
        "config": {"type": "object"},
    },
}

NODE: dict[str, Any] = {
    **NODE_BASE,
    "allOf": [
        {
            "if": {"properties": {"type": {"const": name}}, "required": ["type"]},
            "then": {"properties": {"config": spec.config_schema}},
        }
        for name, spec in NODE_TYPES.items()
    ],
}

EDGE: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "source", "target"],
    "properties": {
        "id": {"type": "string", "pattern": ID_PATTERN},
        "source": {"type": "string", "pattern": ID_PATTERN},
        "target": {"type": "string", "pattern": ID_PATTERN},
        "label": {"type": "string", "maxLength": MAX_NAME_LENGTH},
        "condition": EXPRESSION,
        "default": {"type": "boolean"},
        "outcome": {"type": "string", "pattern": ID_PATTERN},
        "on_error": {"type": "boolean"},
        "timeout": {"type": "boolean"},
    },
}


def _document(node: dict[str, Any]) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:flowdesk:graph:v1",
        "title": "Flowdesk workflow graph, format v1",
        "type": "object",
        "additionalProperties": False,
        "required": ["format", "nodes", "edges"],
        "properties": {
            "format": {"const": GRAPH_FORMAT},
            "inputs": {
                "type": "object",
                "propertyNames": {"pattern": VARIABLE_PATTERN},
                "additionalProperties": INPUT,
                "maxProperties": 100,
            },
            "nodes": {"type": "array", "items": node, "maxItems": MAX_NODES},
            "edges": {"type": "array", "items": EDGE, "maxItems": MAX_EDGES},
        },
    }


GRAPH_SCHEMA: dict[str, Any] = _document(NODE)
"""The full graph schema, node configs included (what /api/graph-schema/ serves)."""

SKELETON_SCHEMA: dict[str, Any] = _document(NODE_BASE)
"""The same document with each `config` checked only as an object. The validator uses it
plus one validator per node type (the `then` schemas above), which names the node of
every problem and costs one schema check per node instead of eleven `if`s."""
