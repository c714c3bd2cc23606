"""The header bell: the signed-in user's unread notification count, read lazily."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def notifications(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def unread() -> int:
        from approvals.models import Notification

        return Notification.objects.filter(user=user, read_at__isnull=True).count()

    return {"unread_notifications": SimpleLazyObject(unread)}
