"""Push execution events to the channel layer after commit: groups `instance-<id>` and
`definition-<key>`.

Message: {"type": "workflow.events", "instance": "<id>", "definition": "<key>",
"events": [event JSON, see workflows.runtime.events.event_json]}.

Pushes are best-effort and never slow the engine down: they are queued to one
background event loop per process (so channels_redis keeps its connections), sent in
order, and dropped if the layer is unreachable. A client that missed some catches up
with GET /api/instances/<id>/events/?after=<last seq it saw>.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Sequence
from functools import partial
from typing import Any

from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction

from workflows.models import ExecutionEvent
from workflows.runtime.events import event_json

logger = logging.getLogger(__name__)


def instance_group(instance_id: Any) -> str:
    return f"instance-{instance_id}"


def definition_group(key: str) -> str:
    return f"definition-{key}"


class _Pump:
    """One asyncio loop in a daemon thread, sending queued messages in order."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.loop = asyncio.new_event_loop()
        self.queue: asyncio.Queue[tuple[str, dict[str, Any]]] | None = None
        self.ready = threading.Event()
        thread = threading.Thread(target=self._run, name="flowdesk-event-pump", daemon=True)
        thread.start()
        self.ready.wait(5)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.queue = asyncio.Queue()
        self.ready.set()
        self.loop.run_until_complete(self._drain())

    async def _drain(self) -> None:
        assert self.queue is not None
        layer = get_channel_layer()
        while True:
            group, message = await self.queue.get()
            try:
                if layer is not None:
                    await layer.group_send(group, message)
            except Exception:  # best-effort: the event is in the database
                logger.warning("could not push events to %s", group, exc_info=True)

    def put(self, group: str, message: dict[str, Any]) -> None:
        assert self.queue is not None
        self.loop.call_soon_threadsafe(self.queue.put_nowait, (group, message))


_pump: _Pump | None = None
_pump_lock = threading.Lock()


def _get_pump() -> _Pump:
    global _pump
    with _pump_lock:
        if _pump is None or _pump.pid != os.getpid():  # a forked child needs its own thread
            _pump = _Pump()
        return _pump


def publish_now(*, instance_id: Any, definition_key: str, events: Sequence[ExecutionEvent]) -> None:
    if not events or not settings.FLOWDESK_PUBLISH_EVENTS:
        return
    message = {
        "type": "workflow.events",
        "instance": str(instance_id),
        "definition": definition_key,
        "events": [event_json(event) for event in events],
    }
    pump = _get_pump()
    pump.put(instance_group(instance_id), message)
    pump.put(definition_group(definition_key), message)


def publish_on_commit(*, instance_id: Any, definition_key: str, events: Sequence[ExecutionEvent]) -> None:
    if events and settings.FLOWDESK_PUBLISH_EVENTS:
        transaction.on_commit(
            partial(publish_now, instance_id=instance_id, definition_key=definition_key, events=list(events))
        )
