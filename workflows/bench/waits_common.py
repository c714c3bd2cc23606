"""What the waits benchmarks share: small published definitions, helper processes and ports."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import connection

from workflows.bench.published import ensure_published
from workflows.models import WorkflowDefinition

FAR_AWAY = "2999-01-01T00:00:00+00:00"


def node(node_id: str, type: str, **config: Any) -> dict[str, Any]:
    return {"id": node_id, "type": type, "name": node_id, "position": {"x": 0, "y": 0}, "config": config}


def graph(wait: dict[str, Any], inputs: dict[str, Any]) -> dict[str, Any]:
    return {
        "format": "flowdesk.graph/v1",
        "inputs": inputs,
        "nodes": [node("start", "start"), wait, node("end", "end", result="done")],
        "edges": [
            {"id": "e1", "source": "start", "target": wait["id"]},
            {"id": "e2", "source": wait["id"], "target": "end"},
        ],
    }


def ensure(user: Any, key: str, graph: dict[str, Any]) -> WorkflowDefinition:
    """The published benchmark definition `key` (created once, republished if it changed)."""
    return ensure_published(user, key=key, graph=graph)


@contextmanager
def process(
    args: list[str], log: Path, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
            args, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, env=env
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def start_many(user: Any, key: str, inputs: list[dict[str, Any]], threads: int = 4) -> list[Any]:
    """Start one instance per input, from a few threads (setup, not measured)."""
    from workflows.services.instances import instance_start

    ids: list[Any] = []
    lock = threading.Lock()

    def work(part: list[dict[str, Any]]) -> None:
        try:
            for data in part:
                found = instance_start(definition_key=key, input=data, started_by=user)
                with lock:
                    ids.append(found.pk)
        finally:
            connection.close()

    parts = [inputs[i::threads] for i in range(threads)]
    workers = [threading.Thread(target=work, args=(part,)) for part in parts]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    if len(ids) != len(inputs):
        raise RuntimeError(f"only {len(ids)} of {len(inputs)} benchmark instances started")
    return ids


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", "/api/health/")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"daphne did not answer on port {port}")


def wait_for_idle_broker(timeout: float = 300.0) -> None:
    """Wait until the broker's task queue is empty: a measurement starts with the workers
    free, not still working through what an earlier run (or experiment) left queued."""
    import redis
    from django.conf import settings

    from config.celery import app

    if not settings.CELERY_BROKER_URL.startswith("redis"):
        return
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    queue = app.conf.task_default_queue  # kombu's Redis transport keeps a queue as a list of that name
    deadline = time.monotonic() + timeout
    try:
        while client.llen(queue) and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        client.close()
