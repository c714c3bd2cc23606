"""Timing a decision: POST decide through the API, until the next step has started on the worker.

The next step is reached when the worker claims it (the step's `started_at`, stamped by the
worker on this host's clock), often before the API's response is back: the response also
renders the task's detail and runs the after-commit live-update hook. Both are reported.

A small published workflow (start -> approval offered to a group -> core.echo task -> end);
instances are started first (each waits at its approval), then their tasks are decided one
by one by a member of the group, while the many generated tasks stay stored around them.
"""

from __future__ import annotations

import json
import time
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from workflows.bench.scenarios import Row
from workflows.bench.stats import ms, percentile

DECIDE_KEY = "bench-appr-decide"
DECIDER = "bench-u001"
TARGET_S = 0.1


def decide_graph() -> dict[str, Any]:
    return {
        "format": "flowdesk.graph/v1",
        "inputs": {"title": {"type": "string"}},
        "nodes": [
            {"id": "start", "type": "start", "name": "Start", "position": {"x": 0, "y": 0}},
            {
                "id": "approve",
                "type": "approval",
                "name": "Approve",
                "position": {"x": 200, "y": 0},
                "config": {
                    "assignees": {"groups": ["bench-g01"]},
                    "policy": "any",
                    "outcomes": ["approved", "rejected"],
                    "sla": {"due_in": "PT8H", "warn_at": 0.75},
                },
            },
            {
                "id": "after",
                "type": "task",
                "name": "After the approval",
                "position": {"x": 400, "y": 0},
                "config": {"action": "core.echo", "params": {"title": "{{ input.title }}"}},
            },
            {"id": "end", "type": "end", "name": "End", "position": {"x": 600, "y": 0}},
        ],
        "edges": [
            {"id": "e1", "source": "start", "target": "approve"},
            {"id": "e2", "source": "approve", "target": "after"},
            {"id": "e3", "source": "after", "target": "end"},
        ],
    }


def _wait(predicate: Any, *, timeout: float = 30, poll: float = 0.002) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the next step did not start in time")
        time.sleep(poll)


def decide_rows(*, user: Any, decisions: int) -> list[Row]:
    """`user` (staff) starts `decisions + 1` instances; DECIDER decides their tasks (the first
    one warms up and is counted for SQL statements)."""
    from approvals.models import ApprovalTask
    from workflows.bench.published import ensure_published
    from workflows.models import StepExecution
    from workflows.services.instances import instance_start

    ensure_published(user, key=DECIDE_KEY, graph=decide_graph(), name="Bench: decide then echo")
    started = [
        instance_start(definition_key=DECIDE_KEY, input={"title": f"Decision {n}"}, started_by=user)
        for n in range(decisions + 1)
    ]
    client = Client()
    client.force_login(get_user_model().objects.get(username=DECIDER))
    answered, reached, statements = [], [], 0
    for n, instance in enumerate(started):
        task = ApprovalTask.objects.get(instance_id=instance.pk)
        next_started = StepExecution.objects.filter(
            instance_id=instance.pk, node_id="after", started_at__isnull=False
        )
        with CaptureQueriesContext(connection) as captured:
            began_at = time.time()  # the worker stamps started_at on the same host's clock
            began = time.perf_counter()
            response = client.post(
                f"/api/tasks/{task.pk}/decide/",
                json.dumps({"outcome": "approved"}),
                content_type="application/json",
                HTTP_HOST="127.0.0.1",
                secure=True,
            )
            done = time.perf_counter()
        if response.status_code != 200:
            raise RuntimeError(f"decide answered {response.status_code}: {response.content[:300]!r}")
        _wait(next_started.exists)
        started_at = next_started.values_list("started_at", flat=True).get()
        if n == 0:
            statements = len(captured)
            continue
        answered.append(done - began)
        reached.append(started_at.timestamp() - began_at)
    p95 = percentile(reached, 0.95)
    return [
        Row(f"decide (API, {decisions} decisions): response p50", ms(percentile(answered, 0.5)), "ms"),
        Row("decide: response p95", ms(percentile(answered, 0.95)), "ms"),
        Row(
            "decide -> next step started on the worker (its started_at): p50",
            ms(percentile(reached, 0.5)),
            "ms",
        ),
        Row(
            "decide -> next step started on the worker (its started_at): p95",
            ms(p95),
            "ms",
            "< 100 ms",
            p95 < TARGET_S,
        ),
        Row("decide: SQL statements per API request", statements, ""),
    ]
