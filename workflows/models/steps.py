"""Step executions: one row per activation of a node (the core's step, keyed by its id).

Rows are written by the runtime only: inserted in bulk when the core creates steps,
moved by the transitions below with the instance row locked, and claimed by a worker
with one conditional UPDATE (scheduled -> running, same attempt). A worker renews
`lease_expires_at` while a long action runs; the reaper re-dispatches a running step
whose lease lapsed (its worker died).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from workflows.models.instances import WorkflowInstance


class StepStatus(models.TextChoices):
    """The core's step statuses (`workflows.engine.StepStatus`); `running` is set by workers."""

    SCHEDULED = "scheduled", "Scheduled"
    RUNNING = "running", "Running"
    RETRYING = "retrying", "Waiting to retry"
    WAITING = "waiting", "Waiting"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped"
    CANCELLED = "cancelled", "Cancelled"
    COMPENSATING = "compensating", "Compensating"
    COMPENSATED = "compensated", "Compensated"
    COMPENSATION_FAILED = "compensation_failed", "Compensation failed"


LIVE_STATUSES = (StepStatus.SCHEDULED, StepStatus.RUNNING, StepStatus.RETRYING, StepStatus.WAITING)
_LIVE = list(LIVE_STATUSES)
_RUNNABLE = [StepStatus.SCHEDULED, StepStatus.RUNNING, StepStatus.RETRYING]


class StepExecution(ConcurrentTransitionMixin, models.Model):
    """One activation of one node of an instance ("token"); `id` is the core's step id,
    also the action's idempotency key (stable across attempts and redeliveries)."""

    id = models.UUIDField(primary_key=True, editable=False)
    instance = models.ForeignKey(
        WorkflowInstance, on_delete=models.CASCADE, related_name="steps", db_index=False
    )
    node_id = models.CharField(max_length=64)
    node_type = models.CharField(max_length=16)
    visit = models.PositiveIntegerField(default=1)
    via_edge = models.CharField(max_length=64, blank=True, default="")
    status = FSMField(choices=StepStatus.choices, protected=True)
    attempt = models.PositiveIntegerField(default=0)
    action = models.CharField(max_length=100, blank=True, default="")
    params = models.JSONField(null=True, blank=True, help_text="Rendered params of a task")
    output = models.JSONField(null=True, blank=True)
    error = models.JSONField(
        null=True, blank=True, help_text="{type, message, retryable, traceback?} of the last failure"
    )
    arrivals = models.JSONField(default=list, blank=True, help_text="Incoming edges a join has seen")
    not_before = models.DateTimeField(null=True, blank=True)
    timeout_seconds = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=255, blank=True, default="", help_text="Hostname of the worker")
    celery_task_id = models.CharField(max_length=64, blank=True, default="")
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    redeliveries = models.PositiveIntegerField(default=0)
    compensation_attempt = models.PositiveIntegerField(default=0)
    compensation = models.JSONField(
        null=True, blank=True, help_text="{action, params, error} of the step's compensation"
    )

    class Meta:
        ordering = ["created_at"]
        verbose_name = "step execution"
        indexes = [
            models.Index(fields=["instance", "status"], name="wf_step_instance_status"),
            models.Index(fields=["instance", "created_at"], name="wf_step_instance_created"),
            models.Index(
                fields=["lease_expires_at"],
                condition=Q(status__in=["running", "compensating"]),
                name="wf_step_leases",
            ),
            models.Index(
                fields=["dispatched_at"],
                condition=Q(status__in=["scheduled", "compensating"]),
                name="wf_step_dispatched",
            ),
            # Task steps finished in a time range: the dashboard's duration percentiles per action.
            models.Index(fields=["finished_at"], condition=~Q(action=""), name="wf_step_task_finished"),
        ]

    def __str__(self) -> str:
        return f"{self.node_id}#{self.visit} ({self.status})"

    # -- the worker ---------------------------------------------------------------------

    @transition(field=status, source=StepStatus.SCHEDULED, target=StepStatus.RUNNING)
    def start(self, *, worker: str, task_id: str, now: Any, lease_until: Any) -> None:
        """A worker claimed the attempt (also done in one SQL statement by the claim)."""
        self.worker = worker
        self.celery_task_id = task_id
        self.started_at = now
        self.lease_expires_at = lease_until

    @transition(field=status, source=StepStatus.RUNNING, target=StepStatus.SCHEDULED)
    def requeue(self, *, now: Any) -> None:
        """The worker running it was lost: dispatch the same attempt again (not a failure)."""
        self.redeliveries += 1
        self.lease_expires_at = None
        self.dispatched_at = now

    # -- the core's commands --------------------------------------------------------------

    @transition(field=status, source=_RUNNABLE, target=StepStatus.SCHEDULED)
    def reschedule(self, *, attempt: int, params: Any, timeout_seconds: float | None, now: Any) -> None:
        """Dispatch `attempt` now: an operator retry, or a retry that came due."""
        self.attempt = attempt
        self.params = params
        self.timeout_seconds = timeout_seconds
        self.not_before = None
        self.lease_expires_at = None
        self.redeliveries = 0

    @transition(field=status, source=_RUNNABLE, target=StepStatus.RETRYING)
    def retry_later(self, *, attempt: int, not_before: Any, error: dict[str, Any]) -> None:
        """The attempt failed; attempt `attempt` runs at `not_before`."""
        self.attempt = attempt
        self.not_before = not_before
        self.error = error
        self.lease_expires_at = None

    @transition(field=status, source=_LIVE, target=StepStatus.SUCCEEDED)
    def succeed(self, *, output: Any, now: Any) -> None:
        self.output = output
        self._finish(now)

    @transition(field=status, source=_LIVE, target=StepStatus.SKIPPED)
    def skip(self, *, output: Any, now: Any) -> None:
        """An operator skipped it with `output`."""
        self.output = output
        self._finish(now)

    @transition(field=status, source=_LIVE, target=StepStatus.FAILED)
    def fail(self, *, error: dict[str, Any], now: Any) -> None:
        self.error = error
        self._finish(now)

    @transition(field=status, source=_LIVE, target=StepStatus.CANCELLED)
    def cancel(self, *, now: Any) -> None:
        self._finish(now)

    def _finish(self, now: Any) -> None:
        self.finished_at = now
        self.lease_expires_at = None

    # -- compensation (saga) --------------------------------------------------------------

    @transition(
        field=status, source=[StepStatus.SUCCEEDED, StepStatus.COMPENSATING], target=StepStatus.COMPENSATING
    )
    def compensate(self, *, action: str, params: Any, attempt: int, not_before: Any, now: Any) -> None:
        """Run (or retry) the compensation action of this finished step."""
        self.compensation = {**(self.compensation or {}), "action": action, "params": params}
        self.compensation_attempt = attempt
        self.redeliveries = 0
        self.not_before = not_before
        self.lease_expires_at = None
        self.dispatched_at = None

    @transition(field=status, source=StepStatus.COMPENSATING, target=StepStatus.COMPENSATED)
    def mark_compensated(self, *, now: Any) -> None:
        self.lease_expires_at = None

    @transition(field=status, source=StepStatus.COMPENSATING, target=StepStatus.COMPENSATION_FAILED)
    def mark_compensation_failed(self, *, error: dict[str, Any], now: Any) -> None:
        self.compensation = {**(self.compensation or {}), "error": error}
        self.lease_expires_at = None

    # -- operators on a failed instance ---------------------------------------------------

    @transition(field=status, source=StepStatus.FAILED, target=StepStatus.RETRYING)
    def reopen_task(self, *, now: Any) -> None:
        """Make the task that failed its instance live again (then retried or skipped)."""
        self.finished_at = None

    @transition(field=status, source=StepStatus.FAILED, target=StepStatus.WAITING)
    def reopen_wait(self, *, now: Any) -> None:
        """Make the wait that failed its instance live again (then skipped)."""
        self.finished_at = None
