"""The dashboard's numbers, scoped to the instances the viewer may see (staff: all).

Instances by status, throughput per minute over the last hour (started, completed,
failed), recent failures, task step duration percentiles per action (last 24 hours),
open approvals and SLA breaches. Each figure is one grouped query; the whole set is
cached per scope for CACHE_SECONDS so a wall screen refreshing every few seconds costs
one computation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import TruncMinute
from django.utils import timezone

from workflows.models import InstanceStatus, StepExecution, StepStatus, WorkflowInstance
from workflows.selectors.definitions import definitions_visible_to

CACHE_SECONDS = 10
WINDOW = timedelta(hours=1)
DURATION_WINDOW = timedelta(hours=24)
FAILURES_SHOWN = 10


@dataclass
class Throughput:
    minutes: list[datetime]
    started: list[int]
    completed: list[int]
    failed: list[int]


@dataclass
class Percentiles:
    action: str
    count: int
    p50: float
    p90: float
    p99: float


@dataclass
class Dashboard:
    by_status: dict[str, int]
    throughput: Throughput
    failures_24h: int
    recent_failures: list[dict[str, Any]]
    durations: list[Percentiles]
    approvals_open: int
    sla_breached: int
    sla_at_risk: int
    breached_tasks: list[dict[str, Any]] = field(default_factory=list)
    computed_at: datetime | None = None


def _scope(user: Any) -> tuple[str, list[int] | None]:
    if user.is_staff:
        return "all", None
    ids = list(definitions_visible_to(user).values_list("pk", flat=True))
    return f"user-{user.pk}", ids


def _instances(definition_ids: list[int] | None) -> QuerySet[WorkflowInstance]:
    queryset = WorkflowInstance.objects.order_by()
    return queryset if definition_ids is None else queryset.filter(definition_id__in=definition_ids)


def dashboard_for(user: Any, *, now: datetime | None = None, use_cache: bool = True) -> Dashboard:
    key, definition_ids = _scope(user)
    cache_key = f"flowdesk:dashboard:{key}"
    if use_cache and (found := cache.get(cache_key)) is not None:
        return found
    result = compute(definition_ids, now=now or timezone.now())
    if use_cache:
        cache.set(cache_key, result, CACHE_SECONDS)
    return result


def compute(definition_ids: list[int] | None, *, now: datetime) -> Dashboard:
    instances = _instances(definition_ids)
    by_status = dict.fromkeys(InstanceStatus.values, 0)
    for row in instances.values("status").annotate(n=Count("pk")):
        by_status[row["status"]] = row["n"]
    approvals_open, sla_breached, sla_at_risk, breached = _approvals(definition_ids)
    failed = instances.filter(status=InstanceStatus.FAILED)
    return Dashboard(
        by_status=by_status,
        throughput=_throughput(instances, now),
        failures_24h=failed.filter(finished_at__gte=now - timedelta(hours=24)).count(),
        recent_failures=list(
            failed.select_related("definition")
            .order_by("-created_at")
            .values("pk", "definition__key", "business_key", "error", "finished_at")[:FAILURES_SHOWN]
        ),
        durations=_durations(definition_ids, now),
        approvals_open=approvals_open,
        sla_breached=sla_breached,
        sla_at_risk=sla_at_risk,
        breached_tasks=breached,
        computed_at=now,
    )


def _throughput(instances: QuerySet[WorkflowInstance], now: datetime) -> Throughput:
    end = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    start = end - WINDOW
    minutes = [start + timedelta(minutes=i) for i in range(int(WINDOW.total_seconds() // 60))]
    index = {minute: i for i, minute in enumerate(minutes)}
    started, completed, failed = [0] * len(minutes), [0] * len(minutes), [0] * len(minutes)
    for row in (
        instances.filter(created_at__gte=start)
        .annotate(minute=TruncMinute("created_at"))
        .values("minute")
        .annotate(n=Count("pk"))
    ):
        if (i := index.get(row["minute"])) is not None:
            started[i] = row["n"]
    finished = instances.filter(
        finished_at__gte=start, status__in=[InstanceStatus.COMPLETED, InstanceStatus.FAILED]
    )
    for row in (
        finished.annotate(minute=TruncMinute("finished_at"))
        .values("minute", "status")
        .annotate(n=Count("pk"))
    ):
        if (i := index.get(row["minute"])) is not None:
            (completed if row["status"] == InstanceStatus.COMPLETED else failed)[i] = row["n"]
    return Throughput(minutes, started, completed, failed)


def _durations(definition_ids: list[int] | None, now: datetime) -> list[Percentiles]:
    """p50/p90/p99 of task step durations (start to finish) per action, last 24 hours."""
    if definition_ids is not None and not definition_ids:
        return []  # sees no workflow (and an empty IN () cannot be compiled to SQL)
    steps = (
        StepExecution.objects.order_by()
        .filter(
            finished_at__gte=now - DURATION_WINDOW,
            started_at__isnull=False,
            status__in=[StepStatus.SUCCEEDED, StepStatus.FAILED],
        )
        .exclude(action="")
    )
    if definition_ids is not None:
        steps = steps.filter(instance__definition_id__in=definition_ids)
    if connection.vendor == "postgresql":
        # The filtered rows as a subquery; percentile_cont has no ORM aggregate.
        inner = steps.annotate(
            seconds=ExpressionWrapper(F("finished_at") - F("started_at"), output_field=DurationField())
        ).values("action", "seconds")
        sql, params = inner.query.sql_with_params()
        query = f"""
            SELECT action, COUNT(*),
                   percentile_cont(ARRAY[0.5, 0.9, 0.99]) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM seconds))
            FROM ({sql}) AS durations GROUP BY action ORDER BY COUNT(*) DESC, action LIMIT 20
        """  # noqa: S608 (the inner SQL is Django's, with parameters)
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            return [Percentiles(a, n, *(float(v) for v in p)) for a, n, p in cursor.fetchall()]
    return _durations_in_python(steps)


def _durations_in_python(steps: QuerySet[StepExecution]) -> list[Percentiles]:
    """SQLite (standalone): the same figures, computed here (small data)."""
    by_action: dict[str, list[float]] = {}
    for action, started, finished in steps.values_list("action", "started_at", "finished_at")[:50_000]:
        by_action.setdefault(action, []).append((finished - started).total_seconds())
    result = []
    for action, values in by_action.items():
        values.sort()
        result.append(
            Percentiles(action, len(values), _pick(values, 0.5), _pick(values, 0.9), _pick(values, 0.99))
        )
    return sorted(result, key=lambda p: (-p.count, p.action))[:20]


def _pick(values: list[float], fraction: float) -> float:
    position = (len(values) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (position - low)


def _approvals(definition_ids: list[int] | None) -> tuple[int, int, int, list[dict[str, Any]]]:
    from approvals.models import LIVE_STATES, ApprovalTask
    from approvals.models.sla import SlaRecord, SlaState

    tasks = ApprovalTask.objects.order_by().filter(state__in=LIVE_STATES)
    records = SlaRecord.objects.order_by()
    if definition_ids is not None:
        tasks = tasks.filter(request__definition_id__in=definition_ids)
        records = records.filter(instance__definition_id__in=definition_ids)
    counts = records.aggregate(
        breached=Count("pk", filter=Q(state=SlaState.BREACHED)),
        at_risk=Count("pk", filter=Q(state=SlaState.AT_RISK)),
    )
    breached = list(
        records.filter(state=SlaState.BREACHED, task__isnull=False)
        .order_by("due_at")
        .values("task_id", "task__request__name", "instance_id", "due_at", "breached_at")[:FAILURES_SHOWN]
    )
    return tasks.count(), counts["breached"], counts["at_risk"], breached
