"""Distributed mode end to end: two daphne processes and a Celery worker on channels_redis.

An instance started through daphne A is announced on a definition socket held by daphne
B; the step a worker process finishes reaches instance sockets on both A and B.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rest_framework.authtoken.models import Token

from tests.factories import UserFactory
from tests.support.processes import (
    celery_worker_args,
    daphne_args,
    free_port,
    process_env,
    running,
    wait_for_http,
)

from .helpers import node, publish, session_cookie

RECEIVE = 20


def slow_graph() -> dict[str, Any]:
    """start -> nap (core.sleep 1.5 s, long enough to connect) -> end."""
    nodes = [
        node("start", "start"),
        node("nap", "task", action="core.sleep", params={"seconds": 1.5}),
        node("end", "end"),
    ]
    edges = [{"id": "e1", "source": "start", "target": "nap"}, {"id": "e2", "source": "nap", "target": "end"}]
    return {"format": "flowdesk.graph/v1", "inputs": {}, "nodes": nodes, "edges": edges}


@pytest.fixture
def cluster(test_database_url: str, tmp_path: Path) -> Iterator[tuple[str, str, Path]]:
    """Daphne A, daphne B and one worker on the test database and the test Redis."""
    from config.celery import app

    app.control.purge()
    env = process_env({"DATABASE_URL": test_database_url, "DEBUG": "false"})
    port_a, port_b = free_port(), free_port()
    with (
        running(celery_worker_args(concurrency=1), env, log=tmp_path / "worker.log"),
        running(daphne_args(port_a), env, log=tmp_path / "daphne-a.log") as a,
        running(daphne_args(port_b), env, log=tmp_path / "daphne-b.log") as b,
    ):
        for port, process in ((port_a, a), (port_b, b)):
            wait_for_http(f"http://127.0.0.1:{port}/accounts/login/", timeout=40, process=process)
        yield f"127.0.0.1:{port_a}", f"127.0.0.1:{port_b}", tmp_path
    app.control.purge()


async def open_socket(host: str, path: str, cookie: bytes) -> Any:
    from websockets.asyncio.client import connect

    socket = await connect(
        f"ws://{host}{path}",
        origin=f"http://{host}",
        additional_headers={"Cookie": cookie.decode()},
        open_timeout=RECEIVE,
    )
    hello = json.loads(await asyncio.wait_for(socket.recv(), RECEIVE))
    assert hello["type"] == "hello"
    return socket, hello


async def until(socket: Any, predicate: Any) -> list[dict[str, Any]]:
    frames = []
    while True:
        frame = json.loads(await asyncio.wait_for(socket.recv(), RECEIVE))
        frames.append(frame)
        if predicate(frame):
            return frames


def test_a_step_finished_by_a_worker_reaches_sockets_on_both_daphne_processes(
    cluster: tuple[str, str, Path],
) -> None:
    host_a, host_b, logs = cluster
    olivia = UserFactory(username="olivia")
    publish(slow_graph(), owner=olivia, key="two-daphnes")
    token = Token.objects.create(user=olivia).key
    cookie = session_cookie(olivia)

    async def scenario() -> None:
        import urllib.request

        # given a definition socket on daphne B
        watcher, _ = await open_socket(host_b, "/ws/definitions/two-daphnes/", cookie)
        # when an instance is started through daphne A's API
        request = urllib.request.Request(
            f"http://{host_a}/api/instances/",
            data=json.dumps({"definition": "two-daphnes", "input": {}}).encode(),
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
            method="POST",
        )
        body = await asyncio.to_thread(
            lambda: json.loads(urllib.request.urlopen(request, timeout=RECEIVE).read())  # noqa: S310 (local test server)
        )
        instance_id = body["id"]
        # then B hears of it (published by A's process, through Redis)
        started = await until(watcher, lambda f: f["type"] == "instances")
        assert started[-1]["instance"] == instance_id
        assert started[-1]["events"][0]["type"] == "instance_started"
        # and instance sockets on A and B both see the worker finish the step
        on_a, hello_a = await open_socket(host_a, f"/ws/instances/{instance_id}/", cookie)
        on_b, hello_b = await open_socket(host_b, f"/ws/instances/{instance_id}/", cookie)
        assert hello_a["status"] == hello_b["status"] == "running"
        finished_a = await until(on_a, lambda f: any(e["type"] == "instance_completed" for e in f["events"]))
        finished_b = await until(on_b, lambda f: any(e["type"] == "instance_completed" for e in f["events"]))
        for frames, hello in ((finished_a, hello_a), (finished_b, hello_b)):
            events = [e for frame in frames for e in frame["events"]]
            assert ("nap", "step_succeeded") in [(e["node_id"], e["type"]) for e in events]
            assert [e["seq"] for e in events] == list(range(hello["seq"] + 1, hello["seq"] + 1 + len(events)))
        # and B's definition socket sees it end
        ended = await until(watcher, lambda f: any(e["type"] == "instance_completed" for e in f["events"]))
        assert ended[-1]["instance"] == instance_id
        for socket in (watcher, on_a, on_b):
            await socket.close()

    try:
        asyncio.run(scenario())
    except Exception:
        for name in ("worker.log", "daphne-a.log", "daphne-b.log"):
            print(f"--- {name}\n" + (logs / name).read_text()[-3000:])
        raise
