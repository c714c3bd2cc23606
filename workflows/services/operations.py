"""Operators act on instances: cancel, suspend, resume, retry a step, skip a step.

Each is one transaction holding the instance lock, a permission check
(`selectors.instances.can_operate`: 403 for viewers, 404 for others) and a transition;
from a state where it makes no sense it raises 409 `invalid_state`.

Retry and skip on a FAILED instance reopen it: when the instance failed because of
that step (and nothing was compensated or cancelled by the failure, so the path can
go on as if the failure had not happened), the instance goes back to running, the
step becomes live again, and the retry (a new attempt, now) or the skip (with the
given output) proceeds. Anything else on a finished instance is refused.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from rest_framework.exceptions import PermissionDenied

from workflows.engine.events import CancelRequested, Event, StepRetryRequested, StepSkipped
from workflows.models import InstanceStatus, StepExecution, StepStatus, WorkflowInstance
from workflows.runtime.applier import Applier
from workflows.runtime.repository import lock_instance
from workflows.selectors.definitions import can_view
from workflows.selectors.instances import can_operate
from workflows.services.engine_errors import InvalidState
from workflows.services.instances import apply_locked

REOPENABLE = {"task": "reopen_task", "approval": "reopen_wait", "signal": "reopen_wait",
              "timer": "reopen_wait", "subworkflow": "reopen_wait"}  # fmt: skip
MAX_REASON = 500


def _locked_for(actor: Any, instance_id: UUID | str) -> WorkflowInstance:
    """Lock the instance and check the actor may operate it (404 hidden, 403 view-only)."""
    try:
        instance = lock_instance(instance_id)
    except (WorkflowInstance.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404("no such instance") from None
    if not can_operate(actor, instance):
        if actor.is_authenticated and (actor.is_staff or can_view(actor, instance.definition)):
            raise PermissionDenied("You may view this instance but not operate it.")
        raise Http404("no such instance")
    return instance


@transaction.atomic
def instance_cancel(
    *, instance_id: UUID | str, actor: Any, compensate: bool = False, reason: str = ""
) -> WorkflowInstance:
    """Cancel a running or suspended instance: its live steps are cancelled; with
    `compensate`, finished steps that declared compensation are undone first (the
    instance is `compensating`, then `cancelled`). 409 invalid_state otherwise."""
    instance = _locked_for(actor, instance_id)
    if instance.status not in (InstanceStatus.RUNNING, InstanceStatus.SUSPENDED):
        raise InvalidState(f"A {instance.status} instance cannot be cancelled.", status=instance.status)
    event = CancelRequested(
        compensate=bool(compensate), reason=str(reason or "cancelled by an operator")[:MAX_REASON]
    )
    apply_locked(instance, event, actor=actor, strict=True)
    return instance


@transaction.atomic
def instance_suspend(*, instance_id: UUID | str, actor: Any) -> WorkflowInstance:
    """Hold dispatching: events still apply (running steps finish, signals arrive), but
    no step is sent to a worker and no timer or timeout fires until the instance is
    resumed (workflows.services.timers holds them). Only from running."""
    instance = _locked_for(actor, instance_id)
    applier = Applier(instance, {}, now=timezone.now(), actor_id=actor.pk)
    instance.suspend(now=applier.now)  # TransitionNotAllowed -> 409 invalid_state
    applier.log.instance_event("instance_suspended")
    applier.finish()
    return instance


@transaction.atomic
def instance_resume(*, instance_id: UUID | str, actor: Any) -> WorkflowInstance:
    """Dispatch again: every step left scheduled while suspended is sent now."""
    instance = _locked_for(actor, instance_id)
    applier = Applier(instance, {}, now=timezone.now(), actor_id=actor.pk)
    instance.resume(now=applier.now)
    applier.log.instance_event("instance_resumed")
    for row in StepExecution.objects.filter(instance_id=instance.pk, status=StepStatus.SCHEDULED):
        applier.adopt(row)
        row.not_before = None
        applier.resend(row)
    applier.finish()
    return instance


@transaction.atomic
def step_retry(*, instance_id: UUID | str, step_id: UUID | str, actor: Any) -> StepExecution:
    """Run a task step again now, as a new attempt (a late report of the old one is
    ignored). Live task steps (retrying, scheduled, running) of a running or suspended
    instance; a failed step that failed its instance reopens it (see the module doc)."""
    return _operate_step(instance_id, step_id, actor, lambda sid: StepRetryRequested(sid), retry=True)


@transaction.atomic
def step_skip(
    *, instance_id: UUID | str, step_id: UUID | str, actor: Any, output: Any = None
) -> StepExecution:
    """Finish a waiting or stuck step as `skipped` with `output` and let its path go on
    (for an approval, `output["outcome"]` picks the edge). Not joins. A failed step that
    failed its instance reopens it (see the module doc)."""
    return _operate_step(
        instance_id, step_id, actor, lambda sid: StepSkipped(sid, output), retry=False, skip=True
    )


def _operate_step(
    instance_id: UUID | str,
    step_id: UUID | str,
    actor: Any,
    make_event: Any,
    *,
    retry: bool,
    skip: bool = False,
) -> StepExecution:
    instance = _locked_for(actor, instance_id)
    try:
        row = StepExecution.objects.filter(instance_id=instance.pk, pk=step_id).first()
    except (ValueError, ValidationError):
        row = None
    if row is None:
        raise Http404("no such step")
    if skip and row.node_type == "approval" and not getattr(actor, "is_staff", False):
        # Skipping an approval decides it without the approvers (four eyes): staff only,
        # and they should rather force a decision from the approvals admin.
        raise PermissionDenied("Only staff may skip an approval step; it would bypass its approvers.")
    sid = str(row.id)
    event: Event = make_event(sid)
    if instance.status == InstanceStatus.FAILED and row.status == StepStatus.FAILED:
        _ensure_reopenable(instance, row, retry=retry)
        apply_locked(instance, event, actor=actor, prepare=lambda a: _reopen(a, row), strict=True)
    elif instance.status in (InstanceStatus.RUNNING, InstanceStatus.SUSPENDED) and row.status in (
        StepStatus.SCHEDULED,
        StepStatus.RUNNING,
        StepStatus.RETRYING,
        StepStatus.WAITING,
    ):
        apply_locked(instance, event, actor=actor, strict=True)
    else:
        what = "retried" if retry else "skipped"
        raise InvalidState(
            f"A {row.status} step of a {instance.status} instance cannot be {what}.",
            instance_status=instance.status,
            step_status=row.status,
        )
    row.refresh_from_db()
    return row


def _ensure_reopenable(instance: WorkflowInstance, row: StepExecution, *, retry: bool) -> None:
    error = instance.error or {}
    if error.get("step_id") != str(row.id):
        raise InvalidState("Only the step that failed the instance can be retried or skipped.")
    if instance.compensation:
        raise InvalidState("The instance was compensated after it failed; it cannot be reopened.")
    if row.node_type not in REOPENABLE or (retry and row.node_type != "task"):
        raise InvalidState(f"A failed {row.node_type} step cannot be {'retried' if retry else 'skipped'}.")
    if StepExecution.objects.filter(instance_id=instance.pk, status=StepStatus.CANCELLED).exists():
        raise InvalidState("The failure cancelled other paths of this instance; it cannot be reopened.")


def _reopen(applier: Applier, row: StepExecution) -> None:
    """Failed instance -> running, its failing step -> live again (events for both)."""
    applier.adopt(row)
    applier.instance.reopen(now=applier.now)
    applier.log.instance_event("instance_reopened", step_id=str(row.id))
    getattr(row, REOPENABLE[row.node_type])(now=applier.now)
    applier.log.step_event(row, "step_reopened", attempt=row.attempt)
