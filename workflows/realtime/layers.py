"""The in-memory channel layer, made safe to send to from another thread's event loop.

Channels' `InMemoryChannelLayer` keeps asyncio queues that belong to the loop of the
consumers waiting on them (the ASGI server's). In standalone mode events are committed
by the embedded Celery worker's threads and pushed from the publisher's own loop; a
plain `put_nowait` from there would not wake the server's loop (asyncio is not
thread-safe), so pushes would sit unseen. This layer remembers the loop its consumers
use ("home") and runs sends and group sends from any other loop on it.

Settings pick it when REDIS_URL is unset; with Redis, channels_redis is used (it is
safe across loops and processes).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from channels.layers import InMemoryChannelLayer


class ThreadSafeInMemoryChannelLayer(InMemoryChannelLayer):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._home: asyncio.AbstractEventLoop | None = None

    def _claim_home(self) -> None:
        self._home = asyncio.get_running_loop()

    async def _on_home(self, call: Callable[[], Awaitable[Any]]) -> Any:
        home = self._home
        here = asyncio.get_running_loop()
        if home is None or home is here or home.is_closed() or not home.is_running():
            return await call()
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(_run(call), home))

    async def receive(self, channel: str) -> Any:
        self._claim_home()
        return await super().receive(channel)

    async def group_add(self, group: str, channel: str) -> None:
        self._claim_home()
        await super().group_add(group, channel)

    async def group_discard(self, group: str, channel: str) -> None:
        await self._on_home(lambda: super(ThreadSafeInMemoryChannelLayer, self).group_discard(group, channel))

    async def send(self, channel: str, message: dict[str, Any]) -> None:
        await self._on_home(lambda: super(ThreadSafeInMemoryChannelLayer, self).send(channel, message))

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        await self._on_home(lambda: super(ThreadSafeInMemoryChannelLayer, self).group_send(group, message))


async def _run(call: Callable[[], Awaitable[Any]]) -> Any:
    return await call()
