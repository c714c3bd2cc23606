"""Benchmark scenario of live status: `socket_delivery_rows`.

Commit-to-socket delivery with N WebSocket clients spread over two daphne processes on
channels_redis. Each commit is a real engine transaction (an operator suspending or
resuming an instance: one event each); the time runs from the service call returning
(committed, in this process) to each socket receiving the frame. Clients and committer
share this machine, so the figures include their CPU. Needs PostgreSQL and Redis.
(The instance list with many rows: workflows.bench.instance_list.)
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import transaction

from workflows.bench.published import ensure_published
from workflows.bench.scenarios import Row
from workflows.bench.stats import ms, percentile

LIVE_KEY = "bench-live"


# -- processes -------------------------------------------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def daphnes(count: int, *, log_dir: Path) -> Iterator[list[str]]:
    """`count` daphne processes with this process's environment; yields their host:port."""
    import http.client
    import os
    import signal

    processes, hosts = [], []
    try:
        for index in range(count):
            port = _free_port()
            out = (log_dir / f"daphne-{index}.log").open("wb")
            processes.append(
                subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
                    [
                        sys.executable,
                        "-m",
                        "daphne",
                        "-b",
                        "127.0.0.1",
                        "-p",
                        str(port),
                        "config.asgi:application",
                    ],
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
            hosts.append(f"127.0.0.1:{port}")
        for host, process in zip(hosts, processes, strict=True):
            deadline = time.monotonic() + 60
            while True:
                try:  # any HTTP answer will do (a redirect to https included)
                    probe = http.client.HTTPConnection(host, timeout=1)
                    probe.request("GET", "/accounts/login/")
                    probe.getresponse().read()
                    probe.close()
                    break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"daphne on {host} did not start; see {log_dir}") from None
                    time.sleep(0.2)
        yield hosts
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def _session_cookie(user: Any) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"sessionid={session.session_key}"


# -- commit to socket --------------------------------------------------------------------


def _live_instance(user: Any) -> Any:
    """A running instance of a one-approval workflow (it waits, so it can be suspended and resumed)."""
    from workflows.services.instances import instance_start

    graph = {
        "format": "flowdesk.graph/v1",
        "inputs": {},
        "nodes": [
            {"id": "start", "type": "start", "name": "Start", "position": {"x": 0, "y": 0}, "config": {}},
            {"id": "wait", "type": "approval", "name": "Wait", "position": {"x": 220, "y": 0},
             "config": {"assignees": {"users": [user.get_username()]}}},
            {"id": "end", "type": "end", "name": "End", "position": {"x": 440, "y": 0}, "config": {}},
        ],
        "edges": [{"id": "e1", "source": "start", "target": "wait"},
                  {"id": "e2", "source": "wait", "target": "end", "outcome": "approved"},
                  {"id": "e3", "source": "wait", "target": "end", "outcome": "rejected"}],
    }  # fmt: skip
    ensure_published(user, key=LIVE_KEY, graph=graph, name="Bench: live")
    return instance_start(definition_key=LIVE_KEY, input={}, started_by=user)


async def _clients(
    hosts: list[str],
    path: str,
    cookie: str,
    count: int,
    stamps: dict[int, list[float]],
    ready: threading.Event,
    stop: threading.Event,
) -> int:
    from websockets.asyncio.client import connect

    async def one(index: int) -> Any:
        host = hosts[index % len(hosts)]
        socket = await connect(
            f"ws://{host}{path}",
            origin=f"http://{host}",
            additional_headers={"Cookie": cookie},
            open_timeout=60,
        )
        hello = json.loads(await socket.recv())
        if hello.get("type") != "hello":
            raise RuntimeError(f"socket refused: {hello}")
        return socket

    sockets = []
    for start in range(0, count, 25):  # connect in waves: daphne accepts a burst better than a flood
        sockets += await asyncio.gather(*(one(i) for i in range(start, min(count, start + 25))))

    async def listen(socket: Any) -> None:
        async for raw in socket:
            now = time.time()
            frame = json.loads(raw)
            for event in frame.get("events", []):
                stamps.setdefault(event["seq"], []).append(now)

    listeners = [asyncio.create_task(listen(socket)) for socket in sockets]
    ready.set()
    while not stop.is_set():
        await asyncio.sleep(0.05)
    await asyncio.sleep(1.0)  # the last frames
    for socket in sockets:
        await socket.close()
    for task in listeners:
        task.cancel()
    return len(sockets)


def socket_delivery_rows(
    *, user: Any, sockets: int = 200, commits: int = 200, rate: float = 20.0
) -> list[Row]:
    """Commit-to-socket delivery p50/p95/p99 with `sockets` clients on two daphnes (channels_redis)."""
    from workflows.services.operations import instance_resume, instance_suspend

    instance = _live_instance(user)
    cookie = _session_cookie(user)
    stamps: dict[int, list[float]] = {}
    committed: dict[int, float] = {}
    ready, stop = threading.Event(), threading.Event()
    log_dir = Path(tempfile.mkdtemp(prefix="flowdesk-bench-live-"))
    with daphnes(2, log_dir=log_dir) as hosts:
        result: dict[str, Any] = {}

        def run_clients() -> None:
            try:
                result["connected"] = asyncio.run(
                    _clients(hosts, f"/ws/instances/{instance.pk}/", cookie, sockets, stamps, ready, stop)
                )
            except Exception as exc:  # surfaced below
                result["error"] = exc
                ready.set()

        thread = threading.Thread(target=run_clients, daemon=True)
        thread.start()
        if not ready.wait(180) or "error" in result:
            raise RuntimeError(f"could not open {sockets} sockets: {result.get('error')}; see {log_dir}")
        time.sleep(0.5)
        for index in range(commits):
            operation = instance_suspend if index % 2 == 0 else instance_resume
            with transaction.atomic():
                operation(instance_id=instance.pk, actor=user)
            instance.refresh_from_db(fields=["last_seq"])
            committed[instance.last_seq] = time.time()
            time.sleep(1.0 / rate)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and any(len(stamps.get(seq, [])) < sockets for seq in committed):
            time.sleep(0.1)
        stop.set()
        thread.join(30)
    delays = [when - committed[seq] for seq, whens in stamps.items() if seq in committed for when in whens]
    first = [min(whens) - committed[seq] for seq, whens in stamps.items() if seq in committed and whens]
    expected = len(committed) * sockets
    return [
        Row(f"commit to first of {sockets} sockets: p50", ms(percentile(first, 0.5)), "ms"),
        Row(f"commit to socket, {sockets} sockets on 2 daphnes: p50", ms(percentile(delays, 0.5)), "ms"),
        Row(f"commit to socket, {sockets} sockets on 2 daphnes: p95", ms(percentile(delays, 0.95)), "ms", "< 100 ms",
            percentile(delays, 0.95) < 0.1),
        Row(f"commit to socket, {sockets} sockets on 2 daphnes: p99", ms(percentile(delays, 0.99)), "ms"),
        Row(f"commit to socket: frames delivered of {expected}", len(delays), "", f"{expected}", len(delays) == expected),
    ]  # fmt: skip
