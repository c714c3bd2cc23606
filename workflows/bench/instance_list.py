"""Benchmark scenario of the instance list with many instances stored: `instance_list_rows`.

Instances are generated with COPY in chunks (reused by later runs, with no events, so
verify_audit stays clean), then the /instances/ page (first page, filters, searches, a
cursor half-way down) and the list API are timed through Django's test client.
Needs PostgreSQL.
"""

from __future__ import annotations

import json
import random
import time
import uuid
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from workflows.bench.scenarios import Row
from workflows.bench.stats import ms, percentile

LIST_KEY = "bench-list"


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
    rng = random.Random(f"{LIST_KEY}:{have}")  # noqa: S311 (test data; a seed of its own: other generators share the table)
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
        ("API list, first page (count capped at 10,000)", staff, "/api/instances/"),
    ]  # fmt: skip
    rows = [
        Row("instance list: instances stored", stored, ""),
        Row("instance list: generated this run (COPY)", added, f"in {generated_s:.0f} s"),
    ]
    for label, client, url in pages:
        p50, p95 = _timed(client, url, repeats)
        rows.append(Row(f"instance list, {label}: p50", ms(p50), "ms"))
        rows.append(Row(f"instance list, {label}: p95", ms(p95), "ms", "< 100 ms", p95 < 0.1))
    return rows
