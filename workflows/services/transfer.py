"""Export a definition as a portable document, and import one."""

from __future__ import annotations

from typing import Any

from workflows.contract.limits import DEFINITION_FORMAT
from workflows.models import WorkflowDefinition
from workflows.services.definitions import definition_create
from workflows.services.errors import invalid

EXPORT_FIELDS = ("format", "key", "name", "description", "tags", "graph")


def definition_export(*, definition: WorkflowDefinition) -> dict[str, Any]:
    """The draft and its descriptive fields as a flowdesk.definition/v1 document."""
    return {
        "format": DEFINITION_FORMAT,
        "key": definition.key,
        "name": definition.name,
        "description": definition.description,
        "tags": list(definition.tags),
        "graph": definition.graph,
    }


def definition_import(*, owner: Any, document: Any, key: str | None = None) -> WorkflowDefinition:
    """Create a definition from an export document (its `key`, or `key` to import a copy
    under another one). The graph is stored exactly as given; nothing is stored when the
    document or its graph is malformed (400) or the key is taken (409)."""
    if not isinstance(document, dict):
        raise invalid("document", "must be a JSON object")
    unknown = sorted(set(document) - set(EXPORT_FIELDS))
    if unknown:
        raise invalid(unknown[0], "unknown field")
    if document.get("format") != DEFINITION_FORMAT:
        raise invalid("format", f"must be {DEFINITION_FORMAT!r}")
    for field in ("key", "name", "graph"):
        if field not in document and not (field == "key" and key):
            raise invalid(field, "this field is required")
    return definition_create(
        owner=owner,
        key=key or document["key"],
        name=document["name"],
        description=document.get("description", ""),
        tags=document.get("tags", []),
        graph=document["graph"],
    )
