"""Notifications: an in-app row per person (the header bell), and an email after commit."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail
from django.db import transaction

from approvals import clock
from approvals.models import ApprovalTask, Notification, NotificationKind

logger = logging.getLogger(__name__)


def task_url(task: ApprovalTask) -> str:
    return f"/inbox/{task.pk}/"


def notify(
    *,
    users: Iterable[AbstractBaseUser],
    kind: NotificationKind,
    title: str,
    body: str = "",
    task: ApprovalTask | None = None,
    at: datetime | None = None,
    email: bool = True,
) -> list[Notification]:
    """Create one notification per distinct active user; email them after commit."""
    at = at or clock.now()
    seen: set[int] = set()
    rows = []
    for user in users:
        if user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        rows.append(
            Notification(
                user=user,
                kind=kind,
                title=title[:200],
                body=body,
                url=task_url(task) if task is not None else "",
                task=task,
                created_at=at,
                email=email and bool(getattr(user, "email", "")),
            )
        )
    created = Notification.objects.bulk_create(rows)
    ids = [row.pk for row in created if row.email]
    if ids:
        transaction.on_commit(lambda: _dispatch_emails(ids))
    return created


def _dispatch_emails(ids: list[int]) -> None:
    from approvals.tasks import send_notification_emails_task

    try:
        send_notification_emails_task.delay(ids)
    except Exception:  # the broker is down: the in-app notification stands; log, do not fail the request
        logger.exception("could not queue notification emails %s", ids)


def notifications_send_email(notification_ids: Sequence[int], *, now: datetime | None = None) -> int:
    """Email the given notifications that were not emailed yet. At most once each: a row is
    claimed with a conditional UPDATE before sending. Returns how many were sent."""
    now = now or clock.now()
    sent = 0
    for row in Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True).select_related(
        "user"
    ):
        claimed = Notification.objects.filter(pk=row.pk, emailed_at__isnull=True).update(emailed_at=now)
        if not claimed or not row.user.email:
            continue
        base = getattr(settings, "FLOWDESK_BASE_URL", "")  # optional absolute prefix for links
        link = f"\n\nOpen it in Flowdesk: {base}{row.url}" if row.url else ""
        send_mail(
            subject=f"[Flowdesk] {row.title}",
            message=f"{row.body}{link}".strip(),
            from_email=None,
            recipient_list=[row.user.email],
        )
        sent += 1
    return sent


def notifications_mark_read(*, user: AbstractBaseUser, ids: Sequence[int] | None = None) -> int:
    """Mark the user's notifications read (the given ones, or all). Returns how many changed."""
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return rows.update(read_at=clock.now())


def users_by_ids(ids: Iterable[int]) -> list[AbstractBaseUser]:
    return list(get_user_model().objects.filter(pk__in=set(ids), is_active=True))
