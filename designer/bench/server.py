"""Daphne serving Flowdesk for the designer bench, and timed draft saves against it."""

from __future__ import annotations

import http.client
import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from designer.bench.fixture import Credentials
from workflows.bench.waits_common import free_port, process, wait_for_port


@contextmanager
def daphne(log_dir: Path) -> Iterator[str]:
    """One daphne on a free port with this process's settings over plain HTTP; yields its base URL."""
    port = free_port()
    env = {
        **os.environ,
        "LOG_LEVEL": "WARNING",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
    }
    args = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"]
    with process(args, log_dir / "daphne.log", env=env):
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}"


@dataclass
class DraftClient:
    """The designer's draft API over one keep-alive connection, as the signed-in user."""

    base: str
    key: str
    credentials: Credentials

    def __post_init__(self) -> None:
        host, port = self.base.removeprefix("http://").split(":")
        self._conn = http.client.HTTPConnection(host, int(port), timeout=60)

    def close(self) -> None:
        self._conn.close()

    def warm_up(self) -> None:
        """Load the designer page once (untimed), as a running server would have: the browser runs
        then measure cold browsers against a warm server, not Django's first-request imports."""
        status, _, body = self._request("GET", None, {"Accept": "text/html"}, path=f"/designer/{self.key}/")
        if status != 200:
            raise RuntimeError(f"the designer page answered {status}: {body[:300]!r}")

    def _request(
        self, method: str, body: bytes | None, headers: dict[str, str], path: str | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        headers = {
            "Accept": "application/json",
            "Cookie": self.credentials.cookie_header(),
            "X-CSRFToken": self.credentials.csrf_token,
            **headers,
        }
        self._conn.request(method, path or f"/api/definitions/{self.key}/", body=body, headers=headers)
        response = self._conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()

    def read(self) -> tuple[dict[str, Any], str]:
        """The stored draft graph and its ETag."""
        status, headers, body = self._request("GET", None, {})
        if status != 200:
            raise RuntimeError(f"reading the bench definition failed: {status} {body[:300]!r}")
        definition = json.loads(body)
        return definition["graph"], headers.get("ETag") or f'"{definition["revision"]}"'

    def etag(self) -> str:
        return self.read()[1]

    def restore(self, graph: dict[str, Any]) -> None:
        """Put `graph` back as the draft if a run changed it (an autosave after a drag)."""
        stored, etag = self.read()
        if stored != graph:
            self.save(graph, etag)

    def save(self, graph: dict[str, Any], etag: str) -> tuple[float, str]:
        """PATCH the draft with If-Match; returns (seconds, the new ETag)."""
        body = json.dumps({"graph": graph}).encode()
        started = time.perf_counter()
        status, headers, content = self._request(
            "PATCH", body, {"Content-Type": "application/json", "If-Match": etag}
        )
        elapsed = time.perf_counter() - started
        if status != 200:
            raise RuntimeError(f"saving the bench graph failed: {status} {content[:300]!r}")
        return elapsed, headers.get("ETag") or f'"{json.loads(content)["revision"]}"'


def timed_saves(client: DraftClient, graph: dict[str, Any], repeats: int) -> list[float]:
    """Save the graph `repeats` times, each with a real change (a node renamed); restore it after."""
    etag = client.etag()
    changed = json.loads(json.dumps(graph))
    timings = []
    for i in range(repeats):
        changed["nodes"][0]["name"] = f"Start {i}"
        elapsed, etag = client.save(changed, etag)
        timings.append(elapsed)
    client.save(graph, etag)
    return timings
