"""Durable waits: what must happen at a time, kept in the database (not as broker ETAs).

A beat task claims due rows with `FOR UPDATE SKIP LOCKED` in batches (setting
`claimed_until`, so a crashed claimer's rows come back) and fires each through the
engine in its own transaction, which also sets `fired_at`. A wait whose step moved on
fires harmlessly: the engine ignores events for steps that are not live.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from workflows.models.instances import WorkflowInstance


class WaitKind(models.TextChoices):
    RETRY = "retry", "Retry a task attempt"
    TIMER = "timer", "Timer node"
    SIGNAL_TIMEOUT = "signal_timeout", "Signal wait times out"
    STEP_TIMEOUT = "step_timeout", "Approval or subworkflow times out"
    CIRCUIT = "circuit", "Dispatch after an open circuit"
    DISPATCH = "dispatch", "Dispatch a step that may not start earlier"
    COMPENSATION = "compensation", "Retry a compensation"


class DueWait(models.Model):
    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(max_length=20, choices=WaitKind.choices)
    instance = models.ForeignKey(WorkflowInstance, on_delete=models.CASCADE, related_name="waits")
    step_id = models.UUIDField()
    attempt = models.PositiveIntegerField(default=0)
    due_at = models.DateTimeField()
    claimed_until = models.DateTimeField(null=True, blank=True)
    fired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_at"]
        verbose_name = "due wait"
        indexes = [
            models.Index(fields=["due_at"], condition=Q(fired_at__isnull=True), name="wf_wait_unfired_due"),
            models.Index(fields=["step_id"], name="wf_wait_step"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} of {self.step_id} at {self.due_at:%Y-%m-%d %H:%M:%S}"
