"""Benchmark scenarios of the waits: a storm of timers due at one moment, and signals/s.

Both expect a running Celery worker (the bench command's `celery_worker`); the timer
storm starts its own `celery beat`, the signal scenario its own daphne. Call them from
`manage.py bench` (or a shell) with a user allowed to start workflows:

    rows = waits.timer_storm_rows(user, timers=10_000)
    rows += waits.signal_rate_rows(user, instances=5_000)
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.db import connection
from django.db.models import Max
from django.utils import timezone

from workflows.bench.published import ensure_published
from workflows.bench.scenarios import Row, _wait_until
from workflows.models import DueWait, ExecutionEvent, StepExecution, WorkflowDefinition, WorkflowInstance

logger = logging.getLogger(__name__)
TIMER_KEY = "bench-timer-storm"
SIGNAL_KEY = "bench-signal-wait"
FAR_AWAY = "2999-01-01T00:00:00+00:00"


def _node(node_id: str, type: str, **config: Any) -> dict[str, Any]:
    return {"id": node_id, "type": type, "name": node_id, "position": {"x": 0, "y": 0}, "config": config}


def _graph(wait: dict[str, Any], inputs: dict[str, Any]) -> dict[str, Any]:
    return {
        "format": "flowdesk.graph/v1",
        "inputs": inputs,
        "nodes": [_node("start", "start"), wait, _node("end", "end", result="done")],
        "edges": [
            {"id": "e1", "source": "start", "target": wait["id"]},
            {"id": "e2", "source": wait["id"], "target": "end"},
        ],
    }


def _ensure(user: Any, key: str, graph: dict[str, Any]) -> WorkflowDefinition:
    """The published benchmark definition `key` (created once, republished if it changed)."""
    return ensure_published(user, key=key, graph=graph)


@contextmanager
def _process(
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


def _start_many(user: Any, key: str, inputs: list[dict[str, Any]], threads: int = 4) -> list[Any]:
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


# -- timers ------------------------------------------------------------------------------


def timer_storm_rows(user: Any, *, timers: int = 10_000, lead_seconds: float = 4.0) -> list[Row]:
    """`timers` timers due at the same moment: seconds until the last fired, and how many
    fired more than once (must be 0). Timers are armed far in the future, then their due
    rows are all set to one moment a few seconds ahead, while beat (started here) polls."""
    _ensure(user, TIMER_KEY, _graph(_node("wait", "timer", until="input.at"), {"at": {"type": "string"}}))
    ids = _start_many(user, TIMER_KEY, [{"at": FAR_AWAY}] * timers)
    tmp = Path(tempfile.mkdtemp(prefix="flowdesk-bench-beat-"))
    beat = [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel=WARNING",
            f"--schedule={tmp / 'schedule'}"]  # fmt: skip
    with _process(beat, tmp / "beat.log"):
        due = timezone.now() + timedelta(seconds=lead_seconds)
        armed = DueWait.objects.filter(instance_id__in=ids, kind="timer", fired_at__isnull=True).update(
            due_at=due
        )
        if armed != timers:
            raise RuntimeError(f"{armed} of {timers} timers armed")
        waits = StepExecution.objects.filter(instance_id__in=ids, node_id="wait")
        _wait_until(lambda: waits.filter(status="succeeded").count() == timers, timeout=600, poll=0.25)
    last = waits.aggregate(last=Max("finished_at"))["last"]
    seconds = round((last - due).total_seconds(), 2)
    fired = ExecutionEvent.objects.filter(
        instance_id__in=ids, type="step_succeeded", step_id__in=waits.values("id")
    ).count()
    twice = fired - timers
    completed = WorkflowInstance.objects.filter(id__in=ids, status="completed").count()
    return [
        Row(f"timers: {timers:,} due at once, last fired after", seconds, "s", "<= 10 s", seconds <= 10),
        Row(f"timers: {timers:,} due at once, fired per second", round(timers / max(seconds, 0.001)), "/s"),
        Row("timers: fired more than once", twice, "", "0", twice == 0 and completed == timers),
    ]


# -- signals -----------------------------------------------------------------------------


def signal_rate_rows(
    user: Any, *, instances: int = 5_000, clients: int = 16, servers: int = 2, background: int = 200
) -> list[Row]:
    """Signals/s accepted (202) by `POST /api/instances/<id>/signals/` on `servers` daphne
    processes started here (as production scales web nodes), from `clients` keep-alive
    HTTP connections spread over them, while `background` 5-task workflows run on the
    worker. Each instance waits for one signal, which completes it."""
    from rest_framework.authtoken.models import Token

    from workflows.bench.engine import BENCH_KEY, ensure_bench_definition

    _ensure(user, SIGNAL_KEY, _graph(_node("wait", "signal", name="go"), {}))
    ensure_bench_definition(user)
    ids = [str(i) for i in _start_many(user, SIGNAL_KEY, [{}] * instances)]
    token, _ = Token.objects.get_or_create(user=user)
    tmp = Path(tempfile.mkdtemp(prefix="flowdesk-bench-daphne-"))
    # Under ASGI every request runs in its own thread: persistent connections would pile up.
    env = {**os.environ, "LOG_LEVEL": "WARNING", "SECURE_SSL_REDIRECT": "false", "DB_CONN_MAX_AGE": "0"}
    ports = [_free_port() for _ in range(servers)]
    with ExitStack() as stack:
        for port in ports:
            args = [
                sys.executable,
                "-m",
                "daphne",
                "-b",
                "127.0.0.1",
                "-p",
                str(port),
                "config.asgi:application",
            ]
            stack.enter_context(_process(args, tmp / f"daphne-{port}.log", env=env))
        for port in ports:
            _wait_for_port(port)
        load = threading.Thread(target=_background_load, args=(user, BENCH_KEY, background), daemon=True)
        load.start()
        accepted, refused, elapsed = _blast(ports, token.key, ids, clients)
        load.join(timeout=120)
    completed = WorkflowInstance.objects.filter(id__in=ids, status="completed").count()
    rate = round(accepted / elapsed, 1)
    label = f"signals: accepted per second ({servers} daphne, {clients} clients, workflows running)"
    return [
        Row(label, rate, "/s", ">= 1000/s", rate >= 1000),
        Row("signals: refused or failed requests", refused, "", "0", refused == 0 and completed == instances),
    ]


def _background_load(user: Any, key: str, count: int) -> None:
    from workflows.services.instances import instance_start

    try:
        for n in range(count):
            instance_start(definition_key=key, input={"n": n}, started_by=user)
    finally:
        connection.close()


def _blast(ports: list[int], token: str, ids: list[str], clients: int) -> tuple[int, int, float]:
    counts: dict[str, int] = {"accepted": 0, "refused": 0}
    refusals: dict[int, int] = {}
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)

    def client(part: list[str], port: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
        accepted = refused = 0
        barrier.wait()
        for instance_id in part:
            body = json.dumps({"name": "go", "payload": {"ok": True}, "id": f"bench-{instance_id}"})
            conn.request("POST", f"/api/instances/{instance_id}/signals/", body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status == 202:
                accepted += 1
            else:
                refused += 1
                with lock:
                    refusals[response.status] = refusals.get(response.status, 0) + 1
        conn.close()
        with lock:
            counts["accepted"] += accepted
            counts["refused"] += refused

    threads = [
        threading.Thread(target=client, args=(ids[i::clients], ports[i % len(ports)])) for i in range(clients)
    ]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if refusals:
        logger.warning("signal benchmark: refused answers by status: %s", refusals)
    return counts["accepted"], counts["refused"], elapsed


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_port(port: int, timeout: float = 120) -> None:
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
