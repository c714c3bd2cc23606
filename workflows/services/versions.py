"""Publish drafts as immutable versions; deprecate and retire versions."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from rest_framework.exceptions import NotFound

from workflows.contract.canonical import checksum, graph_diff
from workflows.contract.limits import MAX_DESCRIPTION_LENGTH
from workflows.models import VersionStatus, WorkflowDefinition, WorkflowVersion
from workflows.selectors.definitions import version_get
from workflows.services.capabilities import DjangoCapabilityPort
from workflows.services.definitions import definition_ensure_can_edit
from workflows.services.errors import GraphInvalid, VersionUnchanged, invalid
from workflows.validation import has_errors, validate_graph


@transaction.atomic
def version_publish(*, definition: WorkflowDefinition, actor: Any, notes: str = "") -> WorkflowVersion:
    """Validate the draft with the whole pipeline (as `actor`, the author) and freeze it
    as the next version. Raises 400 graph_invalid (with every problem), 409
    version_unchanged when the draft equals the latest published version."""
    definition_ensure_can_edit(definition=definition, user=actor)
    if not isinstance(notes, str) or len(notes) > MAX_DESCRIPTION_LENGTH:
        raise invalid("notes", f"must be a string of at most {MAX_DESCRIPTION_LENGTH} characters")
    locked = WorkflowDefinition.objects.select_for_update().filter(pk=definition.pk).first()
    if locked is None:
        raise NotFound()
    # The draft was read back from the database, so its JSON is already in the form the
    # database keeps: the checksum computed here is the one of the stored version.
    graph = locked.graph
    problems = validate_graph(graph, port=DjangoCapabilityPort(actor))
    if has_errors(problems):
        raise GraphInvalid(problems, "The graph has errors; fix them before publishing.")
    digest = checksum(graph)
    latest = locked.versions.order_by("-number").first()
    if latest is not None and latest.checksum == digest and latest.status == VersionStatus.PUBLISHED:
        raise VersionUnchanged(f"The draft is the same as version {latest.number}, which is published.")
    return WorkflowVersion.objects.create(
        definition=locked,
        number=(latest.number + 1) if latest else 1,
        graph=graph,
        checksum=digest,
        published_by=actor,
        published_at=timezone.now(),
        notes=notes,
    )


def _transition(version: WorkflowVersion, actor: Any, name: str) -> WorkflowVersion:
    definition_ensure_can_edit(definition=version.definition, user=actor)
    locked = (
        WorkflowVersion.objects.select_for_update()
        .select_related("definition", "published_by")
        .get(pk=version.pk)
    )
    getattr(locked, name)()  # TransitionNotAllowed -> 409 invalid_state
    locked.save()
    return locked


@transaction.atomic
def version_deprecate(*, version: WorkflowVersion, actor: Any) -> WorkflowVersion:
    """published -> deprecated: running instances go on, new ones cannot start on it."""
    return _transition(version, actor, "deprecate")


@transaction.atomic
def version_retire(*, version: WorkflowVersion, actor: Any) -> WorkflowVersion:
    """published or deprecated -> retired (final)."""
    return _transition(version, actor, "retire")


def version_diff(*, definition: WorkflowDefinition, a: int, b: int) -> dict[str, Any]:
    """What changed from version `a` to version `b` (404 if either is missing)."""
    return graph_diff(
        version_get(definition=definition, number=a).graph, version_get(definition=definition, number=b).graph
    )
