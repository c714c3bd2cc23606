"""The approval history: one TaskEvent per transition, and the after-commit hook."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from approvals.models import ApprovalRequest, ApprovalTask, TaskEvent, TaskEventKind
from approvals.signals import tasks_changed


def event_append(
    *,
    request: ApprovalRequest,
    kind: TaskEventKind,
    at: datetime,
    task: ApprovalTask | None = None,
    actor: AbstractBaseUser | None = None,
    data: dict[str, Any] | None = None,
) -> TaskEvent:
    """Append one history line (inside the caller's transaction)."""
    return TaskEvent.objects.create(
        request=request, task=task, kind=kind, actor=actor, data=data or {}, at=at
    )


def announce(task_ids: Iterable[int], kind: TaskEventKind, user_ids: Iterable[int] = ()) -> None:
    """Send `tasks_changed` once the current transaction commits (never for a rolled-back change)."""
    ids, users = sorted(set(task_ids)), sorted(set(user_ids))
    transaction.on_commit(
        lambda: tasks_changed.send(sender=ApprovalTask, task_ids=ids, kind=str(kind), user_ids=users)
    )
