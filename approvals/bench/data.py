"""The approvals benchmark's stored data: 100 people, 20 groups, 20 workflows and many tasks.

Generated with COPY in chunks (one transaction each) and reused by later runs: what
exists is counted (tasks of the `bench-appr-*` workflows) and only the difference is
added. Each approval request has its own instance (running while the request is open,
else completed or cancelled, `last_seq` 0 and no events, so verify_audit stays clean),
its approval step (waiting, succeeded or cancelled), its tasks, candidate rows, SLA
records, decisions and live-candidate rows, all valid per the models so the pages render them.

The spread: 80% of requests `any` (70% of those offered to one or two groups, the rest
held by one person), 20% `all` with three people; about 3% of tasks live (open,
claimed, escalated), the rest decided, expired or cancelled; 14 of the 20 workflows set
an SLA (open tasks on track, at risk or breached and escalated by their due date);
priorities mostly normal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction

KEY_PREFIX = "bench-appr-"
WORKFLOWS = 20
USERS = 100
GROUPS = 20
LIVE_SHARE = 0.03
SLA_WORKFLOWS = 14  # the first 14 workflows set an SLA on their approval node
WORKFLOW_WEIGHTS = [1 / (i + 1) ** 0.8 for i in range(WORKFLOWS)]  # the busiest has about 17%


@dataclass(frozen=True)
class Directory:
    """The benchmark's people and groups (ids), and who is in which group."""

    users: list[int]
    groups: list[int]
    members: dict[int, list[int]]  # group id -> user ids
    names: dict[int, str]  # user id -> username


def user_groups(index: int) -> list[int]:
    """Group indexes of the `index`-th benchmark user: two or three of the twenty."""
    picks = [index % GROUPS, (index * 7 + 3) % GROUPS]
    if index % 3 == 0:
        picks.append((index * 13 + 5) % GROUPS)
    return sorted(set(picks))


def ensure_directory() -> Directory:
    """`bench-u000`..`bench-u099` in groups `bench-g00`..`bench-g19` (created once)."""
    User = get_user_model()
    groups = [Group.objects.get_or_create(name=f"bench-g{g:02d}")[0] for g in range(GROUPS)]
    existing = {u.username: u for u in User.objects.filter(username__startswith="bench-u")}
    users = []
    for index in range(USERS):
        name = f"bench-u{index:03d}"
        user = existing.get(name)
        if user is None:
            user = User.objects.create_user(name, email=f"{name}@bench.invalid")
            user.groups.set([groups[g] for g in user_groups(index)])
        users.append(user)
    members: dict[int, list[int]] = {group.pk: [] for group in groups}
    for index, user in enumerate(users):
        for g in user_groups(index):
            members[groups[g].pk].append(user.pk)
    return Directory(
        users=[u.pk for u in users],
        groups=[g.pk for g in groups],
        members=members,
        names={u.pk: u.get_username() for u in users},
    )


def approval_graph(index: int) -> dict[str, Any]:
    """start -> approval (groups of the workflow, SLA on most) -> end."""
    config: dict[str, Any] = {
        "assignees": {"groups": [f"bench-g{index % GROUPS:02d}"]},
        "policy": "any",
        "outcomes": ["approved", "rejected"],
    }
    if index < SLA_WORKFLOWS:
        config["sla"] = {"due_in": f"PT{8 * (1 + index % 5)}H", "warn_at": 0.75}
    return {
        "format": "flowdesk.graph/v1",
        "inputs": {"title": {"type": "string"}},
        "nodes": [
            {"id": "start", "type": "start", "name": "Start", "position": {"x": 0, "y": 0}},
            {
                "id": "approve",
                "type": "approval",
                "name": f"Approve request {index:02d}",
                "position": {"x": 200, "y": 0},
                "config": config,
            },
            {"id": "end", "type": "end", "name": "End", "position": {"x": 400, "y": 0}},
        ],
        "edges": [
            {"id": "e1", "source": "start", "target": "approve"},
            {"id": "e2", "source": "approve", "target": "end"},
        ],
    }


def ensure_workflows(user: Any) -> list[tuple[int, int, str]]:
    """(definition id, version id, approval node name) of the 20 benchmark workflows."""
    from workflows.bench.published import ensure_published

    found = []
    for index in range(WORKFLOWS):
        graph = approval_graph(index)
        definition = ensure_published(
            user, key=f"{KEY_PREFIX}{index:02d}", graph=graph, name=f"Bench approvals {index:02d}"
        )
        version = definition.versions.order_by("-number").first()
        found.append((definition.pk, version.pk, graph["nodes"][1]["name"]))
    return found


def stored_tasks() -> int:
    from approvals.models import ApprovalTask

    return ApprovalTask.objects.filter(request__definition__key__startswith=KEY_PREFIX).count()


def generate_tasks(
    *, user: Any, total: int, chunk: int = 50_000, progress: Callable[[int], None] | None = None
) -> int:
    """Make sure about `total` benchmark tasks exist. Returns how many were added."""
    from approvals.bench.generator import TaskGenerator  # it imports this module

    have = stored_tasks()
    if have >= total:
        return 0
    directory = ensure_directory()
    workflows = ensure_workflows(user)
    added = 0
    while have + added < total:
        with transaction.atomic():
            made = TaskGenerator(directory, workflows, seed=have + added).chunk(
                min(chunk, total - have - added)
            )
        added += made
        if progress is not None:
            progress(have + added)
    with connection.cursor() as cursor:
        for table in (
            "approvals_approvaltask",
            "approvals_approvalrequest",
            "approvals_slarecord",
            "approvals_decision",
            "approvals_approvaltask_candidate_groups",
            "approvals_approvaltask_candidate_users",
            "approvals_livecandidate",
            "workflows_workflowinstance",
            "workflows_stepexecution",
        ):
            cursor.execute(f'ANALYZE "{table}"')
    return added
