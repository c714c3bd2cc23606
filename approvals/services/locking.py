"""The approvals locking policy.

Every write that can settle an approval step takes row locks in one fixed order:

    1. the workflow instance row   (SELECT ... FOR UPDATE; the engine adapter's lock)
    2. the approval request row    (the step's aggregate)
    3. task rows, ascending id
    4. SLA record rows of those tasks

The engine adapter applies `OpenApproval`/`CancelSteps` while it holds (1), and
`task_decide` hands the step's outcome to `instance_apply` while it holds (1)-(3),
so both paths agree and cannot deadlock. Writes that never settle a step (claim,
unclaim, delegate, comment) lock only the task row (3). The SLA checker claims
rows in the same order with SKIP LOCKED, skipping whatever a decision holds.
"""

from __future__ import annotations

from dataclasses import dataclass

from approvals.models import ApprovalRequest, ApprovalTask
from approvals.services.errors import TaskNotFound
from workflows.models import WorkflowInstance


@dataclass
class LockedTask:
    instance: WorkflowInstance
    request: ApprovalRequest
    task: ApprovalTask


def lock_task(task_id: int, *, skip_locked: bool = False) -> LockedTask | None:
    """Lock instance, request and task (in that order) and return them fresh.

    Raises TaskNotFound for an unknown id. With `skip_locked`, returns None when any of
    the rows is held by another transaction (the SLA checker's way of claiming).
    Must run inside a transaction.
    """
    ref = ApprovalTask.objects.filter(pk=task_id).values("instance_id", "request_id").first()
    if ref is None:
        raise TaskNotFound()
    instance = (
        WorkflowInstance.objects.select_for_update(skip_locked=skip_locked)
        .filter(pk=ref["instance_id"])
        .first()
    )
    if instance is None:  # held by someone else (skip_locked), or gone: take nothing further
        return _missing(skip_locked)
    request = (
        ApprovalRequest.objects.select_for_update(skip_locked=skip_locked)
        .filter(pk=ref["request_id"])
        .first()
    )
    if request is None:
        return _missing(skip_locked)
    task = (
        ApprovalTask.objects.select_for_update(skip_locked=skip_locked, of=("self",))
        .select_related("request", "assignee")
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        return _missing(skip_locked)
    task.request = request
    return LockedTask(instance, request, task)


def _missing(skip_locked: bool) -> None:
    if skip_locked:
        return None
    raise TaskNotFound()


def lock_task_row(task_id: int) -> ApprovalTask:
    """Lock just the task row (for writes that cannot settle the step)."""
    task = (
        ApprovalTask.objects.select_for_update(of=("self",))
        .select_related("request", "assignee")
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        raise TaskNotFound()
    return task


def lock_live_tasks(request: ApprovalRequest) -> list[ApprovalTask]:
    """Lock the request's live tasks in ascending id (the caller holds the request lock)."""
    from approvals.models import LIVE_STATES

    return list(
        ApprovalTask.objects.select_for_update(of=("self",))
        .filter(request=request, state__in=LIVE_STATES)
        .order_by("pk")
    )
