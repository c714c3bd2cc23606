"""The beat task of data retention (scheduled when FLOWDESK_RETENTION_DAYS > 0)."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings

from workflows.retention.purge import instances_purge


@shared_task(name="workflows.purge_instances", ignore_result=True)
def purge_instances_task() -> dict[str, Any]:
    """Archive or delete finished instances older than FLOWDESK_RETENTION_DAYS."""
    if settings.FLOWDESK_RETENTION_DAYS <= 0:
        return {"purged": 0, "disabled": True}
    return instances_purge(
        days=settings.FLOWDESK_RETENTION_DAYS,
        mode=settings.FLOWDESK_RETENTION_MODE,
        batch=settings.FLOWDESK_RETENTION_BATCH,
    ).as_dict()
