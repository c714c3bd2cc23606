"""Workflow instances: one run of a pinned published version, with the engine's state.

The row holds everything the pure core needs besides the live steps (see
`workflows.engine.state`): input, vars, visits, results (latest result per node),
compensable steps and saga progress, result and error. Only the runtime's state
repository (`workflows.runtime.repository`) writes them, under the row lock.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from workflows.models.definitions import WorkflowDefinition
from workflows.models.versions import WorkflowVersion


class InstanceStatus(models.TextChoices):
    """The core's statuses plus `suspended` (an operator holds dispatching)."""

    RUNNING = "running", "Running"
    SUSPENDED = "suspended", "Suspended"
    COMPENSATING = "compensating", "Compensating"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"
    COMPENSATED = "compensated", "Compensated"


ACTIVE_STATUSES = (InstanceStatus.RUNNING, InstanceStatus.SUSPENDED, InstanceStatus.COMPENSATING)
FINISHED_STATUSES = (
    InstanceStatus.COMPLETED,
    InstanceStatus.FAILED,
    InstanceStatus.CANCELLED,
    InstanceStatus.COMPENSATED,
)
_MOVING = [InstanceStatus.RUNNING, InstanceStatus.SUSPENDED]


class WorkflowInstance(ConcurrentTransitionMixin, models.Model):
    """One run of a workflow version.

    Status changes only through the transitions below, each called by the runtime
    with the row locked (`SELECT ... FOR UPDATE`); every one appends an event.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    definition = models.ForeignKey(
        WorkflowDefinition, on_delete=models.PROTECT, related_name="instances", db_index=False
    )
    version = models.ForeignKey(WorkflowVersion, on_delete=models.PROTECT, related_name="instances")
    status = FSMField(default=InstanceStatus.RUNNING, choices=InstanceStatus.choices, protected=True)
    input = models.JSONField(default=dict, blank=True)
    vars = models.JSONField(default=dict, blank=True)
    result = models.JSONField(null=True, blank=True)
    error = models.JSONField(
        null=True, blank=True, help_text="{type, message, retryable, step_id, node_id} when failed"
    )
    business_key = models.CharField(max_length=200, blank=True, default="")
    correlation_id = models.CharField(max_length=200, blank=True, default="")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="workflow_instances",
        db_index=False,
    )
    started_on_deprecated = models.BooleanField(
        default=False, help_text="Started on a version that was already deprecated"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    parent_step_id = models.UUIDField(null=True, blank=True)
    depth = models.PositiveSmallIntegerField(default=0)
    # The core's state columns (workflows.engine.state.InstanceState).
    visits = models.JSONField(default=dict, blank=True)
    results = models.JSONField(default=dict, blank=True)
    compensable = models.JSONField(default=list, blank=True, help_text="[[step_id, node_id], ...]")
    compensation = models.JSONField(null=True, blank=True)
    last_seq = models.BigIntegerField(default=0, help_text="Sequence number of the latest event")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "workflow instance"
        constraints = [
            models.UniqueConstraint(
                fields=["definition", "business_key"],
                condition=~Q(business_key=""),
                name="workflow_instance_unique_business_key",
            ),
        ]
        indexes = [
            models.Index(fields=["definition", "-created_at"], name="wf_instance_def_created"),
            models.Index(fields=["status", "-created_at"], name="wf_instance_status_created"),
            models.Index(fields=["started_by", "-created_at"], name="wf_instance_starter_created"),
            models.Index(fields=["-created_at"], name="wf_instance_created"),
            models.Index(
                fields=["business_key"], condition=~Q(business_key=""), name="wf_instance_business_key"
            ),
            models.Index(
                fields=["correlation_id"], condition=~Q(correlation_id=""), name="wf_instance_correlation"
            ),
            # Prefix search of business keys on the instance list (LIKE 'INV-%' under any collation).
            models.Index(
                fields=["business_key"],
                opclasses=["varchar_pattern_ops"],
                condition=~Q(business_key=""),
                name="wf_instance_business_key_like",
            ),
            # Finished in a time range: the dashboard's throughput, retention's cut-off.
            models.Index(
                fields=["finished_at"], condition=Q(finished_at__isnull=False), name="wf_instance_finished"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.definition_id}:{self.id}"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    def _finish(self, now: Any) -> None:
        self.finished_at = now
        self.updated_at = now

    @transition(field=status, source=_MOVING, target=InstanceStatus.COMPLETED)
    def complete(self, *, result: Any, now: Any) -> None:
        """No path is active any more; `result` is the last end node's."""
        self.result = result
        self._finish(now)

    @transition(field=status, source=[*_MOVING, InstanceStatus.COMPENSATING], target=InstanceStatus.FAILED)
    def fail(self, *, error: dict[str, Any], now: Any) -> None:
        """Failed with nothing (more) to compensate."""
        self.error = error
        self._finish(now)

    @transition(field=status, source=_MOVING, target=InstanceStatus.CANCELLED)
    def cancel(self, *, now: Any) -> None:
        """Cancelled by an operator without compensation."""
        self._finish(now)

    @transition(field=status, source=_MOVING, target=InstanceStatus.COMPENSATING)
    def start_compensation(self, *, error: dict[str, Any] | None, now: Any) -> None:
        """Undo finished steps that declared `compensate` (after a failure or a cancel)."""
        self.error = error
        self.updated_at = now

    @transition(field=status, source=InstanceStatus.COMPENSATING, target=InstanceStatus.COMPENSATED)
    def finish_compensation(self, *, now: Any) -> None:
        """Every compensation succeeded after a failure."""
        self._finish(now)

    @transition(field=status, source=InstanceStatus.COMPENSATING, target=InstanceStatus.CANCELLED)
    def finish_cancel_compensation(self, *, now: Any) -> None:
        """Every compensation succeeded after a cancel with compensation."""
        self._finish(now)

    @transition(field=status, source=InstanceStatus.RUNNING, target=InstanceStatus.SUSPENDED)
    def suspend(self, *, now: Any) -> None:
        """Hold dispatching: events still apply, no step is sent to a worker until resumed."""
        self.updated_at = now

    @transition(field=status, source=InstanceStatus.SUSPENDED, target=InstanceStatus.RUNNING)
    def resume(self, *, now: Any) -> None:
        """Dispatch again, including what was held while suspended."""
        self.updated_at = now

    @transition(field=status, source=InstanceStatus.FAILED, target=InstanceStatus.RUNNING)
    def reopen(self, *, now: Any) -> None:
        """An operator retries (or skips) the step that failed the instance."""
        self.error = None
        self.finished_at = None
        self.updated_at = now
