"""Sub-workflows: a subworkflow step starts a child instance and waits for its end.

* Start (effect of `StartChild`, inside the parent's transaction, parent row locked):
  the child is a new row, so starting it here takes no second lock and commits with
  the parent's step, or not at all. When it cannot start (nesting deeper than
  FLOWDESK_SUBWORKFLOW_MAX_DEPTH, an unknown or unpublished definition, input the
  child refuses), the parent step fails at once through the engine with the error
  `subworkflow_depth_exceeded` or `subworkflow_start_failed` (the step's `on_error`
  edge, else the parent's failure handling).
* End (effect of the child's terminal commands): after commit, `subworkflow_settle`
  applies `ChildFinished(step, status, result, vars)` to the parent in the parent's
  own transaction (never two instance locks at once). A completed child continues
  the parent with output `{result, vars}`; any other end fails the step.
* Cancel (effect of the parent's `CancelSteps`): after commit, each active child of a
  cancelled subworkflow step is cancelled in its own transaction (and so its own
  children, in turn).
Messages lost between commit and send are caught by `workflows.waits.sweep`.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from django.http import Http404
from rest_framework.exceptions import APIException

from workflows.engine.commands import CancelSteps, StartChild
from workflows.engine.events import CancelRequested, ChildFinished
from workflows.models import InstanceStatus, StepExecution, StepStatus, WorkflowInstance
from workflows.models.instances import ACTIVE_STATUSES, FINISHED_STATUSES
from workflows.runtime.effects import EffectContext
from workflows.runtime.repository import lock_instance
from workflows.runtime.units import Annotations
from workflows.services.instances import apply_locked, instance_start
from workflows.waits.errors import SUBWORKFLOW_DEPTH_EXCEEDED, SUBWORKFLOW_START_FAILED

logger = logging.getLogger(__name__)

SETTLE_TASK = "workflows.settle_subworkflow"
CANCEL_TASK = "workflows.cancel_child"


# -- starting ------------------------------------------------------------------------------


def on_start_child(context: EffectContext, command: StartChild) -> None:
    """Start the child of `command.step_id`, or fail that step (see the module doc)."""
    parent = context.instance
    if not StepExecution.objects.filter(pk=command.step_id, status=StepStatus.WAITING).exists():
        return  # an earlier effect of this same decision already failed the parent
    error = _start_child(parent, command)
    if error is not None:
        annotations = Annotations(error_extra={command.step_id: error})
        apply_locked(
            parent, ChildFinished(command.step_id, "failed"), annotations=annotations, now=context.now
        )


def _start_child(parent: WorkflowInstance, command: StartChild) -> dict[str, Any] | None:
    """Start the child in a savepoint; the error to record on the parent step, or None."""
    limit = settings.FLOWDESK_SUBWORKFLOW_MAX_DEPTH
    if parent.depth + 1 > limit:
        return {
            "type": SUBWORKFLOW_DEPTH_EXCEEDED,
            "message": f"sub-workflows nest at most {limit} deep (FLOWDESK_SUBWORKFLOW_MAX_DEPTH); "
            f"starting {command.definition} here would be level {parent.depth + 1}",
            "retryable": False,
            "limit": limit,
        }
    try:
        with transaction.atomic():
            child = instance_start(
                definition_key=command.definition,
                version=command.version,
                input=command.input if command.input is not None else {},
                started_by=parent.started_by,
                parent=parent,
                parent_step_id=command.step_id,
            )
    except (APIException, Http404, DjangoPermissionDenied) as exc:
        code = getattr(exc, "error_code", None) or ("not_found" if isinstance(exc, Http404) else "refused")
        details = getattr(exc, "details", None)
        return {
            "type": SUBWORKFLOW_START_FAILED,
            "message": f"could not start {command.definition}: {_message(exc)}",
            "retryable": False,
            "cause": {"code": code, "details": details},
        }
    logger.info("instance %s started child %s (%s)", parent.pk, child.pk, command.definition)
    return None


def _message(exc: Exception) -> str:
    detail = getattr(exc, "detail", None)
    return str(detail if detail is not None else exc)


# -- ending ----------------------------------------------------------------------------------


def on_instance_finished(context: EffectContext, command: Any) -> None:
    """A child reached a terminal status: settle its parent's step after commit."""
    instance = context.instance
    if instance.parent_id is None or instance.parent_step_id is None or not instance.is_finished:
        return
    transaction.on_commit(
        partial(_send, SETTLE_TASK, [str(instance.parent_id), str(instance.parent_step_id)])
    )


def subworkflow_settle(*, parent_id: UUID | str, step_id: UUID | str) -> bool:
    """Apply `ChildFinished` to the parent step `step_id` if it still waits and its child
    ended. Idempotent (the engine ignores a step that moved on). True when applied."""
    with transaction.atomic():
        try:
            parent = lock_instance(parent_id)
        except WorkflowInstance.DoesNotExist:
            return False
        waiting = StepExecution.objects.filter(
            pk=step_id, instance_id=parent.pk, node_type="subworkflow", status=StepStatus.WAITING
        ).exists()
        if not waiting:
            return False
        child = (
            WorkflowInstance.objects.filter(parent_id=parent.pk, parent_step_id=step_id)
            .order_by("-created_at")
            .first()
        )
        if child is None or child.status not in FINISHED_STATUSES:
            return False
        extra: dict[str, Any] = {"child": str(child.pk)}
        if child.error:
            extra["child_error"] = child.error
        event = ChildFinished(str(step_id), str(child.status), child.result, dict(child.vars or {}))
        applied = apply_locked(parent, event, annotations=Annotations(error_extra={str(step_id): extra}))
        return applied.ignored is None


# -- cancelling ------------------------------------------------------------------------------


def on_cancel_steps(context: EffectContext, command: CancelSteps) -> None:
    """Cancelled subworkflow steps: cancel their active children after commit."""
    subflows = [
        step_id
        for step_id in command.step_ids
        if (row := context.steps.get(step_id)) is not None and row.node_type == "subworkflow"
    ]
    if not subflows:
        return
    children = WorkflowInstance.objects.filter(
        parent_id=context.instance.pk, parent_step_id__in=subflows, status__in=ACTIVE_STATUSES
    ).values_list("pk", flat=True)
    for child_id in children:
        transaction.on_commit(partial(_send, CANCEL_TASK, [str(child_id)]))


def child_cancel(*, child_id: UUID | str, reason: str = "parent cancelled") -> bool:
    """Cancel a child whose parent step no longer waits for it. Idempotent: a finished
    child, or one whose parent step still waits, is left alone. True when cancelled."""
    with transaction.atomic():
        try:
            child = lock_instance(child_id)
        except WorkflowInstance.DoesNotExist:
            return False
        if child.status not in (InstanceStatus.RUNNING, InstanceStatus.SUSPENDED):
            return False
        if child.parent_step_id is None:
            return False
        still_waited_for = StepExecution.objects.filter(
            pk=child.parent_step_id, status=StepStatus.WAITING
        ).exists()
        if still_waited_for:
            return False
        applied = apply_locked(child, CancelRequested(reason=reason))
        return applied.ignored is None


def _send(name: str, args: list[str]) -> None:
    """Send a task by name after commit; if the broker is down the sweep does it later."""
    from celery import current_app

    try:
        current_app.send_task(name, args=args)
    except Exception:
        logger.exception("could not send %s%s; the sweep will catch up", name, args)
