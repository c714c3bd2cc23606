"""The inbox: the tasks a user can act on (or has acted on), filtered, searched and sorted.

Paged by `InboxPaginator`: a capped count, the page's ids, its rows joined and the
candidate groups, whatever the page size (asserted in tests/integration/approvals/
test_api_tasks.py). The live scopes (actionable, mine, group) read the live slice
(`LiveCandidate`, `access.live_task_ids`), so their cost follows the user's live tasks,
not the millions of decided ones. The history scopes (done, all), unfiltered and in their default
(newest first) order, are read off indexes (`selectors.history`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from approvals.models import LIVE_STATES, ApprovalTask, LiveCandidate, SlaState, TaskState
from approvals.selectors.access import actionable_q, live_task_ids, visible_q
from approvals.selectors.history import HISTORY_ORDERINGS, history_count, history_fast, history_ids
from workflows.models import WorkflowDefinition
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
    "-decided": (F("decision__decided_at").desc(nulls_last=True), "-pk"),  # the `done` scope only
}
DEFAULT_ORDERING = "due"
"""The live scopes' default; the history scopes sort by their own time (`HISTORY_ORDERINGS`)."""


def default_ordering(scope: str) -> str:
    return HISTORY_ORDERINGS.get(scope, DEFAULT_ORDERING)


@dataclass(frozen=True)
class InboxFilters:
    scope: str = "actionable"
    workflow: str = ""
    sla: str = ""
    due_before: datetime | None = None
    due_after: datetime | None = None
    q: str = ""
    ordering: str = ""  # empty: the scope's default (`default_ordering`)

    def __post_init__(self) -> None:
        if not self.ordering:
            object.__setattr__(self, "ordering", default_ordering(self.scope))

    @property
    def filtered(self) -> bool:
        """Whether anything narrows the scope (workflow, SLA, due dates, search)."""
        return bool(self.workflow or self.sla or self.due_before or self.due_after or self.q)

    @classmethod
    def parse(cls, params: Any) -> InboxFilters:
        """From query parameters; raises a 400 `invalid` naming the bad parameter."""
        scope = params.get("scope") or "actionable"
        if scope not in SCOPES:
            raise invalid("scope", f"Choose one of: {', '.join(SCOPES)}.")
        sla = params.get("sla") or ""
        if sla and sla not in SLA_FILTERS:
            raise invalid("sla", f"Choose one of: {', '.join(SLA_FILTERS)}.")
        ordering = params.get("ordering") or default_ordering(scope)
        choices = [key for key in ORDERINGS if key != "-decided" or scope == "done"]
        if ordering not in choices:
            raise invalid("ordering", f"Choose one of: {', '.join(choices)}.")
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
            "ordering": self.ordering if self.ordering != default_ordering(self.scope) else "",
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
            pk__in=live_task_ids(user), assignee__isnull=True, state__in=[TaskState.OPEN, TaskState.ESCALATED]
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
        tasks.select_related(*ROW_RELATIONS)
        .defer(*ROW_DEFERRED)
        .prefetch_related("candidate_groups")
        .order_by(*ORDERINGS[filters.ordering])
    )


ROW_RELATIONS = ("request__definition", "request__instance", "request__started_by", "assignee", "sla")
ROW_DEFERRED = (  # large columns an inbox row never shows
    "request__definition__graph",
    "request__instance__vars",
    "request__instance__results",
    "request__instance__visits",
    "request__instance__compensable",
    "request__instance__compensation",
)


def inbox_workflows(user: AbstractBaseUser, selected: str = "") -> list[tuple[str, str]]:
    """(key, name) of the workflows among the user's live tasks (and `selected`), for the
    filter menu. Only the user's and their groups' `LiveCandidate` rows are read."""
    definitions = WorkflowDefinition.objects.filter(
        Q(pk__in=live_entries(user, InboxFilters(scope="all_live")).values("definition_id"))  # type: ignore[union-attr]
        | Q(key=selected or None)
    )
    return list(definitions.values_list("key", "name").order_by("name"))


COUNT_CAP = 10_000
"""The inbox counts at most this many tasks (a long history is not counted row by row)."""

LIVE_SCOPES = ("actionable", "mine", "group")
ENTRY_ORDERINGS = {  # ORDERINGS on the keys `LiveCandidate` copies (task_id for pk)
    "due": (F("due_at").asc(nulls_last=True), "-priority", "task_id"),
    "-due": (F("due_at").desc(nulls_last=True), "-priority", "task_id"),
    "priority": ("-priority", F("due_at").asc(nulls_last=True), "task_id"),
    "-priority": ("priority", F("due_at").asc(nulls_last=True), "task_id"),
    "created": ("created_at", "task_id"),
    "-created": ("-created_at", "-task_id"),
}


def live_entries(user: AbstractBaseUser, filters: InboxFilters) -> QuerySet[LiveCandidate] | None:
    """The `LiveCandidate` rows answering a live scope (actionable, mine, group) with the
    workflow, due-date and "no SLA" filters: what `inbox_for_user` lists, found without
    reading tasks, searches included. None when the filters need an SLA state: then the
    tasks themselves are filtered (`inbox_for_user`). The internal scope
    `all_live` keeps every live task the user holds or is offered (the workflow menu)."""
    if filters.scope not in (*LIVE_SCOPES, "all_live") or filters.sla not in ("", "none"):
        return None
    groups = list(user.groups.values_list("id", flat=True))  # type: ignore[attr-defined]  # as listed: two index scans
    rows = LiveCandidate.objects.filter(Q(user_id=user.pk) | Q(group_id__in=groups), state__in=LIVE_STATES)
    if filters.scope == "actionable":  # a row not of the user's holding is a candidacy
        rows = rows.filter(
            Q(assignee_id=user.pk) | Q(assignee_id__isnull=True) | Q(state=TaskState.ESCALATED)
        )
        rows = rows.exclude(four_eyes_user_id=user.pk)
    elif filters.scope == "mine":
        rows = rows.filter(assignee_id=user.pk)
    elif filters.scope == "group":
        rows = rows.filter(assignee_id__isnull=True, state__in=[TaskState.OPEN, TaskState.ESCALATED])
    if filters.workflow:
        rows = rows.filter(
            definition_id__in=WorkflowDefinition.objects.filter(key=filters.workflow).values("pk")
        )
    if filters.q:  # the texts inbox_for_user searches, copied into one column
        rows = rows.filter(search__icontains=filters.q)
    if filters.sla == "none":
        rows = rows.filter(due_at__isnull=True)
    if filters.due_before:
        rows = rows.filter(due_at__lt=filters.due_before)
    if filters.due_after:
        rows = rows.filter(due_at__gte=filters.due_after)
    return rows


@dataclass
class InboxQuery:
    """What `InboxPaginator` pages: a user's inbox under filters."""

    user: AbstractBaseUser
    filters: InboxFilters

    @cached_property
    def entries(self) -> QuerySet[LiveCandidate] | None:
        return live_entries(self.user, self.filters)

    @cached_property
    def tasks(self) -> QuerySet[ApprovalTask]:
        return inbox_for_user(self.user, self.filters)

    @cached_property
    def history(self) -> bool:
        """A history scope in its own time order, unfiltered (`selectors.history`, whose SQL is
        PostgreSQL's; other databases, e.g. standalone SQLite, page it from the tasks)."""
        if connection.vendor != "postgresql":
            return False
        return history_fast(self.filters.scope, self.filters.ordering, filtered=self.filters.filtered)

    @cached_property
    def groups(self) -> list[int]:
        return list(self.user.groups.values_list("id", flat=True)) if self.filters.scope == "all" else []  # type: ignore[attr-defined]


class InboxPaginator(Paginator):
    """Pages of an `InboxQuery` (or of an `inbox_for_user` queryset). The count stops at
    COUNT_CAP; a page reads its ids first, then joins instance, workflow and people for
    those ids only. Live scopes take both from `LiveCandidate` (its rows carry the sort
    keys, so neither statement reads a task); unfiltered history scopes in their own time
    order from indexes (`selectors.history`); the others from the tasks."""

    def _query(self) -> InboxQuery | None:
        return self.object_list if isinstance(self.object_list, InboxQuery) else None

    def _tasks(self) -> QuerySet[ApprovalTask]:
        query = self._query()
        return query.tasks if query is not None else self.object_list

    @cached_property
    def count(self) -> int:
        query = self._query()
        if query is not None and query.entries is not None:
            return query.entries.values("task_id").distinct()[: COUNT_CAP + 1].count()
        if query is not None and query.history:
            return history_count(query.filters.scope, query.user, query.groups, COUNT_CAP)
        return self._tasks().order_by().values("pk")[: COUNT_CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP

    def page(self, number: Any) -> Any:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        query = self._query()
        if query is not None and query.entries is not None:
            rows = entry_rows(query.entries, query.filters.ordering, bottom, top)
        elif query is not None and query.history:
            rows = rows_in_order(history_ids(query.filters.scope, query.user, query.groups, bottom, top))
        else:
            rows = page_rows(self._tasks(), bottom, top)
        return self._get_page(rows, number, self)


def entry_rows(entries: QuerySet[LiveCandidate], ordering: str, bottom: int, top: int) -> list[ApprovalTask]:
    """Tasks `bottom:top` of the live rows `entries` in `ordering`, joined for display."""
    if top <= bottom:
        return []
    order = ENTRY_ORDERINGS[ordering]
    keys = entries.values_list("task_id", "due_at", "priority", "created_at").distinct().order_by(*order)
    return rows_in_order([row[0] for row in keys[bottom:top]])


def rows_in_order(ids: list[int]) -> list[ApprovalTask]:
    """The tasks `ids`, joined for display, in that order (one statement and a prefetch)."""
    if not ids:
        return []
    found = {task.pk: task for task in _joined(ApprovalTask.objects.filter(pk__in=ids))}
    return [found[pk] for pk in ids if pk in found]


ROW_ONLY = (  # what an inbox row (page or API) shows: a page loads no other column
    *(f.name for f in ApprovalTask._meta.concrete_fields),
    *(f"request__{name}" for name in ("name", "node_id", "policy", "quorum", "assignee_count", "outcomes")),
    *(f"request__{name}" for name in ("form", "state", "allow_self_approval", "started_by", "instance")),
    "request__definition__key",
    "request__definition__name",
    "request__instance__business_key",
    "request__instance__input",
    "request__instance__status",  # FSM state fields are read when a row is built
    "request__started_by__username",
    "assignee__username",
    *(f"sla__{name}" for name in ("task", "state", "warn_at", "due_at", "breached_at")),
)


def _joined(tasks: QuerySet[ApprovalTask]) -> QuerySet[ApprovalTask]:
    return tasks.select_related(*ROW_RELATIONS).only(*ROW_ONLY).prefetch_related("candidate_groups")


def page_rows(tasks: QuerySet[ApprovalTask], bottom: int, top: int) -> list[ApprovalTask]:
    """Rows `bottom:top` of `tasks` (an `inbox_for_user` queryset) in its order."""
    if top <= bottom:
        return []
    ids = tasks.values("pk")[bottom:top]  # keeps the filters and the order, not the joins
    rows = ApprovalTask.objects.filter(pk__in=ids).select_related(*ROW_RELATIONS).defer(*ROW_DEFERRED)
    return list(rows.prefetch_related(*tasks._prefetch_related_lookups).order_by(*tasks.query.order_by))
