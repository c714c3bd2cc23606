"""Keeping `LiveCandidate` in step with the candidates of live tasks (the inbox's index).

Receivers, connected in `ApprovalsConfig.ready()`, so every path (services, admin,
tests) keeps the rows right: adding or removing candidate users or groups of a live task
adds or removes its rows; a task saved in a closed state loses them (one DELETE).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from approvals.models import LIVE_STATES, ApprovalTask, LiveCandidate

CandidateUsers = ApprovalTask.candidate_users.through
CandidateGroups = ApprovalTask.candidate_groups.through


def live_candidates_add(
    *, task_ids: Iterable[int], users: Iterable[int] = (), groups: Iterable[int] = ()
) -> None:
    """Rows for these live tasks' new candidate users and groups (one INSERT)."""
    users, groups = list(users), list(groups)
    LiveCandidate.objects.bulk_create(
        [LiveCandidate(task_id=task, user_id=user) for task in task_ids for user in users]
        + [LiveCandidate(task_id=task, group_id=group) for task in task_ids for group in groups]
    )


def _on_candidates_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    field = "user_id" if sender is CandidateUsers else "group_id"
    if action == "post_clear":
        if reverse:  # a user or group left every task it was a candidate of
            LiveCandidate.objects.filter(**{field: instance.pk}).delete()
        else:
            LiveCandidate.objects.filter(task_id=instance.pk, **{f"{field}__isnull": False}).delete()
        return
    if not pk_set or action not in ("post_add", "post_remove"):
        return
    if reverse:  # instance is the user or group; pk_set holds task ids
        tasks, members = list(pk_set), [instance.pk]
        if action == "post_add":
            tasks = list(
                ApprovalTask.objects.filter(pk__in=tasks, state__in=LIVE_STATES).values_list("pk", flat=True)
            )
    else:
        if action == "post_add" and instance.state not in LIVE_STATES:
            return
        tasks, members = [instance.pk], list(pk_set)
    if action == "post_add":
        key = "users" if sender is CandidateUsers else "groups"
        live_candidates_add(task_ids=tasks, **{key: members})
    else:
        LiveCandidate.objects.filter(task_id__in=tasks, **{f"{field}__in": members}).delete()


def _on_task_saved(sender: Any, instance: ApprovalTask, created: bool, **kwargs: Any) -> None:
    if not created and instance.state not in LIVE_STATES:
        LiveCandidate.objects.filter(task_id=instance.pk).delete()


def connect_live_candidates() -> None:
    from django.db.models.signals import m2m_changed, post_save

    m2m_changed.connect(_on_candidates_changed, sender=CandidateUsers, dispatch_uid="approvals-live-users")
    m2m_changed.connect(_on_candidates_changed, sender=CandidateGroups, dispatch_uid="approvals-live-groups")
    post_save.connect(_on_task_saved, sender=ApprovalTask, dispatch_uid="approvals-live-closed")
