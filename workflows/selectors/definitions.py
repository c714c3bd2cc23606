"""Reads of definitions and versions, with the access rules in one place.

Access: staff see and edit everything; a definition's owner and its editors edit and
publish it; starters read it and start instances; viewers read it. Anyone else gets a
404, never a 403, so keys of hidden workflows do not leak.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group
from django.db import connection
from django.db.models import Case, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404

from workflows.models import DefinitionPermission, Role, VersionStatus, WorkflowDefinition, WorkflowVersion

User = AbstractBaseUser | AnonymousUser

NONE, VIEWER, STARTER, EDITOR = 0, 1, 2, 3
"""Access ranks; each includes the ones below it."""


def _rank_expression(user: Any) -> Any:
    """SQL giving the user's access rank on each definition row."""
    if not user.is_authenticated:
        return Value(NONE, output_field=IntegerField())
    if user.is_staff:
        return Value(EDITOR, output_field=IntegerField())
    grants = (
        DefinitionPermission.objects.filter(definition=OuterRef("pk"))
        .filter(Q(user=user) | Q(group__in=Group.objects.filter(user=user)))
        .annotate(
            rank=Case(
                When(role=Role.EDITOR, then=Value(EDITOR)),
                When(role=Role.STARTER, then=Value(STARTER)),
                default=Value(VIEWER),
                output_field=IntegerField(),
            )
        )
        .order_by("-rank")
        .values("rank")[:1]
    )
    return Case(
        When(owner=user, then=Value(EDITOR)),
        default=Coalesce(Subquery(grants, output_field=IntegerField()), Value(NONE)),
        output_field=IntegerField(),
    )


def definitions_visible_to(user: Any) -> QuerySet[WorkflowDefinition]:
    """Definitions `user` may see, each annotated with `access_rank` and `latest_version`."""
    latest = (
        WorkflowVersion.objects.filter(definition=OuterRef("pk")).order_by("-number").values("number")[:1]
    )
    queryset = WorkflowDefinition.objects.select_related("owner").annotate(
        access_rank=_rank_expression(user),
        access_for=Value(getattr(user, "pk", None) or 0, output_field=IntegerField()),
        latest_version=Subquery(latest, output_field=IntegerField()),
    )
    return queryset.filter(access_rank__gt=NONE)


def definition_list_for_user(
    *, user: Any, tag: str | None = None, owner: str | None = None, search: str | None = None
) -> QuerySet[WorkflowDefinition]:
    """The definitions `user` may see, filtered by tag, owner username and a search of key
    and name, newest change first. Constant query count: everything is annotated."""
    queryset = definitions_visible_to(user)
    if tag:
        if connection.features.supports_json_field_contains:
            queryset = queryset.filter(tags__contains=[tag])
        else:  # SQLite: match the quoted tag inside the stored JSON text
            queryset = queryset.filter(tags__icontains=f'"{tag}"')
    if owner:
        queryset = queryset.filter(owner__username=owner)
    if search:
        queryset = queryset.filter(Q(key__icontains=search) | Q(name__icontains=search))
    return queryset.order_by("-updated_at", "key")


def definition_get_for_user(
    *, user: Any, key: str, for_update: bool = False, defer_graph: bool = False
) -> WorkflowDefinition:
    """The definition `key` if `user` may see it; Http404 otherwise (hidden or missing).
    With `defer_graph` the draft graph (the large column) is read only if it is used."""
    queryset = definitions_visible_to(user)
    if defer_graph:
        queryset = queryset.defer("graph")
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    found = queryset.filter(key=key).first()
    if found is None:
        raise Http404(f"no workflow definition {key!r}")
    return found


def access_rank(user: Any, definition: WorkflowDefinition) -> int:
    """The user's rank on `definition` (from the annotation when the row came from a
    selector above, else one query)."""
    annotated = getattr(definition, "access_rank", None)
    if annotated is not None and getattr(definition, "access_for", None) == (getattr(user, "pk", None) or 0):
        return int(annotated)
    if not user.is_authenticated:
        return NONE
    if user.is_staff:
        return EDITOR
    row = (
        WorkflowDefinition.objects.filter(pk=definition.pk)
        .annotate(rank=_rank_expression(user))
        .values("rank")
    )
    return int(row[0]["rank"]) if row else NONE


def can_view(user: Any, definition: WorkflowDefinition) -> bool:
    return access_rank(user, definition) >= VIEWER


def can_start(user: Any, definition: WorkflowDefinition) -> bool:
    return access_rank(user, definition) >= STARTER


def can_edit(user: Any, definition: WorkflowDefinition) -> bool:
    """Edit the draft, publish, deprecate and retire versions, delete the definition."""
    return access_rank(user, definition) >= EDITOR


def version_list(*, definition: WorkflowDefinition) -> QuerySet[WorkflowVersion]:
    """The versions of `definition`, newest first, with their publisher."""
    return definition.versions.select_related("published_by").order_by("-number")


def version_get(*, definition: WorkflowDefinition, number: int) -> WorkflowVersion:
    """Version `number` of `definition`; Http404 when there is none."""
    found = version_list(definition=definition).filter(number=number).first()
    if found is None:
        raise Http404(f"{definition.key} has no version {number}")
    return found


def version_latest_startable(*, definition: WorkflowDefinition) -> WorkflowVersion | None:
    """The newest published (not deprecated or retired) version: where new instances start."""
    return version_list(definition=definition).filter(status=VersionStatus.PUBLISHED).first()
