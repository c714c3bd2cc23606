"""The SLA dashboard: open work by SLA state per workflow and per group, and time to decision.

Aggregates are grouped in SQL; percentiles are computed in Python over the decision
durations of the window (one column of numbers), so the same code runs on SQLite
(standalone) and PostgreSQL.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, F, Q

from approvals.models import LIVE_STATES, ApprovalTask, Decision, SlaRecord, SlaState

SLA_COLUMNS = ("on_track", "at_risk", "breached", "none")


@dataclass
class OpenRow:
    label: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SLA_COLUMNS, 0))

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class DurationRow:
    label: str
    decided: int
    median_seconds: float | None
    p90_seconds: float | None
    met: int = 0
    missed: int = 0


@dataclass
class SlaDashboard:
    since: datetime
    by_workflow: list[OpenRow]
    by_group: list[OpenRow]
    durations: list[DurationRow]
    totals: dict[str, int]


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """Linear-interpolated percentile (like PostgreSQL's percentile_cont); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _sla_key(state: str | None) -> str:
    return state if state in ("on_track", "at_risk", "breached") else "none"


def sla_dashboard(*, now: datetime, days: int = 30) -> SlaDashboard:
    since = now - timedelta(days=days)
    live = ApprovalTask.objects.filter(state__in=LIVE_STATES)
    by_workflow: dict[str, OpenRow] = {}
    for row in live.values("request__definition__name", "sla__state").annotate(n=Count("pk")):
        label = row["request__definition__name"]
        by_workflow.setdefault(label, OpenRow(label)).counts[_sla_key(row["sla__state"])] += row["n"]
    by_group: dict[str, OpenRow] = {}
    for row in live.values("candidate_groups__name", "sla__state").annotate(n=Count("pk")):
        label = row["candidate_groups__name"] or "(assigned to a person)"
        by_group.setdefault(label, OpenRow(label)).counts[_sla_key(row["sla__state"])] += row["n"]
    durations: dict[str, list[float]] = defaultdict(list)
    decided = (
        Decision.objects.filter(decided_at__gte=since)
        .annotate(opened=F("task__created_at"), workflow=F("request__definition__name"))
        .values_list("workflow", "opened", "decided_at")
    )
    for workflow, opened, decided_at in decided:
        durations[workflow].append((decided_at - opened).total_seconds())
    outcomes = {
        row["task__request__definition__name"]: row
        for row in SlaRecord.objects.filter(closed_at__gte=since, task__isnull=False)
        .values("task__request__definition__name")
        .annotate(
            met=Count("pk", filter=Q(state=SlaState.MET)), missed=Count("pk", filter=Q(state=SlaState.MISSED))
        )
    }
    duration_rows = [
        DurationRow(
            label,
            len(values),
            percentile(values, 0.5),
            percentile(values, 0.9),
            outcomes.get(label, {}).get("met", 0),
            outcomes.get(label, {}).get("missed", 0),
        )
        for label, values in sorted(durations.items())
    ]
    totals = dict.fromkeys(SLA_COLUMNS, 0)
    for row in by_workflow.values():
        for key, value in row.counts.items():
            totals[key] += value
    return SlaDashboard(
        since=since,
        by_workflow=sorted(by_workflow.values(), key=lambda r: (-r.total, r.label)),
        by_group=sorted(by_group.values(), key=lambda r: (-r.total, r.label)),
        durations=duration_rows,
        totals=totals,
    )


CSV_HEADER = [
    "task_id",
    "workflow",
    "step",
    "node_id",
    "business_key",
    "state",
    "assignee",
    "groups",
    "created_at",
    "sla_state",
    "warn_at",
    "due_at",
    "decided_at",
    "decided_by",
    "outcome",
    "seconds_to_decision",
]


def sla_csv_rows(*, since: datetime) -> Iterator[list[str]]:
    """One row per task opened since `since`, streamed in chunks (constant memory)."""
    yield CSV_HEADER
    tasks = (
        ApprovalTask.objects.filter(created_at__gte=since)
        .select_related("request__definition", "request__instance", "assignee", "sla", "decision__user")
        .prefetch_related("candidate_groups")
        .order_by("pk")
    )
    for task in tasks.iterator(chunk_size=500):
        yield [csv_safe(cell) for cell in _csv_row(task)]


def _csv_row(task: ApprovalTask) -> list[str]:
    sla = task.sla if _has(task, "sla") else None
    decision = task.decision if _has(task, "decision") else None
    return [
        str(task.pk),
        task.request.definition.name,
        task.request.name,
        task.request.node_id,
        task.request.instance.business_key,
        task.state,
        task.assignee.get_username() if task.assignee else "",
        " ".join(g.name for g in task.candidate_groups.all()),
        task.created_at.isoformat(),
        sla.state if sla else "",
        sla.warn_at.isoformat() if sla else "",
        sla.due_at.isoformat() if sla else "",
        decision.decided_at.isoformat() if decision else "",
        decision.decided_by if decision else "",
        decision.outcome if decision else "",
        f"{(decision.decided_at - task.created_at).total_seconds():.0f}" if decision else "",
    ]


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: str) -> str:
    """Neutralise spreadsheet formulas (CSV injection): a cell a person typed that starts with
    = + - @ is prefixed with an apostrophe, so a spreadsheet shows it as text."""
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def _has(task: ApprovalTask, name: str) -> bool:
    try:
        getattr(task, name)
    except Exception:  # RelatedObjectDoesNotExist of a reverse one-to-one
        return False
    return True
