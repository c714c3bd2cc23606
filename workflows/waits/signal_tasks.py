"""Celery tasks of the signal inbox (thin wrappers; both safe to run twice).

Imported with the models (workflows.models.signals), so web, worker and beat processes
all know them by name.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

RELIABLE = {
    "acks_late": settings.CELERY_TASK_ACKS_LATE,
    "reject_on_worker_lost": settings.CELERY_TASK_REJECT_ON_WORKER_LOST,
    "ignore_result": True,
}


LATE_SECONDS = 60.0
"""An accepted signal this old is taken by the next batch too (its own message was lost)."""


@shared_task(name="workflows.apply_signals", **RELIABLE)
def signals_apply_task(signal_ids: list[int]) -> int:
    """Signals accepted by the API: apply them to their instances; then any accepted
    signal whose message was lost."""
    from workflows.waits.signal_apply import signals_apply, signals_apply_pending

    return signals_apply(signal_ids) + signals_apply_pending(older_than=LATE_SECONDS, limit=50)


@shared_task(name="workflows.apply_pending_signals", **RELIABLE)
def signals_apply_pending_task() -> int:
    """Beat (every FLOWDESK_SIGNAL_SWEEP_INTERVAL): apply accepted signals older than
    FLOWDESK_SIGNAL_PENDING_GRACE_SECONDS (a lost or late message)."""
    from workflows.waits.signal_apply import signals_apply_pending

    return signals_apply_pending()
