"""Triggers start workflows from outside (a signed webhook) or from inside (another
instance ended). Every arrival is recorded as a run: what came in, what it started, or
why it did not. See workflows.waits.triggers.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from workflows.models.definitions import WorkflowDefinition
from workflows.models.instances import WorkflowInstance


class TriggerKind(models.TextChoices):
    WEBHOOK = "webhook", "Inbound webhook"
    INSTANCE_FINISHED = "instance_finished", "Another workflow ended"


class SourceStatus(models.TextChoices):
    """Which ends of the source workflow fire an internal trigger."""

    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"
    COMPENSATED = "compensated", "Compensated"
    ANY = "any", "Any end"


class Trigger(models.Model):
    key = models.SlugField(max_length=64, unique=True, help_text="The webhook URL is /api/hooks/<key>/")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=TriggerKind.choices)
    enabled = models.BooleanField(default=True)
    definition = models.ForeignKey(
        WorkflowDefinition, on_delete=models.CASCADE, related_name="triggers", help_text="What it starts"
    )
    version = models.PositiveIntegerField(null=True, blank=True, help_text="Pinned version (empty: latest)")
    input = models.JSONField(
        default=dict, blank=True, help_text="The started workflow's input: a map of templates"
    )
    business_key = models.CharField(
        max_length=500, blank=True, default="", help_text="Optional template; a duplicate is skipped"
    )
    run_as = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="workflow_triggers",
        help_text="Instances start as this user (who must be allowed to start the workflow)",
    )
    # webhook
    secret = models.CharField(max_length=128, blank=True, default="", help_text="HMAC-SHA256 key")
    # instance_finished
    source_definition = models.ForeignKey(
        WorkflowDefinition,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outgoing_triggers",
        help_text="Fires when an instance of this workflow ends",
    )
    source_status = models.CharField(
        max_length=12, choices=SourceStatus.choices, default=SourceStatus.COMPLETED
    )
    source_result = models.CharField(
        max_length=500, blank=True, default="", help_text="Only this result (empty: any)"
    )
    condition = models.CharField(
        max_length=2000, blank=True, default="", help_text="Optional expression over input, vars, instance"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["key"]
        verbose_name = "trigger"
        indexes = [
            models.Index(
                fields=["source_definition"],
                condition=Q(kind="instance_finished", enabled=True),
                name="wf_trigger_internal",
            ),
        ]

    def __str__(self) -> str:
        return self.key


class TriggerRunStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    STARTED = "started", "Started an instance"
    SKIPPED = "skipped", "Skipped"
    FAILED = "failed", "Could not start"
    REJECTED = "rejected", "Rejected (bad signature)"


class TriggerRun(ConcurrentTransitionMixin, models.Model):
    """One arrival at a trigger. Webhook runs are written once, in their final state;
    internal runs are written `pending` in the source instance's transaction and
    settled by a worker (so a crash between the two loses nothing)."""

    id = models.BigAutoField(primary_key=True)
    trigger = models.ForeignKey(Trigger, on_delete=models.CASCADE, related_name="runs")
    status = FSMField(default=TriggerRunStatus.PENDING, choices=TriggerRunStatus.choices, protected=True)
    delivery_id = models.CharField(
        max_length=200, blank=True, default="", help_text="Sender's delivery id, or the source instance"
    )
    request = models.JSONField(default=dict, blank=True, help_text="What came in")
    source_instance = models.ForeignKey(
        WorkflowInstance, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    input = models.JSONField(null=True, blank=True, help_text="The input it mapped")
    instance = models.ForeignKey(
        WorkflowInstance, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    error = models.JSONField(null=True, blank=True, help_text="{code, message, details} when not started")
    received_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = "trigger run"
        constraints = [
            models.UniqueConstraint(
                fields=["trigger", "delivery_id"],
                condition=~Q(delivery_id=""),
                name="workflow_trigger_delivery",
            ),
        ]
        indexes = [
            models.Index(fields=["trigger", "-received_at"], name="wf_trigger_run_recent"),
            models.Index(
                fields=["received_at"], condition=Q(status="pending"), name="wf_trigger_run_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trigger_id} #{self.pk} ({self.status})"

    @transition(field=status, source=TriggerRunStatus.PENDING, target=TriggerRunStatus.STARTED)
    def start(self, *, started: WorkflowInstance, input: Any, now: Any) -> None:
        self.instance = started
        self.input = input
        self.finished_at = now

    @transition(field=status, source=TriggerRunStatus.PENDING, target=TriggerRunStatus.SKIPPED)
    def skip(self, *, error: dict[str, Any], input: Any, now: Any) -> None:
        self.error = error
        self.input = input
        self.finished_at = now

    @transition(field=status, source=TriggerRunStatus.PENDING, target=TriggerRunStatus.FAILED)
    def fail(self, *, error: dict[str, Any], input: Any, now: Any) -> None:
        self.error = error
        self.input = input
        self.finished_at = now

    @transition(field=status, source=TriggerRunStatus.PENDING, target=TriggerRunStatus.REJECTED)
    def reject(self, *, error: dict[str, Any], now: Any) -> None:
        self.error = error
        self.finished_at = now
