"""Benchmark scenarios. Each returns rows: what was measured, the figure, and its target."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from workflows.bench import floor
from workflows.bench.graphs import wide_graph
from workflows.bench.stats import ms, percentile


@dataclass(frozen=True)
class Row:
    name: str
    value: float
    unit: str
    target: str = ""
    ok: bool | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "target": self.target,
            "ok": self.ok,
        }


def _wait_until(predicate: Any, *, timeout: float, poll: float = 0.005) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the benchmark workload did not finish in time")
        time.sleep(poll)


@dataclass(frozen=True)
class FloorResult:
    instances_per_s: float
    steps_per_s: float
    p50_ms: float
    p95_ms: float


def celery_floor(*, throughput_runs: int, latency_runs: int, length: int = 5) -> FloorResult:
    """A raw Celery chain of `length` no-op tasks: light-load latency, then throughput."""
    run = uuid.uuid4().hex
    for done in range(1, latency_runs + 1):
        floor.send_chain(run, length)
        _wait_until(lambda done=done: len(floor.finished_latencies(run)) >= done, timeout=30)
    latencies = floor.finished_latencies(run)

    run = uuid.uuid4().hex
    started = time.perf_counter()
    for _ in range(throughput_runs):
        floor.send_chain(run, length)
    _wait_until(lambda: len(floor.finished_latencies(run)) >= throughput_runs, timeout=300, poll=0.02)
    elapsed = time.perf_counter() - started
    return FloorResult(
        instances_per_s=round(throughput_runs / elapsed, 1),
        steps_per_s=round(throughput_runs * length / elapsed, 1),
        p50_ms=ms(percentile(latencies, 0.5)),
        p95_ms=ms(percentile(latencies, 0.95)),
    )


def validation_rows(*, repeats: int = 20) -> list[Row]:
    """Validate a 1,000-node graph with the full pipeline (schema, structure, expressions, capabilities)."""
    from workflows.validation import validate_graph

    graph = wide_graph(1000)
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        problems = validate_graph(graph)
        timings.append(time.perf_counter() - started)
    if any(problem.severity == "error" for problem in problems):
        raise RuntimeError(f"the benchmark graph should be valid: {problems[:3]}")
    p95 = ms(percentile(timings, 0.95))
    return [
        Row("validate a 1,000-node graph, p50", ms(percentile(timings, 0.5)), "ms"),
        Row("validate a 1,000-node graph, p95", p95, "ms", "< 50 ms", p95 < 50),
    ]


def api_save_rows(*, user: Any, repeats: int = 20) -> list[Row]:
    """PUT a 1,000-node draft through the REST API (in-process client, real database).
    The first save warms the process (schema compilation, caches) and is reported apart."""
    from rest_framework.test import APIClient

    from workflows.services.definitions import definition_create

    definition = definition_create(
        owner=user, key=f"bench-wide-{uuid.uuid4().hex[:8]}", name="Bench: wide graph"
    )
    client = APIClient()
    client.force_authenticate(user)
    graph = wide_graph(1000)
    body = json.dumps({"graph": graph})
    revision = definition.revision
    timings = []
    for i in range(repeats + 1):
        graph["nodes"][0]["name"] = f"Start {i}"  # a real change each time
        body = json.dumps({"graph": graph})
        started = time.perf_counter()
        response = client.patch(
            f"/api/definitions/{definition.key}/",
            body,
            content_type="application/json",
            HTTP_IF_MATCH=f'"{revision}"',
            HTTP_HOST=settings.ALLOWED_HOSTS[0],
            secure=True,  # production settings redirect plain HTTP
        )
        timings.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(
                f"saving the benchmark graph failed: {response.status_code} {response.content[:300]!r}"
            )
        revision = response.json()["revision"]
    definition.delete()
    first, timings = timings[0], timings[1:]
    p95 = ms(percentile(timings, 0.95))
    return [
        Row("save a 1,000-node graph at the API, first save of the process", ms(first), "ms"),
        Row("save a 1,000-node graph at the API, p50", ms(percentile(timings, 0.5)), "ms"),
        Row("save a 1,000-node graph at the API, p95", p95, "ms", "< 150 ms", p95 < 150),
    ]
