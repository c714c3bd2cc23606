"""What a socket may watch: the same object permissions as the API (sync; consumers wrap them).

Each function returns the first frame for the client ("hello"), or None when the user
may not watch (anonymous, hidden, missing or malformed: all refused alike, so a socket
never reveals whether something exists).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.base import SessionBase
from django.http import Http404

from workflows.models import WorkflowInstance
from workflows.selectors.definitions import definition_get_for_user
from workflows.selectors.instances import instance_get_for_user


def may_watch_instance(user: Any, instance_id: str) -> bool:
    if user is None or not user.is_authenticated:
        return False
    try:
        instance_get_for_user(user=user, instance_id=instance_id)
    except Http404:
        return False
    return True


def instance_hello(instance_id: str) -> dict[str, Any]:
    """The instance's status and latest event number (read after joining its group, so
    nothing committed later is missed)."""
    row = (
        WorkflowInstance.objects.filter(pk=instance_id)
        .values("status", "last_seq", "definition__key")
        .first()
    )
    if row is None:  # deleted between the check and now (retention)
        return {"type": "hello", "instance": instance_id, "status": None, "seq": 0}
    return {
        "type": "hello",
        "instance": instance_id,
        "definition": row["definition__key"],
        "status": row["status"],
        "seq": row["last_seq"],
    }


def may_watch_definition(user: Any, key: str) -> bool:
    if user is None or not user.is_authenticated:
        return False
    try:
        definition_get_for_user(user=user, key=key)
    except Http404:
        return False
    return True


def may_watch_inbox(user: Any) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def current_user(scope: dict[str, Any]) -> Any:
    """The socket's user as the database has them now: None once they signed out (their
    session is gone), were deactivated or deleted. Sockets authenticated without a session
    (tests, tokens) are judged on the user row alone."""
    user = scope.get("user")
    if user is None or not user.is_authenticated:
        return None
    session = scope.get("session")
    if isinstance(session, SessionBase) and session.session_key and not session.exists(session.session_key):
        return None
    return get_user_model().objects.filter(pk=user.pk, is_active=True).first()
