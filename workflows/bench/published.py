"""The published definitions the benchmark scenarios run."""

from __future__ import annotations

from typing import Any

from workflows.models import WorkflowDefinition
from workflows.services.definitions import definition_create, definition_update
from workflows.services.versions import version_publish


def ensure_published(
    user: Any, *, key: str, graph: dict[str, Any], name: str | None = None
) -> WorkflowDefinition:
    """Definition `key` with `graph` published (created once, republished when the graph changed)."""
    definition = WorkflowDefinition.objects.filter(key=key).first()
    if definition is None:
        definition = definition_create(owner=user, key=key, name=name or f"Bench: {key}", graph=graph)
    elif definition.graph != graph:
        definition = definition_update(
            definition=definition, actor=user, expected_revision=definition.revision, graph=graph
        )
    latest = definition.versions.order_by("-number").first()
    if latest is None or latest.graph != graph:
        version_publish(definition=definition, actor=user, notes="benchmark")
    return definition
