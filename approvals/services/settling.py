"""Settling an approval step: record a vote, ask the policy, hand the outcome to the engine.

Every helper here assumes the caller holds the instance, request and task locks
(services.locking) inside one transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser

from approvals.domain.policies import Policy, next_sequential_index, settle
from approvals.models import (
    ApprovalRequest,
    ApprovalTask,
    Decision,
    DecisionKind,
    RequestState,
    TaskEvent,
    TaskEventKind,
)
from approvals.services.engine import engine_approval_decided
from approvals.services.history import announce, event_append
from approvals.services.locking import lock_live_tasks
from approvals.services.sla import sla_close, sla_plan
from workflows.models import WorkflowInstance


def decision_record(
    *,
    task: ApprovalTask,
    user: AbstractBaseUser | None,
    outcome: str,
    form: dict[str, Any],
    comment: str,
    now: datetime,
    kind: DecisionKind = DecisionKind.USER,
    reason: str = "",
    events: list[TaskEvent] | None = None,
) -> Decision:
    """Decide the task (transition), write its immutable decision row and close its SLA.

    The history lines (decided, SLA met or missed) go to `events` when given (the caller
    writes them with its own, in one statement), else they are written here."""
    task.decide(outcome=outcome, by=user, at=now)
    task.save()
    decision = Decision.objects.create(
        task=task,
        request=task.request,
        user=user,
        kind=kind,
        outcome=outcome,
        form=form,
        comment=comment,
        reason=reason,
        decided_at=now,
    )
    lines = [] if events is None else events
    lines.append(
        TaskEvent(
            request=task.request,
            task=task,
            kind=TaskEventKind.DECIDED,
            actor=user,
            at=now,
            data={"outcome": outcome, "kind": kind, **({"reason": reason} if reason else {})},
        )
    )
    sla_close(task=task, now=now, events=lines)
    if events is None:
        TaskEvent.objects.bulk_create(lines)
    return decision


def request_advance(
    *,
    request: ApprovalRequest,
    decision: Decision,
    actor: AbstractBaseUser | None,
    now: datetime,
    force_outcome: str | None = None,
    events: list[TaskEvent] | None = None,
    instance: WorkflowInstance | None = None,
) -> str | None:
    """After a decision: settle the step if the policy (or `force_outcome`) says so, else open
    the next sequential task. Returns the step's outcome, or None while it stays open.

    `events`: history lines not yet written (decision_record's), written here with the
    step's own before the engine runs. `instance`: the row the caller locked with the
    engine's `lock_instance`, handed to the engine so it is not read again.

    An `any` step has exactly one task (services.opening), the one just decided: its
    votes, its other live tasks and its task ids are known without reading them."""
    lines = [] if events is None else events
    if request.state != RequestState.OPEN:
        TaskEvent.objects.bulk_create(lines)
        return None
    single = request.policy == Policy.ANY
    if single:
        votes = [decision.outcome]
    else:
        votes = list(request.decisions.order_by("decided_at", "pk").values_list("outcome", flat=True))
    outcome = force_outcome or settle(request.policy_spec, votes)
    if outcome is None:
        TaskEvent.objects.bulk_create(lines)
        index = next_sequential_index(request.policy_spec, votes)
        if index is not None and index < len(request.sequence):
            _open_next_in_sequence(request, index, now)
        return None
    request.settle(outcome=outcome, at=now)
    request.save()
    for task in [] if single else lock_live_tasks(request):
        task.expire(at=now)
        task.save()
        sla_close(task=task, now=now, events=lines)
        lines.append(
            TaskEvent(
                request=request, task=task, kind=TaskEventKind.EXPIRED, at=now, data={"outcome": outcome}
            )
        )
    lines.append(
        TaskEvent(request=request, kind=TaskEventKind.SETTLED, actor=actor, at=now, data={"outcome": outcome})
    )
    TaskEvent.objects.bulk_create(lines)
    engine_approval_decided(
        instance_id=request.instance_id,
        step_id=request.step_id,
        outcome=outcome,
        output=_output(request, decision),
        actor=actor,
        instance=instance,
    )
    task_ids = [decision.task_id] if single else request.tasks.values_list("pk", flat=True)
    announce(task_ids, TaskEventKind.SETTLED)
    return outcome


def request_time_out(*, request: ApprovalRequest, now: datetime) -> None:
    """The SLA ran out on a node with a `timeout` edge: close the step and let the engine take
    that edge. Precondition: instance, request and task locks are held."""
    from approvals.services.engine import engine_approval_timed_out

    request.settle(outcome="timeout", at=now)
    request.save()
    for task in lock_live_tasks(request):
        task.expire(at=now)
        task.save()
        sla_close(task=task, now=now)
        event_append(
            request=request, task=task, kind=TaskEventKind.EXPIRED, at=now, data={"outcome": "timeout"}
        )
    event_append(request=request, kind=TaskEventKind.SETTLED, at=now, data={"outcome": "timeout"})
    engine_approval_timed_out(instance_id=request.instance_id, step_id=request.step_id)
    announce(request.tasks.values_list("pk", flat=True), TaskEventKind.SETTLED)


def _output(request: ApprovalRequest, decision: Decision) -> dict[str, Any]:
    """`steps.<node>.output`: the deciding form values and who decided (plus every vote for
    multi-person policies)."""
    output: dict[str, Any] = {**decision.form, "decided_by": decision.decided_by}
    if request.policy != Policy.ANY:
        output["decisions"] = [
            {"user": d.decided_by, "outcome": d.outcome, "at": d.decided_at.isoformat()}
            for d in request.decisions.select_related("user").order_by("decided_at", "pk")
        ]
    return output


def _open_next_in_sequence(request: ApprovalRequest, index: int, now: datetime) -> None:
    from approvals.services.opening import task_create

    if request.tasks.filter(position=index).exists():
        return
    person = get_user_model().objects.filter(pk=request.sequence[index], is_active=True).first()
    plan = sla_plan(definition_id=request.definition_id, node_id=request.node_id, config=request.config)
    task_create(request=request, holder=person, position=index, plan=plan, now=now)
