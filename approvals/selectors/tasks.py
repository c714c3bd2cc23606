"""One task as its viewer sees it: the task, the step, the instance summary and the history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from approvals.domain.forms import FormField, form_fields
from approvals.models import ApprovalTask, Comment, Decision, TaskEvent
from approvals.selectors.access import can_see, decide_refusal, visible_q
from approvals.services.errors import TaskNotFound


def _task_pk(task_id: Any) -> int:
    """A task id from a URL or a body; TaskNotFound (404) when it is not one."""
    try:
        return int(task_id)
    except (TypeError, ValueError):
        raise TaskNotFound() from None


def task_get_for_user(task_id: Any, user: AbstractBaseUser) -> ApprovalTask:
    """The task if `user` may see it; TaskNotFound (404) otherwise, also for a malformed id."""
    pk = _task_pk(task_id)
    task = (
        ApprovalTask.objects.select_related(
            "request__definition",
            "request__instance",
            "request__started_by",
            "assignee",
            "sla",
            "delegated_by",
        )
        .prefetch_related("candidate_groups", "candidate_users")
        .filter(pk=pk)
        .first()
    )
    if task is None or not can_see(task, user):
        raise TaskNotFound()
    return task


def task_form_for_user(task_id: Any, user: AbstractBaseUser) -> tuple[FormField, ...]:
    """The form of a task `user` may see, in one statement (the decide path's visible-task
    lookup, `access.visible_q`, reading the step's form with it); TaskNotFound otherwise.
    The decision itself checks again under its locks."""
    pk = _task_pk(task_id)
    if not user.is_authenticated:
        raise TaskNotFound()
    found = ApprovalTask.objects.filter(visible_q(user), pk=pk).values_list("request__form", flat=True)
    form = found.first()
    if form is None:
        raise TaskNotFound()
    return form_fields(form)


@dataclass
class TaskView:
    task: ApprovalTask
    can_decide: bool
    refusal: str | None
    can_claim: bool
    can_unclaim: bool
    decisions: list[Decision]
    comments: list[Comment]
    history: list[TaskEvent]
    instance_summary: dict[str, Any]


def task_view(task: ApprovalTask, user: AbstractBaseUser) -> TaskView:
    refusal = decide_refusal(task, user) if task.is_live else "closed"
    shared = bool(task.candidate_groups.all()) or bool(task.candidate_users.all())
    request = task.request
    instance = request.instance
    return TaskView(
        task=task,
        can_decide=refusal is None,
        refusal=refusal,
        can_claim=task.is_live and shared and task.assignee_id is None and refusal is None,
        can_unclaim=task.is_live and shared and task.state == "claimed" and task.assignee_id == user.pk,
        decisions=list(request.decisions.select_related("user", "task").order_by("decided_at", "pk")),
        comments=list(request.comments.select_related("author").order_by("created_at", "pk")),
        history=list(request.events.select_related("actor").order_by("at", "pk")),
        instance_summary={
            "id": str(instance.pk),
            "workflow": request.definition.name,
            "workflow_key": request.definition.key,
            "business_key": instance.business_key,
            "status": instance.status,
            "started_by": request.started_by.get_username() if request.started_by else "",
            "started_at": instance.created_at,
            "input": instance.input,
        },
    )
