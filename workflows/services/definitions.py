"""Create, change and delete workflow definitions (drafts).

Locking policy: a save is one `UPDATE ... WHERE id = %s AND revision = %s` (optimistic:
two writers holding one revision race on the row lock; the second finds the revision
moved and changes nothing). Publishing and deleting lock the definition row
(`SELECT ... FOR UPDATE`) for the length of their short transaction.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, ProtectedError, RestrictedError
from django.utils import timezone
from rest_framework.exceptions import NotFound, PermissionDenied

from workflows.contract.canonical import canonical_json
from workflows.contract.limits import (
    KEY_PATTERN,
    MAX_DESCRIPTION_LENGTH,
    MAX_GRAPH_BYTES,
    MAX_NAME_LENGTH,
    MAX_TAGS,
    RESERVED_KEYS,
    TAG_PATTERN,
)
from workflows.models import WorkflowDefinition, initial_graph
from workflows.selectors.definitions import can_edit, can_view
from workflows.services.errors import (
    DefinitionInUse,
    GraphInvalid,
    KeyTaken,
    PayloadTooLarge,
    RevisionConflict,
    invalid,
)
from workflows.validation import validate_draft

UNSET: Any = object()
_KEY = re.compile(KEY_PATTERN.replace("$", r"\Z"))
_TAG = re.compile(TAG_PATTERN.replace("$", r"\Z"))


def definition_ensure_can_edit(*, definition: WorkflowDefinition, user: Any) -> None:
    """Raise NotFound (404) when `user` may not see the definition, PermissionDenied (403)
    when they may see but not change it."""
    if not can_view(user, definition):
        raise NotFound()
    if not can_edit(user, definition):
        raise PermissionDenied("You may read this workflow but not change it.")


def clean_key(key: Any) -> str:
    if not isinstance(key, str) or not _KEY.match(key):
        raise invalid(
            "key",
            "use 1 to 64 lower-case letters, digits, '-' or '_', starting and ending with a letter or digit",
        )
    if key in RESERVED_KEYS:
        raise invalid("key", f"{key!r} is reserved")
    return key


def clean_name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip():
        raise invalid("name", "must be a non-empty string")
    if len(name) > MAX_NAME_LENGTH:
        raise invalid("name", f"must be at most {MAX_NAME_LENGTH} characters long")
    return name.strip()


def clean_description(description: Any) -> str:
    if not isinstance(description, str):
        raise invalid("description", "must be a string")
    if len(description) > MAX_DESCRIPTION_LENGTH:
        raise invalid("description", f"must be at most {MAX_DESCRIPTION_LENGTH} characters long")
    return description


def clean_tags(tags: Any) -> list[str]:
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        raise invalid("tags", "must be a list of strings")
    if len(tags) > MAX_TAGS:
        raise invalid("tags", f"at most {MAX_TAGS} tags")
    for tag in tags:
        if not _TAG.match(tag):
            raise invalid(
                "tags", f"{tag[:60]!r} is not a tag (letters, digits, space, '.', '_', '-'; up to 50)"
            )
    return list(dict.fromkeys(tags))


def clean_graph(graph: Any) -> dict[str, Any]:
    """Refuse a graph over 2 MB (413) or one a draft may not hold (400 graph_invalid)."""
    if not isinstance(graph, dict):
        raise invalid("graph", "must be a JSON object (a flowdesk.graph/v1 document)")
    try:
        size = len(canonical_json(graph))
    except (ValueError, TypeError, RecursionError):
        raise invalid("graph", "must be plain JSON") from None
    if size > MAX_GRAPH_BYTES:
        raise PayloadTooLarge(f"The graph takes {size} bytes; the limit is {MAX_GRAPH_BYTES}.")
    problems = validate_draft(graph)
    if problems:
        raise GraphInvalid(problems, "The graph is not a well-formed flowdesk.graph/v1 document.")
    return graph


@transaction.atomic
def definition_create(
    *,
    owner: Any,
    key: str,
    name: str,
    description: str = "",
    tags: list[str] | None = None,
    graph: dict[str, Any] | None = None,
) -> WorkflowDefinition:
    """Create a definition owned by `owner`; the draft defaults to a start node only.
    Raises 400 invalid / graph_invalid, 413 payload_too_large, 409 key_taken."""
    fields = {
        "key": clean_key(key),
        "name": clean_name(name),
        "description": clean_description(description),
        "tags": clean_tags(tags if tags is not None else []),
        "graph": clean_graph(graph) if graph is not None else initial_graph(),
    }
    if WorkflowDefinition.objects.filter(key=fields["key"]).exists():
        raise KeyTaken(f"A workflow with the key {key!r} already exists.")
    try:
        with transaction.atomic():
            return WorkflowDefinition.objects.create(owner=owner, **fields)
    except IntegrityError:  # a concurrent create took the key between the check and the insert
        raise KeyTaken(f"A workflow with the key {key!r} already exists.") from None


@transaction.atomic
def definition_update(
    *,
    definition: WorkflowDefinition,
    actor: Any,
    expected_revision: int,
    name: Any = UNSET,
    description: Any = UNSET,
    tags: Any = UNSET,
    graph: Any = UNSET,
) -> WorkflowDefinition:
    """Change the draft and its descriptive fields if the stored revision is still
    `expected_revision`; bump the revision. Exactly one of two concurrent writers with
    one revision wins; the other gets 412 revision_conflict and nothing of it is stored."""
    definition_ensure_can_edit(definition=definition, user=actor)
    changes: dict[str, Any] = {}
    if name is not UNSET:
        changes["name"] = clean_name(name)
    if description is not UNSET:
        changes["description"] = clean_description(description)
    if tags is not UNSET:
        changes["tags"] = clean_tags(tags)
    if graph is not UNSET:
        changes["graph"] = clean_graph(graph)
    updated = WorkflowDefinition.objects.filter(pk=definition.pk, revision=expected_revision).update(
        **changes, revision=F("revision") + 1, updated_at=timezone.now()
    )
    if updated == 0:
        current = (
            WorkflowDefinition.objects.filter(pk=definition.pk).values_list("revision", flat=True).first()
        )
        if current is None:
            raise NotFound()
        raise RevisionConflict(current=current, expected=expected_revision)
    for field, value in changes.items():  # as stored; the large graph is not read back
        setattr(definition, field, value)
    definition.refresh_from_db(fields=["revision", "updated_at"])
    return definition


@transaction.atomic
def definition_delete(*, definition: WorkflowDefinition, actor: Any, expected_revision: int) -> None:
    """Delete the definition with its versions. 412 when the revision moved; 409
    definition_in_use while instances still refer to one of its versions."""
    definition_ensure_can_edit(definition=definition, user=actor)
    locked = WorkflowDefinition.objects.select_for_update().filter(pk=definition.pk).first()
    if locked is None:
        raise NotFound()
    if locked.revision != expected_revision:
        raise RevisionConflict(current=locked.revision, expected=expected_revision)
    try:
        locked.delete()
    except (ProtectedError, RestrictedError):
        raise DefinitionInUse(
            "Instances still run on versions of this workflow; retire it instead."
        ) from None
