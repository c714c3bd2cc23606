"""Celery tasks of the waits (thin wrappers around services; every one is safe to run twice).

Imported by WorkflowsConfig.ready so workers and beat know them by name.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings

RELIABLE: dict[str, Any] = {
    "acks_late": settings.CELERY_TASK_ACKS_LATE,
    "reject_on_worker_lost": settings.CELERY_TASK_REJECT_ON_WORKER_LOST,
    "ignore_result": True,
}


@shared_task(name="workflows.run_due_schedules", **RELIABLE)
def schedules_run_due_task() -> int:
    """Beat, every FLOWDESK_SCHEDULES_INTERVAL: start the scheduled runs that are due."""
    from workflows.waits.schedules import schedules_run_due

    return schedules_run_due()


@shared_task(name="workflows.settle_subworkflow", **RELIABLE)
def subworkflow_settle_task(parent_id: str, step_id: str) -> bool:
    """A child ended: continue (or fail) the parent's subworkflow step."""
    from workflows.waits.subworkflows import subworkflow_settle

    return subworkflow_settle(parent_id=parent_id, step_id=step_id)


@shared_task(name="workflows.cancel_child", **RELIABLE)
def child_cancel_task(child_id: str) -> bool:
    """The parent's subworkflow step was cancelled: cancel the child."""
    from workflows.waits.subworkflows import child_cancel

    return child_cancel(child_id=child_id)


@shared_task(name="workflows.settle_trigger_run", **RELIABLE)
def trigger_run_settle_task(run_id: int) -> bool:
    """An internal trigger fired: start its workflow (or record why not)."""
    from workflows.waits.triggers import trigger_run_settle

    return trigger_run_settle(run_id=run_id) is not None


@shared_task(name="workflows.sweep_waits", **RELIABLE)
def waits_sweep_task() -> dict[str, int]:
    """Beat, every FLOWDESK_WAITS_SWEEP_INTERVAL: repair what lost messages left behind."""
    from workflows.waits.sweep import waits_sweep

    return waits_sweep().as_dict()
