"""Celery tasks of approvals: thin wrappers around services."""

from __future__ import annotations

from celery import shared_task

from approvals.services.notifications import notifications_send_email
from approvals.services.sla_checker import sla_check_due


@shared_task(name="approvals.sla_check", ignore_result=True)
def sla_check_task() -> dict[str, object]:
    """Beat, every minute: advance due SLA records (SKIP LOCKED, safe to run twice at once)."""
    return sla_check_due().as_dict()


@shared_task(
    name="approvals.send_notification_emails",
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_notification_emails_task(notification_ids: list[int]) -> int:
    """Email notifications created in a committed transaction (each at most once)."""
    return notifications_send_email(notification_ids)
