"""The SLA check and notification emails run on a real Celery worker; beat schedules the check."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from approvals.models import Notification, SlaRecord, SlaState
from approvals.tasks import send_notification_emails_task, sla_check_task
from tests.integration.approvals.conftest import tasks_of


def test_beat_runs_the_sla_check_every_minute() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["approvals.sla_check"]
    assert entry["task"] == sla_check_task.name == "approvals.sla_check"
    assert entry["schedule"] == 60.0


@pytest.mark.django_db(transaction=True)
def test_a_worker_breaches_an_overdue_task_and_emails_the_notifications(
    expense, start, celery_worker_process
) -> None:
    # given a manager task whose deadline has passed (moved into the past)
    [task] = tasks_of(start(5000), "manager")
    past = timezone.now() - timedelta(minutes=5)
    SlaRecord.objects.filter(task=task).update(
        warn_at=past - timedelta(hours=1), due_at=past, next_check_at=past - timedelta(hours=1)
    )
    # when the beat task runs on the worker
    sla_check_task.delay()
    deadline = time.monotonic() + 30
    while SlaRecord.objects.get(task=task).state != SlaState.BREACHED and time.monotonic() < deadline:
        time.sleep(0.2)
    # then
    assert SlaRecord.objects.get(task=task).state == SlaState.BREACHED
    escalated = Notification.objects.filter(kind="escalated")
    assert set(escalated.values_list("user__username", flat=True)) == {"manny", "mona", "diana"}
    # and the worker emails notifications (each once) after commit
    send_notification_emails_task.delay(list(escalated.values_list("pk", flat=True)))
    while escalated.filter(emailed_at__isnull=True).exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not escalated.filter(emailed_at__isnull=True).exists()
