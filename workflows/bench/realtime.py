"""Benchmark scenarios of live status and the instance list.

* `socket_delivery_rows`: commit-to-socket delivery with N WebSocket clients spread over
  two daphne processes on channels_redis. Each commit is a real engine transaction
  (an operator suspending or resuming an instance: one event each); the time runs from
  the service call returning (committed, in this process) to each socket receiving the
  frame. Clients and committer share this machine, so the figures include their CPU.
* `instance_list_rows`: the /instances/ page and the list API with many instances
  stored, generated with COPY (reused by later runs), timed through Django's test client.

Both need PostgreSQL and Redis (DATABASE_URL, REDIS_URL).
"""

from __future__ import annotations

import asyncio
import json
import random
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from workflows.bench.scenarios import Row
from workflows.bench.stats import ms, percentile

LIVE_KEY = "bench-live"
LIST_KEY = "bench-list"


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
    from workflows.models import WorkflowDefinition
    from workflows.services.definitions import definition_create, definition_update
    from workflows.services.instances import instance_start
    from workflows.services.versions import version_publish

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
    definition = WorkflowDefinition.objects.filter(key=LIVE_KEY).first()
    if definition is None:
        definition = definition_create(owner=user, key=LIVE_KEY, name="Bench: live", graph=graph)
    elif definition.graph != graph:
        definition = definition_update(
            definition=definition, actor=user, expected_revision=definition.revision, graph=graph
        )
    latest = definition.versions.order_by("-number").first()
    if latest is None or latest.graph != graph:
        version_publish(definition=definition, actor=user, notes="benchmark")
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


# -- the instance list with many rows -----------------------------------------------------


def _list_definition(user: Any) -> tuple[Any, Any]:
    from workflows.models import WorkflowDefinition
    from workflows.services.definitions import definition_create
    from workflows.services.versions import version_publish

    definition = WorkflowDefinition.objects.filter(key=LIST_KEY).first()
    if definition is None:
        graph = {
            "format": "flowdesk.graph/v1",
            "inputs": {},
            "nodes": [
                {"id": "start", "type": "start", "name": "Start", "position": {"x": 0, "y": 0}, "config": {}},
                {"id": "end", "type": "end", "name": "End", "position": {"x": 220, "y": 0}, "config": {}},
            ],
            "edges": [{"id": "e1", "source": "start", "target": "end"}],
        }
        definition = definition_create(owner=user, key=LIST_KEY, name="Bench: list", graph=graph)
        version_publish(definition=definition, actor=user, notes="benchmark")
    return definition, definition.versions.order_by("-number").first()


def generate_instances(*, user: Any, total: int, chunk: int = 100_000, progress: Any = None) -> int:
    """Make sure `total` instances of the list benchmark's definition exist (COPY in chunks of
    `chunk`, one transaction each). Returns how many were added."""
    from workflows.models import WorkflowInstance

    definition, version = _list_definition(user)
    have = WorkflowInstance.objects.filter(definition=definition).count()
    if have >= total:
        return 0
    people = list(get_user_model().objects.order_by("pk").values_list("pk", flat=True)[:20]) or [user.pk]
    fields = [f for f in WorkflowInstance._meta.concrete_fields]
    columns = ", ".join(f'"{f.column}"' for f in fields)
    statuses = ["completed"] * 70 + ["failed"] * 8 + ["running"] * 15 + ["cancelled"] * 4 + ["suspended"] * 3
    rng = random.Random(have)  # noqa: S311 (test data)
    now = timezone.now()
    added = 0
    while have + added < total:
        size = min(chunk, total - have - added)
        with transaction.atomic(), connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg's cursor under Django's wrapper
            with raw.copy(f"COPY {WorkflowInstance._meta.db_table} ({columns}) FROM STDIN") as copy:
                for n in range(size):
                    number = have + added + n
                    created = now - timedelta(seconds=rng.uniform(0, 90 * 86400))
                    status = rng.choice(statuses)
                    done = status in ("completed", "failed", "cancelled")
                    values = {
                        "id": uuid.UUID(int=rng.getrandbits(128), version=4),
                        "definition_id": definition.pk,
                        "version_id": version.pk,
                        "status": status,
                        "input": json.dumps({"n": number}),
                        "vars": "{}",
                        "result": None,
                        "error": json.dumps({"type": "Bench", "message": "generated"})
                        if status == "failed"
                        else None,
                        "business_key": f"BENCH-{number:08d}",
                        "correlation_id": "",
                        "started_by_id": rng.choice(people),
                        "started_on_deprecated": False,
                        "parent_id": None,
                        "parent_step_id": None,
                        "depth": 0,
                        "visits": "{}",
                        "results": "{}",
                        "compensable": "[]",
                        "compensation": None,
                        "last_seq": 0,  # no events generated: verify_audit stays clean
                        "created_at": created,
                        "updated_at": created,
                        "finished_at": created + timedelta(seconds=rng.uniform(0.01, 600)) if done else None,
                    }
                    copy.write_row([values[f.attname] for f in fields])
        added += size
        if progress is not None:
            progress(have + added)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {WorkflowInstance._meta.db_table}")
    return added


def _timed(client: Any, url: str, repeats: int) -> tuple[float, float]:
    client.get(url, HTTP_HOST="127.0.0.1", secure=True)  # warm-up: templates, plans, caches
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        response = client.get(url, HTTP_HOST="127.0.0.1", secure=True)  # no https redirect
        timings.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    return percentile(timings, 0.5), percentile(timings, 0.95)


def instance_list_rows(
    *, user: Any, total: int = 1_000_000, repeats: int = 20, progress: Any = None
) -> list[Row]:
    """Time the instance list page (and the list API) with `total` instances stored."""
    from django.test import Client

    from workflows.models import WorkflowInstance

    started = time.perf_counter()
    added = generate_instances(user=user, total=total, progress=progress)
    generated_s = time.perf_counter() - started
    stored = WorkflowInstance.objects.count()
    staff = Client()
    staff.force_login(user)
    viewer_user, _ = get_user_model().objects.get_or_create(username="bench-viewer")
    from workflows.models import DefinitionPermission, Role, WorkflowDefinition

    DefinitionPermission.objects.get_or_create(
        definition=WorkflowDefinition.objects.get(key=LIST_KEY), user=viewer_user, role=Role.VIEWER
    )
    viewer = Client()
    viewer.force_login(viewer_user)
    middle = WorkflowInstance.objects.order_by("-created_at", "-id").values_list("created_at", "id")[
        stored // 2
    ]
    from workflows.pages.listing import Cursor

    deep = Cursor(middle[0], middle[1]).encode()
    pages = [
        ("first page (staff)", staff, "/instances/"),
        ("first page (viewer of the definition)", viewer, "/instances/"),
        ("filtered: definition + status failed", staff, f"/instances/?definition={LIST_KEY}&status=failed"),
        ("search: business key", staff, "/instances/?q=BENCH-00004242"),
        ("search: business key prefix", staff, "/instances/?q=BENCH-0000424*"),
        ("filtered: started by + last 7 days", staff,
         f"/instances/?started_by={user.get_username()}&created_after={(timezone.now() - timedelta(days=7)).date()}"),
        ("a page half-way down (cursor)", staff, f"/instances/?older={deep}"),
        ("API list, first page (with its COUNT)", staff, "/api/instances/"),
    ]  # fmt: skip
    rows = [
        Row("instance list: instances stored", stored, ""),
        Row("instance list: generated this run (COPY)", added, f"in {generated_s:.0f} s"),
    ]
    for label, client, url in pages:
        p50, p95 = _timed(client, url, repeats)
        target = "< 200 ms" if not label.startswith("API") else ""
        rows.append(Row(f"instance list, {label}: p50", ms(p50), "ms"))
        rows.append(Row(f"instance list, {label}: p95", ms(p95), "ms", target, p95 < 0.2 if target else None))
    return rows
