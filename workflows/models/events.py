"""The execution event stream: append-only, one row per status change.

Every transition of an instance or a step appends exactly one event, with the next
`seq` of its instance (consecutive, allocated under the instance row lock). Nothing
else records execution history: the monitor, the audit trail, the WebSocket push and
metrics read this stream. A later issue adds a `hash` column chaining the rows; the
payload is plain JSON so it can be hashed canonically.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from workflows.models.instances import WorkflowInstance


class ExecutionEvent(models.Model):
    """`type` is e.g. `instance_started`, `step_scheduled`, `step_started`, `step_succeeded`
    (see workflows.runtime.events for the list); `payload` says what changed."""

    id = models.BigAutoField(primary_key=True)
    instance = models.ForeignKey(
        WorkflowInstance, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    seq = models.BigIntegerField()
    type = models.CharField(max_length=40)
    step_id = models.UUIDField(null=True, blank=True)
    node_id = models.CharField(max_length=64, blank=True, default="")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["instance", "seq"]
        verbose_name = "execution event"
        constraints = [
            models.UniqueConstraint(fields=["instance", "seq"], name="execution_event_unique_seq"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.type}"
