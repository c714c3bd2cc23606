"""The execution event stream: append-only, one row per status change.

Every transition of an instance or a step appends exactly one event, with the next
`seq` of its instance (consecutive, allocated under the instance row lock). Nothing
else records execution history: the monitor, the audit trail, the WebSocket push and
metrics read this stream.

Tamper-evident: the database seals every row as it is inserted (`prev_hash`, `hash`: see
workflows.audit) and refuses updates of sealed rows; `manage.py verify_audit` checks the
chains. The ORM refuses updates and deletes of single events as well; whole instances
are still deleted (with their events) by retention. `actor` is PROTECTed: deleting a
person who acted would rewrite history (deactivate them instead).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from workflows.models.instances import WorkflowInstance


class EventQuerySet(models.QuerySet["ExecutionEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("execution events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("execution events are append-only; purge whole instances instead")


class AppendOnlyError(Exception):
    """An attempt to change or delete a recorded execution event."""


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
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Set by the database's sealing trigger on insert (workflows.audit.sql); never by Python.
    prev_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    hash = models.CharField(max_length=64, blank=True, default="", editable=False)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["instance", "seq"]
        verbose_name = "execution event"
        constraints = [
            models.UniqueConstraint(fields=["instance", "seq"], name="execution_event_unique_seq"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("execution events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("execution events are append-only; purge whole instances instead")
