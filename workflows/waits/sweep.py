"""The reconciler: settle what a lost after-commit message left behind.

The normal paths send a Celery message after commit (settle a parent when its child
ends, cancel a child when its parent step is cancelled, settle a pending trigger run).
If the process dies between commit and send, or the broker is down, the database
still says what must happen, and this sweep (beat, every FLOWDESK_WAITS_SWEEP_INTERVAL)
does it. Only rows older than FLOWDESK_WAITS_SWEEP_GRACE_SECONDS are looked at, so the
sweep does not race the normal path (it would be harmless: every action is idempotent).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from workflows.models import (
    InstanceStatus,
    StepExecution,
    StepStatus,
    TriggerRun,
    TriggerRunStatus,
    WorkflowInstance,
)
from workflows.models.instances import ACTIVE_STATUSES, FINISHED_STATUSES
from workflows.waits.subworkflows import child_cancel, subworkflow_settle
from workflows.waits.triggers import trigger_run_settle

logger = logging.getLogger(__name__)
BATCH = 500


@dataclass
class SweepReport:
    parents_settled: int = 0
    children_cancelled: int = 0
    trigger_runs_settled: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def waits_sweep(*, now: datetime | None = None) -> SweepReport:
    """Settle parents of ended children, cancel orphaned children, settle pending runs."""
    moment = now or timezone.now()
    before = moment - timedelta(seconds=settings.FLOWDESK_WAITS_SWEEP_GRACE_SECONDS)
    report = SweepReport()
    waiting_step = StepExecution.objects.filter(pk=OuterRef("parent_step_id"), status=StepStatus.WAITING)
    ended = (
        WorkflowInstance.objects.filter(
            parent__status__in=ACTIVE_STATUSES, status__in=FINISHED_STATUSES, finished_at__lt=before
        )
        .filter(Exists(waiting_step))
        .values_list("parent_id", "parent_step_id")[:BATCH]
    )
    for parent_id, step_id in list(ended):
        report.parents_settled += _quietly(subworkflow_settle, parent_id=parent_id, step_id=step_id)
    orphans = (
        WorkflowInstance.objects.filter(
            parent__isnull=False,
            status__in=(InstanceStatus.RUNNING, InstanceStatus.SUSPENDED),
            created_at__lt=before,
        )
        .exclude(Exists(waiting_step))
        .values_list("pk", flat=True)[:BATCH]
    )
    for child_id in list(orphans):
        report.children_cancelled += _quietly(child_cancel, child_id=child_id)
    pending = TriggerRun.objects.filter(status=TriggerRunStatus.PENDING, received_at__lt=before).values_list(
        "pk", flat=True
    )[:BATCH]
    for run_id in list(pending):
        report.trigger_runs_settled += _quietly(trigger_run_settle, run_id=run_id)
    return report


def _quietly(action: Callable[..., Any], **kwargs: Any) -> int:
    """Run one repair; a failing row is logged and left for the next sweep."""
    try:
        done = action(**kwargs)
    except Exception:
        logger.exception("sweep could not repair %s", kwargs)
        return 0
    return 1 if done else 0
