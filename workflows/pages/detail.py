"""What the instance page shows: the graph coloured by step status, the step timeline,
variables, the latest events, and which operations the viewer may use now."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from workflows.admin.svg import graph_svg
from workflows.models import ExecutionEvent, InstanceStatus, StepExecution, StepStatus, WorkflowInstance
from workflows.models.steps import LIVE_STATUSES
from workflows.selectors.instances import can_operate, instance_steps

EVENTS_SHOWN = 200
RETRYABLE = (StepStatus.SCHEDULED, StepStatus.RUNNING, StepStatus.RETRYING)
SKIPPABLE = (*LIVE_STATUSES,)


@dataclass(frozen=True)
class StepRow:
    step: StepExecution
    duration: float | None
    can_retry: bool
    can_skip: bool

    @property
    def error_message(self) -> str:
        error = self.step.error or {}
        return str(error.get("message") or error.get("type") or "")

    @property
    def traceback(self) -> str:
        return str((self.step.error or {}).get("traceback") or "")


def _seconds(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return max(0.0, (end - start).total_seconds())


def node_statuses(steps: list[StepExecution]) -> dict[str, str]:
    """Each node's status: that of its latest activation (steps come in creation order)."""
    statuses: dict[str, str] = {}
    for step in steps:
        statuses[step.node_id] = str(step.status)
    return statuses


def coloured_graph(graph: Any) -> SafeString:
    """The version's graph as SVG; nodes are coloured by CSS from `data-status` (set by JS
    from the page's initial statuses, then live)."""
    return mark_safe(graph_svg(graph))  # noqa: S308 (graph_svg escapes every piece of text)


def step_rows(instance: WorkflowInstance, steps: list[StepExecution], *, operator: bool) -> list[StepRow]:
    moving = instance.status in (InstanceStatus.RUNNING, InstanceStatus.SUSPENDED)
    failed_by = (instance.error or {}).get("step_id") if instance.status == InstanceStatus.FAILED else None
    rows = []
    for step in steps:
        reopenable = failed_by == str(step.id) and step.status == StepStatus.FAILED
        is_task = step.node_type == "task"
        rows.append(
            StepRow(
                step=step,
                duration=_seconds(step.started_at or step.created_at, step.finished_at),
                can_retry=operator and is_task and ((moving and step.status in RETRYABLE) or reopenable),
                can_skip=operator
                and step.node_type != "join"
                and ((moving and step.status in SKIPPABLE) or reopenable),
            )
        )
    return rows


def latest_events(instance: WorkflowInstance) -> list[ExecutionEvent]:
    events = ExecutionEvent.objects.filter(instance_id=instance.pk).select_related("actor")
    return list(reversed(list(events.order_by("-seq")[:EVENTS_SHOWN])))


def pretty(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str)


def page_context(instance: WorkflowInstance, user: Any) -> dict[str, Any]:
    steps = list(instance_steps(instance=instance))
    operator = can_operate(user, instance)
    events = latest_events(instance)
    statuses = node_statuses(steps)
    return {
        "instance": instance,
        "operator": operator,
        "graph": coloured_graph(instance.version.graph),
        "steps": step_rows(instance, steps, operator=operator),
        "events": events,
        "older_events": bool(events) and events[0].seq > 1,
        "show_tracebacks": bool(user.is_staff),
        "input_json": pretty(instance.input),
        "vars_json": pretty(instance.vars),
        "result_json": pretty(instance.result) if instance.result is not None else "",
        "error_json": pretty(instance.error) if instance.error else "",
        "monitor": {
            "instance": str(instance.pk),
            "definition": instance.definition.key,
            "status": instance.status,
            "seq": instance.last_seq,
            "nodes": statuses,
            "operator": operator,
            "eventsUrl": f"/api/instances/{instance.pk}/events/",
            "socketPath": f"/ws/instances/{instance.pk}/",
        },
    }
