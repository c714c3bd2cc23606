"""Celery tasks of the engine: thin wrappers around services (names `<service>_task`).

Messages carry `(step_id, attempt)`; every task is safe to run twice. acks_late and
reject_on_worker_lost come from the CELERY_* settings, so a message whose worker died
is delivered again (and finds its step claimed, or re-dispatched by the reaper).
"""

from __future__ import annotations

import socket
from typing import Any

from celery import shared_task
from django.conf import settings

from workflows.services.reaper import steps_reap
from workflows.services.steps import compensation_run, step_run
from workflows.services.timers import due_waits_fire

RELIABLE: dict[str, Any] = {
    "acks_late": settings.CELERY_TASK_ACKS_LATE,
    "reject_on_worker_lost": settings.CELERY_TASK_REJECT_ON_WORKER_LOST,
    "ignore_result": True,
}


def _worker(task: Any) -> str:
    return str(task.request.hostname or socket.gethostname())


@shared_task(bind=True, name="workflows.run_step", **RELIABLE)
def run_step_task(self: Any, step_id: str, attempt: int, action: str | None = None) -> int:
    """Run one attempt of a task step (and the short steps it leads to, locally)."""
    report = step_run(
        step_id=step_id, attempt=attempt, action=action, worker=_worker(self), task_id=str(self.request.id)
    )
    return report.ran


@shared_task(bind=True, name="workflows.run_compensation", **RELIABLE)
def run_compensation_task(self: Any, step_id: str, attempt: int, action: str | None = None) -> bool:
    """Run one attempt of a finished step's compensation."""
    return compensation_run(
        step_id=step_id, attempt=attempt, action=action, worker=_worker(self), task_id=str(self.request.id)
    )


@shared_task(name="workflows.fire_due_waits", **RELIABLE)
def fire_due_waits_task() -> int:
    """Beat, every FLOWDESK_DUE_WAITS_INTERVAL: fire the durable waits that came due."""
    return due_waits_fire(fan_out=True)


@shared_task(name="workflows.reap_steps", **RELIABLE)
def reap_steps_task() -> dict[str, int]:
    """Beat, every FLOWDESK_REAPER_INTERVAL: re-send lost messages, recover lost workers."""
    return steps_reap().as_dict()
