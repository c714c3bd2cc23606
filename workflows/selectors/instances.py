"""Reads of instances, steps and events, with the access rules in one place.

Access follows the definition: whoever may view a definition sees its instances;
starters and editors start them; editors, staff and the person who started an
instance operate it (cancel, suspend, resume, retry, skip). Anyone else gets a 404.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from workflows.models import ExecutionEvent, StepExecution, WorkflowInstance
from workflows.selectors.definitions import can_edit, can_start, definitions_visible_to

MAX_EVENTS_PAGE = 500


def instances_visible_to(user: Any) -> QuerySet[WorkflowInstance]:
    """Instances of the definitions `user` may view (staff: all), with what lists show."""
    queryset = WorkflowInstance.objects.select_related("definition", "version", "started_by")
    if not user.is_authenticated:
        return queryset.none()
    if user.is_staff:
        return queryset
    return queryset.filter(definition__in=definitions_visible_to(user).values("pk"))


def instance_list(
    *,
    user: Any,
    definition: str | None = None,
    status: str | None = None,
    started_by: str | None = None,
    business_key: str | None = None,
    created_after: datetime | None = None,
    created_before: datetime | None = None,
) -> QuerySet[WorkflowInstance]:
    """Visible instances, newest first, filtered. Constant query count (joined, no N+1)."""
    queryset = instances_visible_to(user)
    if definition:
        queryset = queryset.filter(definition__key=definition)
    if status:
        queryset = queryset.filter(status=status)
    if started_by:
        queryset = queryset.filter(started_by__username=started_by)
    if business_key:
        queryset = queryset.filter(business_key=business_key)
    if created_after:
        queryset = queryset.filter(created_at__gte=created_after)
    if created_before:
        queryset = queryset.filter(created_at__lt=created_before)
    return queryset.order_by("-created_at", "-id")


def instance_get_for_user(*, user: Any, instance_id: UUID | str) -> WorkflowInstance:
    """The instance if `user` may see it; Http404 otherwise (hidden, missing or malformed id)."""
    try:
        found = instances_visible_to(user).filter(pk=instance_id).first()
    except (ValueError, TypeError, ValidationError):  # a malformed id
        found = None
    if found is None:
        raise Http404("no such instance")
    return found


def can_operate(user: Any, instance: WorkflowInstance) -> bool:
    """Cancel, suspend, resume, retry and skip: staff, editors, and the starter (while a starter)."""
    if not user.is_authenticated:
        return False
    if user.is_staff or can_edit(user, instance.definition):
        return True
    return instance.started_by_id == user.pk and can_start(user, instance.definition)


def instance_steps(*, instance: WorkflowInstance) -> QuerySet[StepExecution]:
    """Every step of the instance in creation order."""
    return StepExecution.objects.filter(instance_id=instance.pk).order_by("created_at", "id")


def step_get(*, instance: WorkflowInstance, step_id: UUID | str) -> StepExecution:
    """Step `step_id` of `instance`; Http404 when it has none."""
    try:
        found = StepExecution.objects.filter(instance_id=instance.pk, pk=step_id).first()
    except (ValueError, TypeError, ValidationError):
        found = None
    if found is None:
        raise Http404("no such step")
    return found


def instance_events(
    *, instance: WorkflowInstance, after: int = 0, limit: int = MAX_EVENTS_PAGE
) -> QuerySet[ExecutionEvent]:
    """Events of the instance with `seq > after`, in order, at most `limit`."""
    return (
        ExecutionEvent.objects.filter(instance_id=instance.pk, seq__gt=after)
        .select_related("actor")
        .order_by("seq")[: max(1, min(limit, MAX_EVENTS_PAGE))]
    )
