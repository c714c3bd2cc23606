"""Deciding tasks: by the person asked, in bulk, by staff (forced) and by the system (SLA)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from approvals import clock
from approvals.domain.forms import FormInvalid, validate_form
from approvals.models import ApprovalTask, DecisionKind, TaskEvent, TaskEventKind
from approvals.selectors.access import can_see, decide_refusal
from approvals.services.errors import (
    FormRejected,
    InvalidOutcome,
    SelfApprovalForbidden,
    TaskAlreadyDecided,
    TaskForbidden,
    TaskNotFound,
)
from approvals.services.history import announce
from approvals.services.locking import LockedTask, lock_task
from approvals.services.settling import decision_record, request_advance

MAX_COMMENT = 10_000


def _check_outcome(task: ApprovalTask, outcome: Any) -> str:
    allowed = list(task.request.outcomes)
    if not isinstance(outcome, str) or outcome not in allowed:
        raise InvalidOutcome(outcome, allowed)
    return outcome


def _check_form(task: ApprovalTask, form: Any, *, partial: bool = False) -> dict[str, Any]:
    fields = task.request.form_fields
    if partial:  # staff forcing a decision need not fill required fields, but what they give must fit
        fields = tuple(f for f in fields if not f.required or (isinstance(form, dict) and f.name in form))
    try:
        return validate_form(fields, form)
    except FormInvalid as exc:
        raise FormRejected(exc.errors) from None


@transaction.atomic(durable=True)
def task_decide(
    *,
    task_id: int,
    actor: AbstractBaseUser,
    outcome: str,
    form: dict[str, Any] | None = None,
    comment: str = "",
    now: datetime | None = None,
) -> ApprovalTask:
    """Record `actor`'s decision on a task and, when the policy settles the step, continue the workflow.

    Locks instance, request and task (services.locking). Raises TaskNotFound (404: unknown
    or not visible), TaskAlreadyDecided (409: no longer live, e.g. someone decided first),
    TaskForbidden/SelfApprovalForbidden (403), InvalidOutcome or FormRejected (400). Nothing
    is written unless every check passes; the engine's next steps commit with the decision.
    """
    now = now or clock.now()
    locked = lock_task(task_id, viewer=actor)  # TaskNotFound before any lock when not visible
    assert locked is not None
    task = locked.task
    if not can_see(task, actor):  # the locked row says, without a query (a delegation may have raced)
        raise TaskNotFound()
    if not task.is_live:
        raise TaskAlreadyDecided(task.pk, task.state)
    refusal = decide_refusal(task, actor)
    if refusal == "self_approval_forbidden":
        raise SelfApprovalForbidden()
    if refusal is not None:
        raise TaskForbidden(_REFUSALS[refusal], code=refusal)
    chosen = _check_outcome(task, outcome)
    values = _check_form(task, form)
    events: list[TaskEvent] = []  # history lines, written in one statement by request_advance
    decision = decision_record(
        task=task,
        user=actor,
        outcome=chosen,
        form=values,
        comment=str(comment or "")[:MAX_COMMENT],
        now=now,
        events=events,
    )
    request_advance(
        request=locked.request,
        decision=decision,
        actor=actor,
        now=now,
        events=events,
        instance=locked.instance,
    )
    announce([task.pk], TaskEventKind.DECIDED, [actor.pk])
    return task


_REFUSALS = {
    "held_by_someone_else": "Someone else holds this task.",
    "not_a_candidate": "This task is not offered to you.",
    "already_decided_this_step": "You already decided another task of this approval.",
}


@transaction.atomic(durable=True)
def task_force_decide(
    *,
    task_id: int,
    actor: AbstractBaseUser,
    outcome: str,
    reason: str,
    form: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> ApprovalTask:
    """Staff settle the whole step with `outcome` through this task, with a reason (admin).

    Bypasses assignment and four eyes, not the outcome list or the form's types.
    Raises TaskForbidden (not staff), TaskAlreadyDecided, InvalidOutcome, FormRejected.
    """
    if not actor.is_staff:
        raise TaskForbidden("Only staff may force a decision.")
    if not reason.strip():
        raise FormRejected({"reason": ["Say why you force this decision."]})
    now = now or clock.now()
    locked = lock_task(task_id)
    assert locked is not None
    if not locked.task.is_live:
        raise TaskAlreadyDecided(locked.task.pk, locked.task.state)
    chosen = _check_outcome(locked.task, outcome)
    values = _check_form(locked.task, form or {}, partial=True)
    decision = decision_record(
        task=locked.task,
        user=actor,
        outcome=chosen,
        form=values,
        comment="",
        now=now,
        kind=DecisionKind.FORCED,
        reason=reason.strip(),
    )
    request_advance(request=locked.request, decision=decision, actor=actor, now=now, force_outcome=chosen)
    return locked.task


def task_auto_decide(*, locked: LockedTask, outcome: str, now: datetime) -> bool:
    """The SLA's `auto_outcome`: the system decides the breached task and settles the step.

    Precondition: `locked` holds instance, request and task locks. Returns False (and does
    nothing) when the outcome is not one of the node's or the task is no longer live.
    """
    task = locked.task
    if not task.is_live or outcome not in task.request.outcomes:
        return False
    decision = decision_record(
        task=task,
        user=None,
        outcome=outcome,
        form={},
        comment="",
        now=now,
        kind=DecisionKind.SYSTEM,
        reason="SLA breached: automatic outcome",
    )
    request_advance(request=locked.request, decision=decision, actor=None, now=now, force_outcome=outcome)
    return True


@dataclass
class BulkResult:
    decided: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)


def tasks_decide_bulk(
    *, task_ids: Sequence[int], actor: AbstractBaseUser, outcome: str, comment: str = ""
) -> BulkResult:
    """Decide several tasks that need no form input, each in its own transaction, so one
    refusal does not undo the others. Tasks whose form has required fields are refused."""
    result = BulkResult()
    for task_id in dict.fromkeys(task_ids):
        task = ApprovalTask.objects.select_related("request").filter(pk=task_id).first()
        if task is None or not can_see(task, actor):
            result.failed[task_id] = "not_found"
            continue
        if task.request.needs_input:
            result.failed[task_id] = "form_required"
            continue
        try:
            task_decide(task_id=task_id, actor=actor, outcome=outcome, form={}, comment=comment)
        except (TaskNotFound, TaskForbidden, TaskAlreadyDecided, InvalidOutcome, FormRejected) as exc:
            result.failed[task_id] = exc.error_code
        else:
            result.decided.append(task_id)
    return result
