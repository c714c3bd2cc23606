"""Scheduled starts: a cron expression in a time zone starts instances of a definition.

Each schedule keeps `next_run_at`, the next time it is due (UTC). The beat task
`workflows.run_due_schedules` claims due, enabled schedules with `FOR UPDATE SKIP
LOCKED`, records one run per due time (unique per schedule and time, so two beats
running by mistake can never start the same run twice), starts the instance in the
same transaction and moves `next_run_at` on. See workflows.waits.schedules.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.timezone import now as _now
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from workflows.models.definitions import WorkflowDefinition
from workflows.models.instances import WorkflowInstance


class MissedRuns(models.TextChoices):
    """What to do when due times passed while nothing was checking (beat down)."""

    SKIP = "skip", "Skip them"
    RUN_ONCE = "run_once", "Run once for all of them"


class RunStatus(models.TextChoices):
    PENDING = "pending", "Being started"
    STARTED = "started", "Started an instance"
    SKIPPED = "skipped", "Skipped (missed)"
    FAILED = "failed", "Could not start"


class Schedule(models.Model):
    definition = models.ForeignKey(WorkflowDefinition, on_delete=models.CASCADE, related_name="schedules")
    name = models.CharField(max_length=200)
    cron = models.CharField(
        max_length=100, help_text="Five fields: minute hour day-of-month month day-of-week"
    )
    timezone = models.CharField(max_length=64, default="UTC", help_text="IANA name, e.g. Europe/Berlin")
    version = models.PositiveIntegerField(null=True, blank=True, help_text="Pinned version (empty: latest)")
    input = models.JSONField(default=dict, blank=True)
    enabled = models.BooleanField(default=True)
    missed = models.CharField(max_length=10, choices=MissedRuns.choices, default=MissedRuns.SKIP)
    run_as = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="workflow_schedules",
        help_text="Instances start as this user (who must be allowed to start the workflow)",
    )
    next_run_at = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=_now)
    updated_at = models.DateTimeField(default=_now)

    class Meta:
        ordering = ["definition_id", "name"]
        verbose_name = "schedule"
        indexes = [
            models.Index(fields=["next_run_at"], condition=Q(enabled=True), name="wf_schedule_due"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.cron} {self.timezone})"


class ScheduleRun(ConcurrentTransitionMixin, models.Model):
    """One due time of a schedule: what it started, or why not."""

    id = models.BigAutoField(primary_key=True)
    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="runs")
    scheduled_for = models.DateTimeField()
    status = FSMField(default=RunStatus.PENDING, choices=RunStatus.choices, protected=True)
    instance = models.ForeignKey(
        WorkflowInstance, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    missed = models.PositiveIntegerField(default=0, help_text="Due times that passed unchecked before this")
    error = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=_now)

    class Meta:
        ordering = ["schedule_id", "-scheduled_for"]
        verbose_name = "schedule run"
        constraints = [
            models.UniqueConstraint(fields=["schedule", "scheduled_for"], name="workflow_schedule_run_once"),
        ]

    def __str__(self) -> str:
        return f"{self.schedule_id} at {self.scheduled_for:%Y-%m-%d %H:%M} ({self.status})"

    @transition(field=status, source=RunStatus.PENDING, target=RunStatus.STARTED)
    def start(self, *, started: WorkflowInstance) -> None:
        self.instance = started

    @transition(field=status, source=RunStatus.PENDING, target=RunStatus.SKIPPED)
    def skip(self) -> None:
        """Missed, and the schedule's policy is to skip missed runs."""

    @transition(field=status, source=RunStatus.PENDING, target=RunStatus.FAILED)
    def fail(self, *, error: dict[str, Any]) -> None:
        self.error = error
