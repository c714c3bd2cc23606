"""Signals received by instances: what arrived, for which waiting step, under which id.

The API accepts a signal when the instance has a live step waiting for its name, stores
it `accepted` and answers at once; a worker applies accepted signals to their instances
(`workflows.waits.signal_inbox`), after which the row is `delivered` (with the step it
resumed) or `not_delivered` (with the reason: the step stopped waiting in between).

A sender may give each signal an `id`; it is unique per instance, so sending the same
signal twice continues the workflow once (the second request finds the row and answers
with it). Signals without an id are not deduplicated. A signal nothing waits for at the
time of the request is refused and not stored.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from workflows.models.instances import WorkflowInstance

MAX_SIGNAL_ID_LENGTH = 200
MAX_SIGNAL_NAME_LENGTH = 200


class SignalStatus(models.TextChoices):
    ACCEPTED = "accepted", "Accepted (not applied yet)"
    DELIVERED = "delivered", "Delivered"
    NOT_DELIVERED = "not_delivered", "Not delivered"


class ReceivedSignal(models.Model):
    id = models.BigAutoField(primary_key=True)
    instance = models.ForeignKey(
        WorkflowInstance, on_delete=models.CASCADE, related_name="received_signals", db_index=False
    )
    signal_id = models.CharField(
        max_length=MAX_SIGNAL_ID_LENGTH, blank=True, default="", help_text="The sender's id (deduplication)"
    )
    name = models.CharField(max_length=MAX_SIGNAL_NAME_LENGTH)
    payload = models.JSONField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=SignalStatus.choices, default=SignalStatus.ACCEPTED)
    reason = models.CharField(max_length=500, blank=True, default="", help_text="Why it was not delivered")
    step_id = models.UUIDField(null=True, blank=True, help_text="The signal step it resumed")
    node_id = models.CharField(max_length=64, blank=True, default="")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["instance", "received_at"]
        verbose_name = "received signal"
        constraints = [
            models.UniqueConstraint(
                fields=["instance", "signal_id"],
                condition=~Q(signal_id=""),
                name="workflow_signal_unique_id",
            ),
        ]
        indexes = [
            models.Index(fields=["instance", "received_at"], name="wf_signal_instance_received"),
            models.Index(fields=["id"], condition=Q(status="accepted"), name="wf_signal_accepted"),
        ]

    def __str__(self) -> str:
        return f"{self.name} -> {self.instance_id} ({self.status})"
