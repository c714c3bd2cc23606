"""Reads for signals, sub-workflows, schedules and triggers, with their access rules."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from workflows.models import ReceivedSignal, Schedule, ScheduleRun, Trigger, TriggerRun, WorkflowInstance
from workflows.selectors.definitions import definitions_visible_to

MAX_RUNS_PAGE = 200


def instance_children(instance: WorkflowInstance) -> list[WorkflowInstance]:
    """The instance's sub-workflow children, oldest first (one query)."""
    return list(
        WorkflowInstance.objects.filter(parent_id=instance.pk)
        .select_related("definition", "version")
        .order_by("created_at", "id")
    )


def instance_signals(*, instance: WorkflowInstance) -> QuerySet[ReceivedSignal]:
    """Signals the instance received, in order."""
    return (
        ReceivedSignal.objects.filter(instance_id=instance.pk)
        .select_related("sent_by")
        .order_by("received_at", "id")
    )


def schedules_visible_to(user: Any) -> QuerySet[Schedule]:
    """Schedules of the definitions `user` may see (staff: all), with what lists show."""
    queryset = Schedule.objects.select_related("definition", "run_as")
    if not user.is_authenticated:
        return queryset.none()
    if user.is_staff:
        return queryset
    return queryset.filter(definition__in=definitions_visible_to(user).values("pk"))


def schedule_list(*, user: Any, definition: str | None = None) -> QuerySet[Schedule]:
    queryset = schedules_visible_to(user)
    if definition:
        queryset = queryset.filter(definition__key=definition)
    return queryset.order_by("definition__key", "name", "id")


def schedule_get(*, user: Any, schedule_id: Any) -> Schedule:
    """The schedule if `user` may see it; Http404 otherwise."""
    try:
        found = schedules_visible_to(user).filter(pk=schedule_id).first()
    except (ValueError, TypeError, ValidationError):
        found = None
    if found is None:
        raise Http404("no such schedule")
    return found


def schedule_runs(*, schedule: Schedule, limit: int = MAX_RUNS_PAGE) -> QuerySet[ScheduleRun]:
    """The schedule's runs, newest due time first."""
    return schedule.runs.order_by("-scheduled_for")[: max(1, min(limit, MAX_RUNS_PAGE))]


def trigger_runs(*, trigger: Trigger, limit: int = MAX_RUNS_PAGE) -> QuerySet[TriggerRun]:
    """The trigger's runs, newest first."""
    return trigger.runs.select_related("instance").order_by("-received_at", "-id")[
        : max(1, min(limit, MAX_RUNS_PAGE))
    ]
