"""A lean HTTP/1.1 load generator for the benchmark: keep-alive connections on one asyncio loop.

The benchmark runs on the same cores as the servers it measures, so its own client must
cost little: every request is built as bytes before the clock starts, and the answers
are read with asyncio streams (status line, headers, a Content-Length or chunked body).
Python's `http.client` on a thread per connection cost about a third of a core at a few
hundred requests a second, CPU the servers under test then did not have.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass
class LoadResult:
    """Answers by status, and the seconds from the first request sent to the last answer read."""

    statuses: Counter[int] = field(default_factory=Counter)
    elapsed: float = 0.0

    def count(self, status: int) -> int:
        return self.statuses[status]

    def others(self, status: int) -> int:
        return sum(n for code, n in self.statuses.items() if code != status)


def post_request(host: str, path: str, body: bytes, headers: dict[str, str]) -> bytes:
    """One POST, ready to write on a keep-alive connection."""
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def run_load(ports: Sequence[int], requests: Sequence[bytes], connections: int) -> LoadResult:
    """Send `requests` over `connections` keep-alive connections spread over `ports`
    (connection i takes requests i, i + connections, ... one at a time) and count the answers."""
    return asyncio.run(_load(ports, requests, connections))


async def _load(ports: Sequence[int], requests: Sequence[bytes], connections: int) -> LoadResult:
    result = LoadResult()
    streams = [await asyncio.open_connection("127.0.0.1", ports[i % len(ports)]) for i in range(connections)]
    started = time.perf_counter()
    try:
        await asyncio.gather(
            *(
                _client(reader, writer, requests[i::connections], result)
                for i, (reader, writer) in enumerate(streams)
            )
        )
    finally:
        result.elapsed = time.perf_counter() - started
        for _, writer in streams:
            writer.close()
    return result


async def _client(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, requests: Sequence[bytes], result: LoadResult
) -> None:
    for request in requests:
        writer.write(request)
        result.statuses[await _read_answer(reader)] += 1


async def _read_answer(reader: asyncio.StreamReader) -> int:
    """The status of the next answer on `reader`, its body read and dropped."""
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split(" ", 2)[1])
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status
