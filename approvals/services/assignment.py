"""Who holds a task: claim, unclaim, delegate (the holder or a candidate), reassign (staff).

These writes cannot settle a step, so they lock only the task row (lock order step 3).
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from approvals import clock
from approvals.models import ApprovalTask, NotificationKind, TaskEventKind, TaskState
from approvals.selectors.access import can_see, decide_refusal
from approvals.services.errors import (
    DelegationRefused,
    TaskAlreadyDecided,
    TaskForbidden,
    TaskNotClaimable,
    TaskNotFound,
)
from approvals.services.history import announce, event_append
from approvals.services.locking import lock_task_row
from approvals.services.notifications import notify

MAX_NOTE = 2_000


def _visible_live(task_id: int, actor: AbstractBaseUser) -> ApprovalTask:
    task = lock_task_row(task_id)
    if not can_see(task, actor):
        raise TaskNotFound()
    if not task.is_live:
        raise TaskAlreadyDecided(task.pk, task.state)
    return task


def _is_shared(task: ApprovalTask) -> bool:
    return task.candidate_users.exists() or task.candidate_groups.exists()


@transaction.atomic(durable=True)
def task_claim(*, task_id: int, actor: AbstractBaseUser, now: datetime | None = None) -> ApprovalTask:
    """Take a shared task so that only `actor` decides it. 409 task_not_claimable when it is
    held already or not shared; 403 when `actor` could not decide it anyway (four eyes)."""
    now = now or clock.now()
    task = _visible_live(task_id, actor)
    if task.assignee_id is not None or not _is_shared(task) or task.state == TaskState.CLAIMED:
        raise TaskNotClaimable("Only an unclaimed group task can be claimed.")
    refusal = decide_refusal(task, actor)
    if refusal is not None:
        raise TaskForbidden("You could not decide this task, so you cannot claim it.", code=refusal)
    task.claim(user=actor, at=now)
    task.save()
    event_append(request=task.request, task=task, kind=TaskEventKind.CLAIMED, actor=actor, at=now)
    announce([task.pk], TaskEventKind.CLAIMED, [actor.pk])
    return task


@transaction.atomic(durable=True)
def task_unclaim(*, task_id: int, actor: AbstractBaseUser, now: datetime | None = None) -> ApprovalTask:
    """Give a claimed task back to its candidates (only its holder, or staff)."""
    now = now or clock.now()
    task = _visible_live(task_id, actor)
    if task.state != TaskState.CLAIMED or not _is_shared(task):
        raise TaskNotClaimable("Only a claimed group task can be unclaimed.")
    if task.assignee_id != actor.pk and not actor.is_staff:
        raise TaskForbidden("Only the person who holds it can unclaim this task.")
    task.unclaim()
    task.save()
    event_append(request=task.request, task=task, kind=TaskEventKind.UNCLAIMED, actor=actor, at=now)
    announce([task.pk], TaskEventKind.UNCLAIMED, [actor.pk])
    return task


def _find_user(to: object) -> AbstractBaseUser:
    User = get_user_model()
    lookup = {"pk": to} if isinstance(to, int) else {"username": str(to or "").strip()}
    user = User.objects.filter(is_active=True, **lookup).first()
    if user is None:
        raise DelegationRefused(f"There is no active user {to!r}.", code="unknown_user", details={"to": to})
    return user


def _hand_over(
    task: ApprovalTask,
    *,
    to: AbstractBaseUser,
    actor: AbstractBaseUser,
    note: str,
    kind: TaskEventKind,
    now: datetime,
) -> ApprovalTask:
    request = task.request
    if to.pk == task.assignee_id:
        raise DelegationRefused("That person already holds this task.", code="already_holder")
    if to.pk == request.started_by_id and not request.allow_self_approval:
        raise DelegationRefused(
            "That person started this workflow and may not decide its approvals.",
            code="self_approval_forbidden",
        )
    holds_another = ApprovalTask.objects.filter(request=request, assignee=to).exclude(pk=task.pk).exists()
    if holds_another:
        raise DelegationRefused("That person already has a task in this approval.", code="already_assigned")
    previous = task.assignee
    task.hand_over(to=to, by=actor, note=note[:MAX_NOTE], at=now, shared=_is_shared(task))
    task.save()
    event_append(
        request=request,
        task=task,
        kind=kind,
        actor=actor,
        at=now,
        data={
            "from": previous.get_username() if previous else None,
            "to": to.get_username(),
            "note": note[:MAX_NOTE],
        },
    )
    notify(
        users=[to],
        kind=NotificationKind.TASK_DELEGATED,
        task=task,
        at=now,
        title=f"{actor.get_username()} passed you a task: {request.headline}",
        body=note or f"{request.name} waits for your decision.",
    )
    announce([task.pk], kind, [to.pk, actor.pk] + ([previous.pk] if previous else []))
    return task


@transaction.atomic(durable=True)
def task_delegate(
    *, task_id: int, actor: AbstractBaseUser, to: object, note: str = "", now: datetime | None = None
) -> ApprovalTask:
    """Pass a task to another user with a note. Only someone who could decide it may delegate it.
    400 delegation_refused codes: unknown_user, already_holder, already_assigned, self_approval_forbidden."""
    now = now or clock.now()
    task = _visible_live(task_id, actor)
    refusal = decide_refusal(task, actor)
    if refusal not in (None, "self_approval_forbidden", "already_decided_this_step"):
        raise TaskForbidden("Only the person who holds this task can delegate it.", code=refusal)
    target = _find_user(to)
    if target.pk == actor.pk:
        raise DelegationRefused("You cannot delegate a task to yourself.", code="self_delegation")
    return _hand_over(task, to=target, actor=actor, note=note, kind=TaskEventKind.DELEGATED, now=now)


@transaction.atomic(durable=True)
def task_reassign(
    *, task_id: int, actor: AbstractBaseUser, to: object, reason: str = "", now: datetime | None = None
) -> ApprovalTask:
    """Staff give a live task to another user (admin action)."""
    if not actor.is_staff:
        raise TaskForbidden("Only staff may reassign tasks.")
    now = now or clock.now()
    task = lock_task_row(task_id)
    if not task.is_live:
        raise TaskAlreadyDecided(task.pk, task.state)
    return _hand_over(
        task, to=_find_user(to), actor=actor, note=reason, kind=TaskEventKind.REASSIGNED, now=now
    )
