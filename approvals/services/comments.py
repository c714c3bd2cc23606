"""Comments on an approval step, written through one of its tasks."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from approvals import clock
from approvals.models import ApprovalTask, Comment, TaskEventKind
from approvals.selectors.access import can_see
from approvals.services.errors import TaskNotFound
from approvals.services.history import announce, event_append
from workflows.services.errors import invalid

MAX_COMMENT = 10_000


@transaction.atomic
def comment_add(*, task_id: int, author: AbstractBaseUser, body: str, now: datetime | None = None) -> Comment:
    """Add a comment (any state: people discuss decided steps too). 404 if the task is not
    visible to `author`; 400 for an empty or overlong body."""
    task = ApprovalTask.objects.select_related("request").filter(pk=task_id).first()
    if task is None or not can_see(task, author):
        raise TaskNotFound()
    text = (body or "").strip() if isinstance(body, str) else ""
    if not text:
        raise invalid("body", "Write something.")
    if len(text) > MAX_COMMENT:
        raise invalid("body", f"Keep it under {MAX_COMMENT} characters.")
    now = now or clock.now()
    comment = Comment.objects.create(
        request=task.request, task=task, author=author, body=text, created_at=now
    )
    event_append(request=task.request, task=task, kind=TaskEventKind.COMMENTED, actor=author, at=now)
    announce([task.pk], TaskEventKind.COMMENTED, [author.pk])
    return comment
