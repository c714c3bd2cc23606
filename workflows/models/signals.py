"""Signals received by instances: what arrived, for which waiting step, under which id.

A sender may give each signal an `id`; it is unique per instance, so sending the same
signal twice continues the workflow once (the second delivery finds the row and
answers with the first one's outcome). Signals without an id are not deduplicated.
Only delivered signals are stored: a signal nobody waited for changes nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from workflows.models.instances import WorkflowInstance

MAX_SIGNAL_ID_LENGTH = 200
MAX_SIGNAL_NAME_LENGTH = 200


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
    step_id = models.UUIDField(help_text="The signal step it resumed")
    node_id = models.CharField(max_length=64)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(default=timezone.now)

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
        indexes = [models.Index(fields=["instance", "received_at"], name="wf_signal_instance_received")]

    def __str__(self) -> str:
        return f"{self.name} -> {self.instance_id}"
