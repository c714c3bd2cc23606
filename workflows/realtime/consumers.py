"""WebSocket consumers: thin, read-only views of the event stream.

Sockets do not join channel-layer groups themselves: each process subscribes once per
group and fans messages out to its sockets (workflows.realtime.hub).

Every socket is authenticated by the session (AuthMiddlewareStack) behind the origin
check (AllowedHostsOriginValidator, config/asgi.py), then checked against the same
object permissions as the API. A refused socket is accepted and closed at once with
code 4403, so browsers see why (a socket closed during the handshake only shows 1006).
Access is checked again, against the user and session as they are now in the database,
before the first frame after `FLOWDESK_SOCKET_RECHECK_SECONDS` have passed: a socket
whose user signed out, was deactivated or lost the permission is closed with 4403.

Frames to the client are JSON objects with a `type`:

* `hello` after connecting (instance sockets: the current `status` and `seq`);
* `events` (/ws/instances/<id>/): {"instance", "definition", "seq", "events": [...]};
* `instances` (/ws/definitions/<key>/): the same, with only `instance_*` events;
* `tasks` (/ws/inbox/): {"kind", "tasks": [{"id", "state", "instance", "seq", ...}]};
* `pong` in answer to {"type": "ping"}.

`seq` is the instance's event sequence number: a client that sees a gap (an `events`
frame whose first event is not last_seen + 1) or reconnects reads what it missed from
GET /api/instances/<id>/events/?after=<last_seen>. Nothing is ever sent for work that
rolled back: the publisher pushes only after commit.
"""

from __future__ import annotations

import time
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from workflows.realtime import access
from workflows.realtime.groups import definition_group, inbox_group, instance_group
from workflows.realtime.hub import hub

REFUSED = 4403


class _StreamConsumer(AsyncJsonWebsocketConsumer):
    """Accept, check access, join groups, greet; forward group messages as frames."""

    route = "unknown"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.joined: list[str] = []
        self.counted = False
        self.checked_at = time.monotonic()

    def permitted(self, user: Any) -> bool:
        """May `user` watch this stream (sync: runs in a database thread)."""
        raise NotImplementedError

    async def allowed(self, user: Any) -> bool:
        return bool(await database_sync_to_async(self.permitted)(user))

    def _still_permitted(self) -> bool:
        user = access.current_user(self.scope)
        return user is not None and self.permitted(user)

    async def _recheck_due(self) -> bool:
        """False when a due re-check finds the socket may no longer watch (then it is closed)."""
        if time.monotonic() - self.checked_at < settings.FLOWDESK_SOCKET_RECHECK_SECONDS:
            return True
        self.checked_at = time.monotonic()
        if await database_sync_to_async(self._still_permitted)():
            return True
        await self.close(code=REFUSED)
        return False

    def group_names(self, user: Any) -> list[str]:
        raise NotImplementedError

    async def hello(self, user: Any) -> dict[str, Any]:
        return {"type": "hello"}

    async def connect(self) -> None:
        await self.accept()
        user = self.scope.get("user")
        self.checked_at = time.monotonic()
        if not await self.allowed(user):
            await self.close(code=REFUSED)
            return
        for group in self.group_names(user):
            await hub().join(group, self)
            self.joined.append(group)
        _connections(self.route, +1)
        self.counted = True
        await self.send_json(await self.hello(user))

    async def disconnect(self, code: int) -> None:
        for group in self.joined:
            await hub().leave(group, self)
        self.joined = []
        if self.counted:
            _connections(self.route, -1)
            self.counted = False

    async def deliver(self, message: dict[str, Any]) -> None:
        """A group message from this process's hub: call the handler its type names."""
        handler = getattr(self, str(message.get("type", "")).replace(".", "_"), None)
        if handler is not None and self.joined and await self._recheck_due():
            await handler(message)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})


class InstanceConsumer(_StreamConsumer):
    """/ws/instances/<id>/: the instance and each of its steps, event by event."""

    route = "instance"

    @property
    def instance_id(self) -> str:
        return str(self.scope["url_route"]["kwargs"]["instance_id"])

    def permitted(self, user: Any) -> bool:
        return access.may_watch_instance(user, self.instance_id)

    def group_names(self, user: Any) -> list[str]:
        return [instance_group(self.instance_id)]

    async def hello(self, user: Any) -> dict[str, Any]:
        return await database_sync_to_async(access.instance_hello)(self.instance_id)

    async def workflow_events(self, message: dict[str, Any]) -> None:
        await self.send_json(_frame("events", message))


class DefinitionConsumer(_StreamConsumer):
    """/ws/definitions/<key>/: instances of a definition starting, pausing and ending."""

    route = "definition"

    @property
    def key(self) -> str:
        return str(self.scope["url_route"]["kwargs"]["key"])

    def permitted(self, user: Any) -> bool:
        return access.may_watch_definition(user, self.key)

    def group_names(self, user: Any) -> list[str]:
        return [definition_group(self.key)]

    async def hello(self, user: Any) -> dict[str, Any]:
        return {"type": "hello", "definition": self.key}

    async def workflow_instances(self, message: dict[str, Any]) -> None:
        await self.send_json(_frame("instances", message))


class InboxConsumer(_StreamConsumer):
    """/ws/inbox/: the signed-in user's tasks appearing, claimed, decided and closed."""

    route = "inbox"

    def permitted(self, user: Any) -> bool:
        return access.may_watch_inbox(user)

    def group_names(self, user: Any) -> list[str]:
        return [inbox_group(user.pk)]

    async def hello(self, user: Any) -> dict[str, Any]:
        return {"type": "hello", "user": user.get_username()}

    async def inbox_tasks(self, message: dict[str, Any]) -> None:
        await self.send_json(_frame("tasks", message))


def _frame(kind: str, message: dict[str, Any]) -> dict[str, Any]:
    return {**{key: value for key, value in message.items() if key not in ("type", "group")}, "type": kind}


def _connections(route: str, delta: int) -> None:
    from workflows.observability.metrics import websocket_connections

    websocket_connections(route, delta)
