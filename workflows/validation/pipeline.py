"""The one validation pipeline: limits, schema, structure, expressions, capabilities.

Used by the API (validate, save, import), by publishing and by the admin, so every
path into the system judges a graph the same way and reports every problem at once.
"""

from __future__ import annotations

from typing import Any

from workflows.validation.capabilities import CapabilityPort, check_capabilities
from workflows.validation.expressions_stage import check_expressions
from workflows.validation.graph_index import GraphIndex
from workflows.validation.problems import DRAFT_BLOCKING_CODES, Problem
from workflows.validation.schema_stage import ActionLookup, check_limits, check_schema, usable_skeleton
from workflows.validation.structure import check_structure


def _default_actions() -> ActionLookup:
    from workflows.actions import get_action  # registers the built-ins on first use

    return get_action


def validate_graph(
    graph: Any, *, port: CapabilityPort | None = None, actions: ActionLookup | None = None
) -> list[Problem]:
    """Return every problem of `graph`, errors and warnings, in stage order.

    Without a `port`, the checks that need the installation (users, groups, other
    definitions, the author's permissions) are skipped; unknown actions are still found.
    Pure: reads nothing but its arguments (and the action registry).
    """
    lookup = actions or _default_actions()
    found = check_limits(graph)
    if found:
        return found
    found = check_schema(graph, lookup)
    if not usable_skeleton(graph):
        return _unique(found)
    index = GraphIndex.build(graph)
    found += check_structure(index)
    found += check_expressions(graph, index)
    found += check_capabilities(index, lookup, port)
    return _unique(found)


def validate_draft(graph: Any, *, actions: ActionLookup | None = None) -> list[Problem]:
    """The problems that stop a draft from being saved: a malformed document or an
    expression that does not compile (see DRAFT_BLOCKING_CODES)."""
    lookup = actions or _default_actions()
    found = check_limits(graph)
    if found:
        return found
    found = check_schema(graph, lookup)
    if usable_skeleton(graph):
        found += check_expressions(graph, GraphIndex.build(graph))
    return [problem for problem in _unique(found) if problem.code in DRAFT_BLOCKING_CODES]


def _unique(found: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(found))
