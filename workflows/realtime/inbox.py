"""Push inbox changes: approvals' `tasks_changed` (sent after commit) to each person's socket.

approvals.services announce every task transition (opened, claimed, unclaimed,
delegated, decided, settled, escalated, cancelled, ...) with `approvals.signals.tasks_changed`
once the transaction commits. This receiver works out who sees each task (its holder, its
candidate users, the members of its candidate groups, and anyone the announcement names,
e.g. the previous holder of a delegated task) and pushes one frame per person to the group
`inbox-<user id>`. Each task carries its instance and that instance's latest event
sequence number, so a page can tell whether its own view of the instance is current.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from workflows.realtime.groups import inbox_group
from workflows.runtime import publisher

MAX_TASKS_PER_FRAME = 200


def tasks_changed_receiver(
    sender: Any, task_ids: Iterable[int], kind: str, user_ids: Iterable[int] = (), **kwargs: Any
) -> None:
    """Connected to approvals.signals.tasks_changed (see workflows.observability.setup)."""
    ids = sorted(set(task_ids))[:MAX_TASKS_PER_FRAME]
    if not ids:
        return
    for user_id, tasks in inbox_audience(ids, extra_users=set(user_ids)).items():
        publisher.push(inbox_group(user_id), {"type": "inbox.tasks", "kind": kind, "tasks": tasks})


def inbox_audience(task_ids: list[int], *, extra_users: set[int]) -> dict[int, list[dict[str, Any]]]:
    """{user id: [task frame, ...]} for everyone who sees one of the tasks. Two queries."""
    from approvals.models import ApprovalTask

    rows = list(
        ApprovalTask.objects.filter(pk__in=task_ids).values(
            "pk",
            "state",
            "assignee_id",
            "instance_id",
            "instance__last_seq",
            "request__node_id",
            "request__name",
            "request__step_id",
        )
    )
    if not rows:
        return {}
    through_users = ApprovalTask.candidate_users.through
    through_groups = ApprovalTask.candidate_groups.through
    # Candidate users and the members of candidate groups, as (task, user) pairs: one query.
    direct = through_users.objects.filter(approvaltask_id__in=task_ids).values_list(
        "approvaltask_id", "user_id"
    )
    via_groups = through_groups.objects.filter(
        approvaltask_id__in=task_ids, group__user__isnull=False
    ).values_list("approvaltask_id", "group__user")
    candidates: dict[int, set[int]] = defaultdict(set)
    for task_id, user_id in direct.union(via_groups, all=True):
        candidates[task_id].add(user_id)

    audience: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        frame = {
            "id": row["pk"],
            "state": row["state"],
            "instance": str(row["instance_id"]),
            "seq": row["instance__last_seq"],
            "node_id": row["request__node_id"],
            "step_id": str(row["request__step_id"]),
            "name": row["request__name"],
            "assignee": row["assignee_id"],
        }
        people = set(extra_users) | candidates[row["pk"]]
        if row["assignee_id"] is not None:
            people.add(row["assignee_id"])
        for user_id in people:
            audience[user_id].append(frame)
    return dict(audience)
