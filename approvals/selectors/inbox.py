"""The inbox: the tasks a user can act on (or has acted on), filtered, searched and sorted.

One query for the page plus one for the candidate groups, whatever the page size
(asserted in tests/integration/approvals/test_api_tasks.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from approvals.models import ApprovalTask, SlaState, TaskState
from approvals.selectors.access import actionable_q, visible_q
from workflows.services.errors import invalid

SCOPES = ("actionable", "mine", "group", "done", "all")
SLA_FILTERS = ("on_track", "at_risk", "breached", "none")
ORDERINGS = {
    "due": (F("sla__due_at").asc(nulls_last=True), "-priority", "pk"),
    "-due": (F("sla__due_at").desc(nulls_last=True), "-priority", "pk"),
    "priority": ("-priority", F("sla__due_at").asc(nulls_last=True), "pk"),
    "-priority": ("priority", F("sla__due_at").asc(nulls_last=True), "pk"),
    "created": ("created_at", "pk"),
    "-created": ("-created_at", "-pk"),
}
DEFAULT_ORDERING = "due"


@dataclass(frozen=True)
class InboxFilters:
    scope: str = "actionable"
    workflow: str = ""
    sla: str = ""
    due_before: datetime | None = None
    due_after: datetime | None = None
    q: str = ""
    ordering: str = DEFAULT_ORDERING

    @classmethod
    def parse(cls, params: Any) -> InboxFilters:
        """From query parameters; raises a 400 `invalid` naming the bad parameter."""
        scope = params.get("scope") or "actionable"
        if scope not in SCOPES:
            raise invalid("scope", f"Choose one of: {', '.join(SCOPES)}.")
        sla = params.get("sla") or ""
        if sla and sla not in SLA_FILTERS:
            raise invalid("sla", f"Choose one of: {', '.join(SLA_FILTERS)}.")
        ordering = params.get("ordering") or DEFAULT_ORDERING
        if ordering not in ORDERINGS:
            raise invalid("ordering", f"Choose one of: {', '.join(ORDERINGS)}.")
        return cls(
            scope=scope,
            workflow=(params.get("workflow") or "").strip()[:64],
            sla=sla,
            due_before=_moment(params, "due_before", end_of_day=True),
            due_after=_moment(params, "due_after", end_of_day=False),
            q=(params.get("q") or "").strip()[:200],
            ordering=ordering,
        )

    def as_query(self) -> dict[str, str]:
        """Non-default values, for links that keep the filters (pagination, sorting)."""
        values = {
            "scope": self.scope if self.scope != "actionable" else "",
            "workflow": self.workflow,
            "sla": self.sla,
            "due_before": self.due_before.date().isoformat() if self.due_before else "",
            "due_after": self.due_after.date().isoformat() if self.due_after else "",
            "q": self.q,
            "ordering": self.ordering if self.ordering != DEFAULT_ORDERING else "",
        }
        return {key: value for key, value in values.items() if value}


def _moment(params: Any, name: str, *, end_of_day: bool) -> datetime | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        if len(raw) == 10:
            day = date.fromisoformat(raw)
            moment = datetime.combine(day + timedelta(days=1) if end_of_day else day, time(0))
        else:
            moment = datetime.fromisoformat(raw)
    except ValueError:
        raise invalid(name, "Give a date (YYYY-MM-DD) or an ISO 8601 date-time.") from None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def inbox_for_user(user: AbstractBaseUser, filters: InboxFilters | None = None) -> QuerySet[ApprovalTask]:
    """The user's tasks under `filters`: `actionable` (default) what they can decide now,
    `mine` live tasks they hold, `group` live unheld tasks of their groups, `done` tasks
    they decided, `all` everything they can see."""
    filters = filters or InboxFilters()
    tasks = ApprovalTask.objects.all()
    if filters.scope == "actionable":
        tasks = tasks.filter(actionable_q(user))
    elif filters.scope == "mine":
        tasks = tasks.filter(
            assignee_id=user.pk, state__in=[TaskState.OPEN, TaskState.CLAIMED, TaskState.ESCALATED]
        )
    elif filters.scope == "group":
        tasks = tasks.filter(
            visible_q(user), assignee__isnull=True, state__in=[TaskState.OPEN, TaskState.ESCALATED]
        )
    elif filters.scope == "done":
        tasks = tasks.filter(decision__user_id=user.pk)
    else:
        tasks = tasks.filter(visible_q(user))
    if filters.workflow:
        tasks = tasks.filter(request__definition__key=filters.workflow)
    if filters.sla == "none":
        tasks = tasks.filter(sla__isnull=True)
    elif filters.sla:
        tasks = tasks.filter(sla__state=SlaState(filters.sla))
    if filters.due_before:
        tasks = tasks.filter(sla__due_at__lt=filters.due_before)
    if filters.due_after:
        tasks = tasks.filter(sla__due_at__gte=filters.due_after)
    if filters.q:
        tasks = tasks.filter(
            Q(request__name__icontains=filters.q)
            | Q(request__definition__name__icontains=filters.q)
            | Q(request__definition__key__icontains=filters.q)
            | Q(request__instance__business_key__icontains=filters.q)
            | Q(request__instance__input__title__icontains=filters.q)
        )
    return (
        tasks.select_related(
            "request__definition", "request__instance", "request__started_by", "assignee", "sla"
        )
        .prefetch_related("candidate_groups")
        .order_by(*ORDERINGS[filters.ordering])
    )


def inbox_workflows(user: AbstractBaseUser) -> list[tuple[str, str]]:
    """(key, name) of the workflows among the user's visible tasks, for the filter menu."""
    rows = (
        ApprovalTask.objects.filter(visible_q(user))
        .values_list("request__definition__key", "request__definition__name")
        .distinct()
        .order_by("request__definition__name")
    )
    return list(rows)
