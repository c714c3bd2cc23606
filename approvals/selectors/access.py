"""Who may see and who may decide a task.

See: the holder (assignee), a candidate user, or a member of a candidate group.
Decide: a live task, seen by the user, held by nobody or by the user (or escalated
to a group the user is in), not already voted on by the user in the same step,
and, unless the node sets `allow_self_approval`, not started by the user (four eyes).
A task a user may not see answers 404, one they may see but not decide 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet, Value

from approvals.models import LIVE_STATES, ApprovalTask, Decision, LiveCandidate, TaskState

CandidateUsers = ApprovalTask.candidate_users.through
CandidateGroups = ApprovalTask.candidate_groups.through


def is_candidate_q(user: AbstractBaseUser) -> Q:
    """Tasks offered to `user` directly or through one of their groups (EXISTS, no row duplication)."""
    direct = CandidateUsers.objects.filter(approvaltask_id=OuterRef("pk"), user_id=user.pk)
    via_group = CandidateGroups.objects.filter(approvaltask_id=OuterRef("pk"), group__user=user.pk)
    return Q(Exists(direct)) | Q(Exists(via_group))


def visible_q(user: AbstractBaseUser) -> Q:
    return Q(assignee_id=user.pk) | is_candidate_q(user)


def visible_tasks(user: AbstractBaseUser | AnonymousUser) -> QuerySet[ApprovalTask]:
    if not user.is_authenticated:
        return ApprovalTask.objects.none()
    return ApprovalTask.objects.filter(visible_q(user))  # type: ignore[arg-type]


def live_task_ids(user: AbstractBaseUser) -> QuerySet[Any]:
    """Ids of the live tasks `user` holds or is a candidate of (directly or through a group),
    from `LiveCandidate`: it reads the live slice only, never the history.
    May include tasks that closed a moment ago (callers also require a live state)."""
    groups = get_user_model().groups.through.objects.filter(user_id=user.pk).values("group_id")
    by_user = LiveCandidate.objects.filter(user_id=user.pk).values("task_id")  # candidate or holder
    by_group = LiveCandidate.objects.filter(group_id__in=groups).values("task_id")
    return by_user.union(by_group, all=True)


def actionable_q(user: AbstractBaseUser) -> Q:
    """Live tasks the user could decide now: held by them, or offered to them and not held
    by anyone else, minus four-eyes exclusions (what the inbox lists by default).

    A task among `live_task_ids` not held by the user is one they are a candidate of, so
    "offered and not held by anyone else" is "unheld or escalated" there."""
    live = Q(state__in=LIVE_STATES) & Q(pk__in=live_task_ids(user))
    mine = Q(assignee_id=user.pk)
    offered = Q(assignee__isnull=True) | Q(state=TaskState.ESCALATED)
    self_started = Q(request__started_by_id=user.pk, request__allow_self_approval=False)
    return live & (mine | offered) & ~self_started


def with_viewer(tasks: QuerySet[ApprovalTask], user: AbstractBaseUser) -> QuerySet[ApprovalTask]:
    """`tasks` annotated with what `is_candidate` and `decide_refusal` ask about `user`, so
    the checks read the row instead of querying (the decide path's one locking read)."""
    decided_other = Decision.objects.filter(request_id=OuterRef("request_id"), user_id=user.pk).exclude(
        task_id=OuterRef("pk")
    )
    return tasks.annotate(
        viewer_id=Value(user.pk),
        viewer_is_candidate=is_candidate_expression(user),
        viewer_decided_step=Exists(decided_other),
    )


def is_candidate_expression(user: AbstractBaseUser) -> Any:
    return ExpressionWrapper(is_candidate_q(user), output_field=BooleanField())


def _annotated(task: ApprovalTask, user: AbstractBaseUser, name: str) -> bool | None:
    """The `with_viewer` annotation `name` when the task was read for this user, else None."""
    if getattr(task, "viewer_id", None) != user.pk:
        return None
    return bool(getattr(task, name))


def user_group_ids(user: AbstractBaseUser) -> set[int]:
    cached = getattr(user, "_approvals_group_ids", None)
    if cached is None:
        cached = set(user.groups.values_list("id", flat=True))  # type: ignore[attr-defined]
        user._approvals_group_ids = cached  # type: ignore[attr-defined]
    return cached


def is_candidate(task: ApprovalTask, user: AbstractBaseUser) -> bool:
    known = _annotated(task, user, "viewer_is_candidate")
    if known is not None:
        return known
    if task.candidate_users.filter(pk=user.pk).exists():
        return True
    groups = user_group_ids(user)
    return bool(groups) and task.candidate_groups.filter(pk__in=groups).exists()


def can_see(task: ApprovalTask, user: AbstractBaseUser) -> bool:
    return user.is_authenticated and (task.assignee_id == user.pk or is_candidate(task, user))


def decide_refusal(task: ApprovalTask, user: AbstractBaseUser) -> str | None:
    """Why `user` may not decide this (seen, live) task, or None when they may."""
    request = task.request
    if request.started_by_id == user.pk and not request.allow_self_approval:
        return "self_approval_forbidden"
    held_by_other = task.assignee_id is not None and task.assignee_id != user.pk
    if held_by_other and not (task.state == TaskState.ESCALATED and is_candidate(task, user)):
        return "held_by_someone_else"
    if task.assignee_id is None and not is_candidate(task, user):
        return "not_a_candidate"
    already = _annotated(task, user, "viewer_decided_step")
    if already is None:
        decisions = Decision.objects.filter(request_id=task.request_id, user_id=user.pk)
        already = decisions.exclude(task_id=task.pk).exists()
    if already:
        return "already_decided_this_step"
    return None
