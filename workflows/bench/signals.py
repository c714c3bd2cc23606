"""Benchmark: signals accepted per second through the API while workflows run.

Expects a running Celery worker (the bench command's `celery_worker`); starts its own
daphne processes. From `manage.py bench` (or a shell) with a user allowed to start workflows:

    rows = signals.signal_rate_rows(user, instances=5_000)
"""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from django.db import connection

from workflows.bench.cpu import OTHERS, CpuMeter
from workflows.bench.http_load import post_request, run_load
from workflows.bench.scenarios import Row
from workflows.bench.waits_common import (
    ensure,
    free_port,
    graph,
    node,
    process,
    start_many,
    wait_for_idle_broker,
    wait_for_port,
)
from workflows.models import WorkflowInstance

logger = logging.getLogger(__name__)
SIGNAL_KEY = "bench-signal-wait"
WARM_UP = 320  # signals sent (and applied) before the clock starts: threads, pools, prepared statements


def signal_rate_rows(
    user: Any, *, instances: int = 5_000, clients: int = 16, servers: int = 2, background: int = 200
) -> list[Row]:
    """Signals/s accepted (202) by `POST /api/instances/<id>/signals/` on `servers` daphne
    processes started here (as production scales web nodes), from `clients` keep-alive
    HTTP connections spread over them, while `background` 5-task workflows run on the
    worker. Each instance waits for one signal, which completes it. WARM_UP signals go
    first, unmeasured (as on a server that has been up a while). Daphne serves
    `config.asgi:application`, or the ASGI app named by FLOWDESK_BENCH_SIGNALS_ASGI (e.g.
    `workflows.api.signal_asgi:application`, the signal fast path in front of it)."""
    from rest_framework.authtoken.models import Token

    from workflows.bench.engine import BENCH_KEY, ensure_bench_definition

    ensure(user, SIGNAL_KEY, graph(node("wait", "signal", name="go"), {}))
    ensure_bench_definition(user)
    everyone = [str(i) for i in start_many(user, SIGNAL_KEY, [{}] * (instances + WARM_UP))]
    warm, ids = everyone[:WARM_UP], everyone[WARM_UP:]
    token, _ = Token.objects.get_or_create(user=user)
    tmp = Path(tempfile.mkdtemp(prefix="flowdesk-bench-daphne-"))
    # The production web layout (README): every request runs on its own thread, served from
    # a per-process psycopg pool of 8 connections.
    env = {**os.environ, "LOG_LEVEL": "WARNING", "SECURE_SSL_REDIRECT": "false", "DB_POOL_MAX_SIZE": "8"}
    ports = [free_port() for _ in range(servers)]
    app = os.environ.get("FLOWDESK_BENCH_SIGNALS_ASGI", "config.asgi:application")
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
                app,
            ]
            stack.enter_context(process(args, tmp / f"daphne-{port}.log", env=env))
        for port in ports:
            wait_for_port(port)
        port_of = [ports[i % len(ports)] for i in range(clients)]
        warmed = run_load(ports, _requests(port_of, token.key, warm), clients)
        _wait_completed(warm, timeout=60.0)
        wait_for_idle_broker()
        requests = _requests(port_of, token.key, ids)
        load = threading.Thread(target=_background_load, args=(user, BENCH_KEY, background), daemon=True)
        load.start()
        started = time.perf_counter()
        meter = CpuMeter(_cpu_groups(ports, connection.settings_dict["NAME"]))
        meter.start()
        result = run_load(ports, requests, clients)
        cpu = meter.stop()
        accepted, elapsed = result.count(202), result.elapsed
        refused = result.others(202) + warmed.others(202)
        if refused:
            logger.warning("signal benchmark: answers by status: %s", dict(result.statuses + warmed.statuses))
        completed = _wait_completed(ids, timeout=max(60.0, instances / 20))
        applied_in = time.perf_counter() - started
        load.join(timeout=120)
    rate = round(accepted / elapsed, 1)
    served = "" if app == "config.asgi:application" else f", {app}"
    label = f"signals: accepted per second ({servers} daphne{served}, {clients} clients, workflows running)"
    return [
        Row(label, rate, "/s", ">= 1000/s", rate >= 1000),
        Row("signals: refused or failed requests", refused, "", "0", refused == 0 and completed == instances),
        Row(
            "signals: applied per second (first request to last instance completed)",
            round(completed / applied_in, 1),
            "/s",
        ),
        *_cpu_rows(cpu, accepted),
    ]


def _wait_completed(ids: list[str], *, timeout: float) -> int:
    """How many of the instances completed, waiting up to `timeout` s for the worker to apply them all."""
    deadline = time.monotonic() + timeout
    while True:
        completed = WorkflowInstance.objects.filter(id__in=ids, status="completed").count()
        if completed == len(ids) or time.monotonic() > deadline:
            return completed
        time.sleep(0.2)


def _background_load(user: Any, key: str, count: int) -> None:
    from workflows.services.instances import instance_start

    try:
        for n in range(count):
            instance_start(definition_key=key, input={"n": n}, started_by=user)
    finally:
        connection.close()


def _requests(port_of: list[int], token: str, ids: list[str]) -> list[bytes]:
    """The POSTs, built before the clock starts; request i goes out on connection
    i % len(port_of), to port port_of[i % len(port_of)]."""
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    requests = []
    for n, instance_id in enumerate(ids):
        body = json.dumps({"name": "go", "payload": {"ok": True}, "id": f"bench-{instance_id}"}).encode()
        host = f"127.0.0.1:{port_of[n % len(port_of)]}"
        requests.append(post_request(host, f"/api/instances/{instance_id}/signals/", body, headers))
    return requests


def _cpu_groups(ports: list[int], database: str) -> dict[str, Any]:
    me = os.getpid()
    daphnes = tuple(f"-p {port} " for port in ports)
    return {
        "daphne": lambda pid, cmd: "daphne" in cmd and any(p in cmd for p in daphnes),
        "PostgreSQL": lambda pid, cmd: cmd.startswith("postgres:") and f" {database} " in cmd,
        "workers": lambda pid, cmd: "celery" in cmd and f"bench-{me}@" in cmd,
        "load generator and background starts": lambda pid, cmd: pid == me,
    }


def _cpu_rows(seconds: dict[str, float], accepted: int) -> list[Row]:
    if not accepted:
        return []
    rows = [
        Row(f"signals: CPU per accepted signal, {name}", round(spent * 1000 / accepted, 2), "ms")
        for name, spent in seconds.items()
    ]
    ours = sum(spent for name, spent in seconds.items() if name != OTHERS)
    return [
        *rows,
        Row(
            "signals: CPU per accepted signal, the bench's own processes",
            round(ours * 1000 / accepted, 2),
            "ms",
        ),
    ]
