"""Push execution events to the channel layer after commit, and tell in-process observers.

Groups and messages (the consumers in workflows.realtime turn them into client frames;
every message also names its `"group"`):

* `instance-<id>`: {"type": "workflow.events", "instance": "<id>", "definition": "<key>",
  "seq": <the last event's seq>, "events": [event JSON, see workflows.runtime.events.event_json]}
  for every committed batch of events;
* `definition-<key>`: {"type": "workflow.instances", ...same keys...} with only the
  instance-level events (`instance_*`: started, suspended, completed, failed, ...), so a
  definition's watchers are not sent every step;
* any other group through `push(group, message)` (the inbox: workflows.realtime.inbox).

Every message carries the instance's event sequence number; a client that sees a gap
(or reconnects) catches up with GET /api/instances/<id>/events/?after=<last seq it saw>.

Pushes are best-effort and never slow the engine down: they are queued to one
background event loop per process (so channels_redis keeps its connections), sent in
order, and dropped if the layer is unreachable. Observers (`observe(fn)`: metrics) are
called synchronously with every committed batch, whether or not pushing is enabled;
an observer's failure is logged and ignored.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import os
import threading
from collections.abc import Callable, Sequence
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
        # Messages handed over from other threads; the loop is woken once per burst, not
        # per message (each wake-up is a write to its self-pipe).
        self.pending: collections.deque[tuple[str, dict[str, Any]]] = collections.deque()
        self.woken = False
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
        while True:
            group, message = await self.queue.get()
            try:
                layer = get_channel_layer()  # per message: cached by Channels, follows setting changes
                if layer is not None:
                    await layer.group_send(group, message)
            except Exception:  # best-effort: the event is in the database
                logger.warning("could not push events to %s", group, exc_info=True)

    def put(self, group: str, message: dict[str, Any]) -> None:
        """Queue `message` for `group`; it is sent naming its group (the consumers' hub needs it)."""
        self.pending.append((group, {**message, "group": group}))
        if not self.woken:
            self.woken = True
            self.loop.call_soon_threadsafe(self._take_pending)

    def _take_pending(self) -> None:
        """In the loop: move every handed-over message to the queue, in order. `woken` is
        cleared before the deque is emptied, so a message appended after this call
        started either is taken here or wakes the loop again."""
        assert self.queue is not None
        self.woken = False
        while self.pending:
            self.queue.put_nowait(self.pending.popleft())


_pump: _Pump | None = None
_pump_lock = threading.Lock()


def _get_pump() -> _Pump:
    global _pump
    with _pump_lock:
        if _pump is None or _pump.pid != os.getpid():  # a forked child needs its own thread
            _pump = _Pump()
        return _pump


Observer = Callable[[Any, str, Sequence[ExecutionEvent]], None]
_observers: list[Observer] = []


def observe(observer: Observer) -> None:
    """Call `observer(instance_id, definition_key, events)` for every committed batch."""
    if observer not in _observers:
        _observers.append(observer)


def push(group: str, message: dict[str, Any]) -> None:
    """Queue one message for a channel-layer group (call after commit)."""
    if settings.FLOWDESK_PUBLISH_EVENTS:
        _get_pump().put(group, message)


def publish_now(*, instance_id: Any, definition_key: str, events: Sequence[ExecutionEvent]) -> None:
    """Tell observers and push `events` (already committed) to the instance's and the
    definition's groups."""
    if not events:
        return
    for observer in _observers:
        try:
            observer(instance_id, definition_key, events)
        except Exception:  # an observer never breaks the engine
            logger.warning("event observer %r failed", observer, exc_info=True)
    if not settings.FLOWDESK_PUBLISH_EVENTS:
        return
    frames = [event_json(event) for event in events]
    message = {
        "type": "workflow.events",
        "instance": str(instance_id),
        "definition": definition_key,
        "seq": frames[-1]["seq"],
        "events": frames,
    }
    pump = _get_pump()
    pump.put(instance_group(instance_id), message)
    lifecycle = [frame for frame in frames if frame["type"].startswith("instance_")]
    if lifecycle:
        pump.put(
            definition_group(definition_key),
            {**message, "type": "workflow.instances", "events": lifecycle},
        )


def publish_on_commit(*, instance_id: Any, definition_key: str, events: Sequence[ExecutionEvent]) -> None:
    """`publish_now` once the current transaction commits (never if it rolls back)."""
    if events and (settings.FLOWDESK_PUBLISH_EVENTS or _observers):
        transaction.on_commit(
            partial(publish_now, instance_id=instance_id, definition_key=definition_key, events=list(events))
        )
