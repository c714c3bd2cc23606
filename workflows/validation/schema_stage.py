"""Stages 0 and 1: limits, then the JSON Schema of the document, node configs and params."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

from jsonschema.exceptions import ValidationError

from workflows.contract.checker import SchemaChecker
from workflows.contract.graph_schema import SKELETON_SCHEMA
from workflows.contract.limits import MAX_DEPTH, MAX_EDGES, MAX_NODES
from workflows.contract.node_types import NODE_TYPES
from workflows.validation import problems as p
from workflows.validation.messages import describe
from workflows.validation.paths import format_path, join
from workflows.validation.problems import Problem


class ActionInfo(Protocol):
    """What validation needs to know about a registered action."""

    @property
    def params_checker(self) -> SchemaChecker: ...

    @property
    def permission(self) -> str | None: ...


ActionLookup = Callable[[str], ActionInfo | None]

SKELETON = SchemaChecker(SKELETON_SCHEMA)
CONFIGS = {name: SchemaChecker(spec.config_schema) for name, spec in NODE_TYPES.items()}


def check_limits(graph: Any) -> list[Problem]:
    """Stage 0: refuse documents too big or too deep to analyse. Any problem here is fatal."""
    if not isinstance(graph, dict):
        return [Problem(p.INVALID_GRAPH, "the graph must be a JSON object", path="")]
    nodes, edges = graph.get("nodes"), graph.get("edges")
    if isinstance(nodes, list) and len(nodes) > MAX_NODES:
        return [
            Problem(
                p.GRAPH_TOO_LARGE, f"the graph has {len(nodes)} nodes; the limit is {MAX_NODES}", path="nodes"
            )
        ]
    if isinstance(edges, list) and len(edges) > MAX_EDGES:
        return [
            Problem(
                p.GRAPH_TOO_LARGE, f"the graph has {len(edges)} edges; the limit is {MAX_EDGES}", path="edges"
            )
        ]
    if too_deep(graph, MAX_DEPTH):
        return [Problem(p.GRAPH_TOO_LARGE, f"values are nested more than {MAX_DEPTH} levels deep", path="")]
    return []


def too_deep(value: Any, limit: int) -> bool:
    """True when containers nest more than `limit` levels (recursion bounded by `limit`)."""
    if isinstance(value, dict):
        children: Iterable[Any] = value.values()
    elif isinstance(value, list):
        children = value
    else:
        return False
    if limit <= 0:
        return True
    for child in children:  # noqa: SIM110 (faster than any() over a generator)
        if isinstance(child, dict | list) and too_deep(child, limit - 1):
            return True
    return False


def usable_skeleton(graph: dict[str, Any]) -> bool:
    """True when the later stages can read the graph: lists of nodes and edges with string
    ids, types and ends. Anything short of that stops validation after this stage."""
    nodes, edges = graph.get("nodes"), graph.get("edges")
    if not isinstance(nodes, list) or not isinstance(edges, list):
        return False
    for node in nodes:
        if not (
            isinstance(node, dict) and isinstance(node.get("id"), str) and isinstance(node.get("type"), str)
        ):
            return False
    for edge in edges:
        if not (
            isinstance(edge, dict)
            and isinstance(edge.get("id"), str)
            and isinstance(edge.get("source"), str)
            and isinstance(edge.get("target"), str)
        ):
            return False
    return True


def check_schema(graph: dict[str, Any], actions: ActionLookup) -> list[Problem]:
    """Stage 1: the document skeleton, each node's config, each task's params."""
    found: list[Problem] = []
    if not SKELETON.is_valid(graph):
        found.extend(_from_errors(SKELETON.errors(graph), "", p.INVALID_GRAPH, graph))
    nodes = graph.get("nodes")
    if not isinstance(nodes, list):
        return found
    for index, node in enumerate(nodes):
        if not isinstance(node, dict):
            continue
        checker = CONFIGS.get(node.get("type"))  # type: ignore[arg-type]
        config = node.get("config", {})
        if checker is None or not isinstance(config, dict):
            continue  # unknown type or non-object config: reported by the skeleton
        base = f"nodes[{index}].config"
        node_id = node.get("id") if isinstance(node.get("id"), str) else None
        if not checker.is_valid(config):
            found.extend(_from_errors(checker.errors(config), base, p.INVALID_CONFIG, graph, node_id))
        if node.get("type") == "task":
            found.extend(_check_params(config, base, node_id, actions))
            compensate = config.get("compensate")
            if isinstance(compensate, dict):
                found.extend(_check_params(compensate, f"{base}.compensate", node_id, actions))
    return found


def _check_params(
    config: dict[str, Any], base: str, node_id: str | None, actions: ActionLookup
) -> Iterator[Problem]:
    name, params = config.get("action"), config.get("params", {})
    spec = actions(name) if isinstance(name, str) else None
    if spec is None or not isinstance(params, dict) or spec.params_checker.is_valid(params):
        return
    # A template's value is known only when the step runs: strings with {{ }} pass here.
    errors = [e for e in spec.params_checker.errors(params) if not _is_template(e.instance)]
    yield from _from_errors(errors, f"{base}.params", p.INVALID_PARAMS, None, node_id)


def _is_template(value: Any) -> bool:
    return isinstance(value, str) and "{{" in value


def _from_errors(
    errors: Iterable[ValidationError],
    base: str,
    code: str,
    graph: dict[str, Any] | None,
    node_id: str | None = None,
) -> Iterator[Problem]:
    for error in errors:
        parts = list(error.absolute_path)
        node, edge = node_id, None
        if graph is not None and not base and len(parts) >= 2 and isinstance(parts[1], int):
            node, edge = _owner(graph, parts[0], parts[1])
        path = format_path(parts, base)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            known = set(error.schema.get("properties", {}))
            for key in error.instance:
                if key not in known:
                    yield Problem(
                        p.UNKNOWN_FIELD, f"unknown field {key!r}", node=node, edge=edge, path=join(path, key)
                    )
            continue
        if error.validator == "required" and isinstance(error.instance, dict):
            for key in error.validator_value:
                if key not in error.instance:
                    yield Problem(code, f"{key!r} is required", node=node, edge=edge, path=join(path, key))
            continue
        if (
            not base
            and len(parts) == 3
            and parts[0] == "nodes"
            and parts[2] == "type"
            and error.validator == "enum"
        ):
            yield Problem(
                p.UNKNOWN_NODE_TYPE,
                f"unknown node type {str(error.instance)[:64]!r}; use one of: {', '.join(NODE_TYPES)}",
                node=node,
                path=path,
            )
            continue
        yield Problem(
            code, f"{path or 'the graph'}: {describe(error)}", node=node, edge=edge, path=path or None
        )


def _owner(graph: dict[str, Any], collection: Any, index: int) -> tuple[str | None, str | None]:
    items = graph.get(collection) if collection in {"nodes", "edges"} else None
    if not isinstance(items, list) or index >= len(items) or not isinstance(items[index], dict):
        return None, None
    item_id = items[index].get("id")
    item_id = item_id if isinstance(item_id, str) else None
    return (item_id, None) if collection == "nodes" else (None, item_id)
