"""The reaper (beat task `reap_steps_task`): recover work whose message or worker was lost.

1. Lost messages: a step `scheduled` on a running instance whose message went out more
   than FLOWDESK_RESEND_AFTER_SECONDS ago and never started is sent again (same
   attempt; a duplicate is harmless). Same for a compensation never picked up.
2. Lost workers: a `running` step whose lease lapsed (its worker stopped renewing it)
   goes back to `scheduled` on the same attempt and is sent again. This is not an
   action failure and uses no attempt; after FLOWDESK_MAX_REDELIVERIES such
   redeliveries the step fails with `worker_lost` (not retried). A compensation whose
   lease lapsed is sent again the same way.
Each recovery takes the instance lock first, re-checks the row, and appends its event.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from workflows.engine import ErrorInfo
from workflows.engine.events import CompensationFailed, StepFailed
from workflows.models import InstanceStatus, StepExecution, StepStatus, WorkflowInstance
from workflows.runtime.applier import Applier
from workflows.runtime.repository import lock_instance
from workflows.services.instances import apply_locked

logger = logging.getLogger(__name__)
WORKER_LOST = "worker_lost"
BATCH = 500


@dataclass
class ReapReport:
    resent: int = 0
    redelivered: int = 0
    failed: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"resent": self.resent, "redelivered": self.redelivered, "failed": self.failed}


def steps_reap(*, now: datetime | None = None) -> ReapReport:
    """Run both recoveries once; return what was done."""
    now = now or timezone.now()
    report = ReapReport()
    cutoff = now - timedelta(seconds=settings.FLOWDESK_RESEND_AFTER_SECONDS)
    lost_messages = (
        StepExecution.objects.filter(
            instance__status__in=[InstanceStatus.RUNNING, InstanceStatus.COMPENSATING]
        )
        .filter(
            Q(status=StepStatus.SCHEDULED)
            | Q(status=StepStatus.COMPENSATING, lease_expires_at__isnull=True, not_before__isnull=True)
        )
        .filter(Q(dispatched_at__lt=cutoff) | Q(dispatched_at__isnull=True, created_at__lt=cutoff))
        .values_list("instance_id", "id")[:BATCH]
    )
    for instance_id, step_id in list(lost_messages):
        report.resent += _recover(instance_id, step_id, now, cutoff, lost_message=True, report=report)
    lost_workers = StepExecution.objects.filter(
        status__in=[StepStatus.RUNNING, StepStatus.COMPENSATING], lease_expires_at__lt=now
    ).values_list("instance_id", "id")[:BATCH]
    for instance_id, step_id in list(lost_workers):
        _recover(instance_id, step_id, now, cutoff, lost_message=False, report=report)
    if report.resent or report.redelivered or report.failed:
        logger.warning("reaper: %s", report.as_dict())
    return report


def _recover(
    instance_id: object,
    step_id: object,
    now: datetime,
    cutoff: datetime,
    *,
    lost_message: bool,
    report: ReapReport,
) -> int:
    try:
        with transaction.atomic():
            instance = lock_instance(instance_id)
            row = StepExecution.objects.get(pk=step_id)
            if lost_message:
                return _resend(instance, row, now, cutoff)
            _redeliver(instance, row, now, report)
            return 0
    except Exception:
        logger.exception("reaper could not recover step %s", step_id)
        return 0


def _resend(instance: WorkflowInstance, row: StepExecution, now: datetime, cutoff: datetime) -> int:
    if instance.status not in (InstanceStatus.RUNNING, InstanceStatus.COMPENSATING):
        return 0
    sent_at = row.dispatched_at or row.created_at
    if sent_at >= cutoff:
        return 0
    if row.status == StepStatus.COMPENSATING and row.lease_expires_at is not None:
        return 0
    if row.status not in (StepStatus.SCHEDULED, StepStatus.COMPENSATING):
        return 0
    applier = Applier(instance, {}, now=now, actor_id=None)
    applier.adopt(row)
    applier.resend(row)
    applier.finish()
    return 1


def _redeliver(instance: WorkflowInstance, row: StepExecution, now: datetime, report: ReapReport) -> None:
    if row.lease_expires_at is None or row.lease_expires_at >= now:
        return
    if row.status not in (StepStatus.RUNNING, StepStatus.COMPENSATING):
        return
    if row.redeliveries >= settings.FLOWDESK_MAX_REDELIVERIES:
        message = f"the worker running {row.node_id} was lost {row.redeliveries + 1} times"
        error = ErrorInfo(WORKER_LOST, message, False)
        if row.status == StepStatus.RUNNING:
            event: StepFailed | CompensationFailed = StepFailed(str(row.id), error, attempt=row.attempt)
        else:
            event = CompensationFailed(str(row.id), error, attempt=row.compensation_attempt)
        apply_locked(instance, event, now=now)
        report.failed += 1
        return
    applier = Applier(instance, {}, now=now, actor_id=None)
    applier.adopt(row)
    if row.status == StepStatus.RUNNING:
        applier.requeue(row)
    else:
        row.redeliveries += 1
        row.lease_expires_at = None
        applier.resend(row)
    applier.finish()
    report.redelivered += 1
