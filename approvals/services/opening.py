"""Opening and cancelling approval steps: what the engine adapter calls.

`approval_open` handles the core's `OpenApproval` command and `approvals_cancel`
its `CancelSteps`; both run inside the adapter's transaction, which holds the
instance row lock (lock order step 1, see services.locking). Effects that leave
the database (emails, the live-update signal) wait for the commit.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.db.models import Q

from approvals import clock
from approvals.domain.policies import Policy, PolicySpec
from approvals.models import ApprovalRequest, ApprovalTask, NotificationKind, RequestState, TaskEventKind
from approvals.services.history import announce, event_append
from approvals.services.locking import lock_live_tasks
from approvals.services.notifications import notify
from approvals.services.sla import SlaPlan, sla_close, sla_open, sla_plan
from workflows.models import WorkflowInstance

logger = logging.getLogger(__name__)


def _names(value: Any) -> list[str]:
    """Rendered assignee entries: strings (or lists of strings from an expression), de-duplicated."""
    items = value if isinstance(value, list | tuple) else [value]
    names: list[str] = []
    for item in items:
        if isinstance(item, list | tuple):
            names.extend(_names(list(item)))
        elif item is not None and str(item).strip() and str(item).strip() not in names:
            names.append(str(item).strip())
    return names


def resolve_assignees(assignees: Any) -> tuple[list[AbstractBaseUser], list[Group], list[str]]:
    """Users (by username, or by email when it has an @) and groups (by name), in the order
    given; plus the names that matched nothing."""
    raw = assignees if isinstance(assignees, dict) else {}
    user_names, group_names = _names(raw.get("users") or []), _names(raw.get("groups") or [])
    User = get_user_model()
    found = User.objects.filter(
        Q(username__in=user_names) | Q(email__in=[n for n in user_names if "@" in n]), is_active=True
    )
    by_key: dict[str, AbstractBaseUser] = {}
    for user in found:
        by_key[user.get_username()] = user
        if user.email:
            by_key.setdefault(user.email, user)
    groups_by_name = {group.name: group for group in Group.objects.filter(name__in=group_names)}
    users = [by_key[name] for name in user_names if name in by_key]
    groups = [groups_by_name[name] for name in group_names if name in groups_by_name]
    unknown = [n for n in user_names if n not in by_key] + [n for n in group_names if n not in groups_by_name]
    return list(dict.fromkeys(users)), groups, unknown


def _people(users: Sequence[AbstractBaseUser], groups: Sequence[Group]) -> list[AbstractBaseUser]:
    """Everyone an `all`/`quorum`/`sequential` step asks: the users in order, then each group's
    active members by username."""
    people = list(users)
    seen = {user.pk for user in people}
    User = get_user_model()
    for group in groups:
        for member in User.objects.filter(groups=group, is_active=True).order_by("username"):
            if member.pk not in seen:
                seen.add(member.pk)
                people.append(member)
    return people


def approval_open(
    *, instance: WorkflowInstance, command: Any, now: datetime | None = None
) -> ApprovalRequest:
    """Open the human task(s) of an `OpenApproval(step_id, node_id, name, assignees, outcomes, config)`.

    Precondition: the caller holds the instance row lock and the step row exists.
    Idempotent: a second call for the same step returns the existing request.
    `any` opens one shared task (candidates: the users and groups; a single user holds
    it directly); `all`/`quorum` one task per person; `sequential` the first person's
    task (the next opens when it is approved). Without `allow_self_approval`, the person
    who started the instance is left out of per-person tasks (four eyes).
    """
    existing = ApprovalRequest.objects.filter(step_id=command.step_id).first()
    if existing is not None:
        return existing
    now = now or clock.now()
    config = dict(command.config or {})
    policy = Policy(config.get("policy") or Policy.ANY)
    allow_self = bool(config.get("allow_self_approval", False))
    users, groups, unknown = resolve_assignees(command.assignees)
    people: list[AbstractBaseUser] = []
    if policy.one_task_per_assignee:
        people = [p for p in _people(users, groups) if allow_self or p.pk != instance.started_by_id]
    spec = PolicySpec.build(policy, list(command.outcomes), len(people) or 1, config.get("quorum"))
    request = ApprovalRequest.objects.create(
        instance=instance,
        step_id=command.step_id,
        definition_id=instance.definition_id,
        node_id=command.node_id,
        name=command.name or command.node_id,
        started_by_id=instance.started_by_id,
        policy=policy,
        quorum=spec.quorum,
        assignee_count=spec.assignee_count,
        outcomes=list(spec.outcomes),
        form=list(config.get("form") or []),
        config=config,
        allow_self_approval=allow_self,
        sequence=[p.pk for p in people] if policy is Policy.SEQUENTIAL else [],
        opened_at=now,
    )
    event_append(
        request=request,
        kind=TaskEventKind.OPENED,
        at=now,
        data={
            "policy": policy.value,
            "quorum": spec.quorum,
            "assignees": command.assignees,
            "unknown": unknown,
        },
    )
    try:
        plan = sla_plan(definition_id=instance.definition_id, node_id=command.node_id, config=config)
    except ValueError as exc:  # validated at publish; an old or hand-made graph must not block the step
        logger.warning("approval %s: bad sla ignored: %s", command.node_id, exc)
        plan = None
    if people:
        targets = people[:1] if policy is Policy.SEQUENTIAL else people
        for index, person in enumerate(targets):
            task_create(request=request, holder=person, position=index, plan=plan, now=now)
    else:
        # `any`, or nobody resolved: one shared task; whoever joins the groups can take it.
        holder = users[0] if len(users) == 1 and not groups else None
        task_create(request=request, holder=holder, users=users, groups=groups, plan=plan, now=now)
    if not people and policy.one_task_per_assignee:
        event_append(request=request, kind=TaskEventKind.NOTE, at=now, data={"note": "no eligible assignee"})
    return request


def task_create(
    *,
    request: ApprovalRequest,
    holder: AbstractBaseUser | None,
    position: int = 0,
    users: Iterable[AbstractBaseUser] = (),
    groups: Iterable[Group] = (),
    plan: SlaPlan | None,
    now: datetime,
) -> ApprovalTask:
    """Create one task (with its SLA record and notifications). Caller holds the request lock."""
    task = ApprovalTask.objects.create(
        request=request, instance_id=request.instance_id, assignee=holder, position=position, created_at=now
    )
    users, groups = list(users), list(groups)
    if users:
        task.candidate_users.set(users)
    if groups:
        task.candidate_groups.set(groups)
    if plan is not None:
        sla_open(task=task, plan=plan, now=now)
    event_append(
        request=request,
        task=task,
        kind=TaskEventKind.OPENED,
        at=now,
        data={"holder": holder.get_username() if holder else None, "groups": [g.name for g in groups]},
    )
    recipients = [holder] if holder is not None else [*users, *_people([], groups)]
    recipients = [r for r in recipients if request.allow_self_approval or r.pk != request.started_by_id]
    notify(
        users=recipients,
        kind=NotificationKind.TASK_ASSIGNED,
        title=f"New task: {request.headline}",
        body=f"{request.name} in {request.definition.name} waits for your decision.",
        task=task,
        at=now,
    )
    announce([task.pk], TaskEventKind.OPENED, [r.pk for r in recipients])
    return task


def approvals_cancel(*, step_ids: Iterable[str], reason: str = "", now: datetime | None = None) -> int:
    """Cancel the open approval steps among `step_ids` and their live tasks (`CancelSteps`).

    Precondition: the caller holds the instance row lock. Idempotent: steps without an
    open request are ignored. Returns how many tasks were cancelled.
    """
    now = now or clock.now()
    cancelled = 0
    requests = (
        ApprovalRequest.objects.select_for_update()
        .filter(step_id__in=list(step_ids), state=RequestState.OPEN)
        .order_by("pk")
    )
    for request in requests:
        request.cancel(at=now)
        request.save()
        event_append(request=request, kind=TaskEventKind.CANCELLED, at=now, data={"reason": reason})
        tasks = lock_live_tasks(request)
        for task in tasks:
            task.cancel(at=now)
            task.save()
            sla_close(task=task, now=now, withdrawn=True)
            event_append(
                request=request, task=task, kind=TaskEventKind.CANCELLED, at=now, data={"reason": reason}
            )
        cancelled += len(tasks)
        announce(
            [t.pk for t in tasks], TaskEventKind.CANCELLED, [t.assignee_id for t in tasks if t.assignee_id]
        )
    return cancelled


def approvals_expire(*, step_ids: Iterable[str], outcome: str, now: datetime | None = None) -> int:
    """Close the open approval steps among `step_ids` that the engine finished without a
    decision from here (an operator skipped the step, or it timed out elsewhere): the
    request settles with `outcome`, its live tasks expire. Precondition: the caller holds
    the instance row lock. Idempotent. Returns how many tasks expired."""
    now = now or clock.now()
    expired = 0
    requests = (
        ApprovalRequest.objects.select_for_update()
        .filter(step_id__in=list(step_ids), state=RequestState.OPEN)
        .order_by("pk")
    )
    for request in requests:
        request.settle(outcome=outcome, at=now)
        request.save()
        event_append(
            request=request, kind=TaskEventKind.SETTLED, at=now, data={"outcome": outcome, "by": "engine"}
        )
        tasks = lock_live_tasks(request)
        for task in tasks:
            task.expire(at=now)
            task.save()
            sla_close(task=task, now=now)
            event_append(
                request=request, task=task, kind=TaskEventKind.EXPIRED, at=now, data={"outcome": outcome}
            )
        expired += len(tasks)
        announce(
            [t.pk for t in tasks], TaskEventKind.EXPIRED, [t.assignee_id for t in tasks if t.assignee_id]
        )
    return expired
