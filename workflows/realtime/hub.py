"""One channel-layer subscription per process and group, fanned out to local sockets.

With plain Channels groups every socket is a member of the group in Redis, so a commit
watched by 200 sockets becomes 200 Redis messages that each daphne pops one by one.
Here each process (more precisely, each event loop) joins a group once, with its own
channel, and hands every message to the sockets it holds for that group in memory: a
commit costs one Redis message per process, however many sockets watch it.

Messages name their group (`"group"`, set by workflows.runtime.publisher). Access was
checked when each socket connected; the hub only delivers.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from typing import Any, Protocol

from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)


class Member(Protocol):
    async def deliver(self, message: dict[str, Any]) -> None: ...


class Hub:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.members: dict[str, set[Member]] = {}
        self.subscribed: set[str] = set()
        self.locks: dict[str, asyncio.Lock] = {}
        self.channel: str | None = None
        self.layer: Any = None
        self.reader: asyncio.Task[None] | None = None

    async def _ensure_reader(self) -> None:
        layer = get_channel_layer()
        if self.channel is None or layer is not self.layer:  # first use, or the layer changed (tests)
            self.layer = layer
            # The default prefix on purpose: channels_redis reads all of a process's channels
            # that share a prefix with one blocking pop; another prefix would wait behind it.
            self.channel = await layer.new_channel()
            self.subscribed.clear()
            if self.reader is not None:
                self.reader.cancel()
            self.reader = self.loop.create_task(self._read(layer, self.channel))

    async def _read(self, layer: Any, channel: str) -> None:
        while True:
            try:
                message = await layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception:  # the layer hiccupped (Redis restarted): keep reading
                logger.warning("hub could not read from the channel layer", exc_info=True)
                await asyncio.sleep(1)
                continue
            for member in list(self.members.get(message.get("group", ""), ())):
                try:
                    await member.deliver(message)
                except Exception:  # one broken socket never stops the others
                    logger.info("could not deliver to a socket", exc_info=True)

    def _lock(self, group: str) -> asyncio.Lock:
        return self.locks.setdefault(group, asyncio.Lock())

    async def join(self, group: str, member: Member) -> None:
        """Deliver `group`'s messages to `member` from now on (subscribed when this returns)."""
        await self._ensure_reader()
        self.members.setdefault(group, set()).add(member)
        async with self._lock(group):
            if group in self.members and group not in self.subscribed:
                await self.layer.group_add(group, self.channel)
                self.subscribed.add(group)

    async def leave(self, group: str, member: Member) -> None:
        members = self.members.get(group)
        if members is not None:
            members.discard(member)
            if not members:
                del self.members[group]
        lock = self._lock(group)
        async with lock:
            if group not in self.members and group in self.subscribed:
                self.subscribed.discard(group)
                if self.layer is not None and self.channel is not None:
                    await self.layer.group_discard(group, self.channel)
        if group not in self.members and not lock.locked():  # nobody waits on it: forget it
            self.locks.pop(group, None)


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub] = weakref.WeakKeyDictionary()


def hub() -> Hub:
    """The hub of the running event loop (daphne has one; each test loop gets its own)."""
    loop = asyncio.get_running_loop()
    found = _hubs.get(loop)
    if found is None:
        found = _hubs[loop] = Hub(loop)
    return found
