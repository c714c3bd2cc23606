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
from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from approvals.models import ApprovalRequest, ApprovalTask
from approvals.selectors.access import visible_q, with_viewer
from approvals.services.errors import TaskNotFound
from workflows.models import WorkflowInstance
from workflows.runtime.repository import lock_instance


@dataclass
class LockedTask:
    instance: WorkflowInstance
    request: ApprovalRequest
    task: ApprovalTask


def lock_task(
    task_id: int, *, skip_locked: bool = False, viewer: AbstractBaseUser | None = None
) -> LockedTask | None:
    """Lock instance, request and task (in that order) and return them fresh.

    Raises TaskNotFound for an unknown id. With `skip_locked`, returns None when any of
    the rows is held by another transaction (the SLA checker's way of claiming).
    With `viewer`, a task the viewer cannot see is TaskNotFound before any lock is taken,
    and the locked task carries the viewer's candidacy and votes (`access.with_viewer`),
    so the access checks that follow read no more rows. Must run inside a transaction.
    """
    refs = ApprovalTask.objects.filter(pk=task_id)
    if viewer is not None:
        refs = refs.filter(visible_q(viewer))
    ref = refs.values("instance_id", "request_id").first()
    if ref is None:
        raise TaskNotFound()
    instance = _lock_instance(ref["instance_id"], skip_locked=skip_locked)
    if instance is None:  # held by someone else (skip_locked), or gone: take nothing further
        return _missing(skip_locked)
    request = (
        ApprovalRequest.objects.select_for_update(skip_locked=skip_locked)
        .filter(pk=ref["request_id"])
        .first()
    )
    if request is None:
        return _missing(skip_locked)
    tasks = ApprovalTask.objects.select_for_update(skip_locked=skip_locked, of=("self",)).select_related(
        "assignee"
    )
    if viewer is not None:
        tasks = with_viewer(tasks, viewer)
    task = tasks.filter(pk=task_id).first()
    if task is None:
        return _missing(skip_locked)
    task.request = request
    request.instance = instance
    return LockedTask(instance, request, task)


def _lock_instance(instance_id: Any, *, skip_locked: bool) -> WorkflowInstance | None:
    if skip_locked:
        return WorkflowInstance.objects.select_for_update(skip_locked=True).filter(pk=instance_id).first()
    try:  # the engine's own locking read, so `engine_approval_decided` can apply to this row
        return lock_instance(instance_id)
    except WorkflowInstance.DoesNotExist:
        return None


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
