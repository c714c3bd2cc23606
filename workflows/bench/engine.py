"""The engine's own figures: a linear workflow of 5 core.echo tasks on a real worker.

Measured the way a user sees it: `instance_start` commits and dispatches, the worker
runs the steps, and the instance row records when it finished.
"""

from __future__ import annotations

import time
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.celery import app
from workflows.bench.graphs import linear_echo_graph
from workflows.bench.published import ensure_published
from workflows.bench.scenarios import FloorResult, Row, _wait_until
from workflows.bench.stats import ms, percentile
from workflows.models import WorkflowDefinition
from workflows.models.instances import InstanceStatus, WorkflowInstance
from workflows.services.instances import instance_start

BENCH_KEY = "bench-linear-5"
TASKS = 5
FINISHED = (
    InstanceStatus.COMPLETED,
    InstanceStatus.FAILED,
    InstanceStatus.CANCELLED,
    InstanceStatus.COMPENSATED,
)


def ensure_bench_definition(user: Any) -> WorkflowDefinition:
    """The published benchmark workflow: 5 core.echo tasks in a line."""
    return ensure_published(user, key=BENCH_KEY, graph=linear_echo_graph(TASKS), name="Bench: 5 echo tasks")


def _start(user: Any, n: int) -> WorkflowInstance:
    return instance_start(definition_key=BENCH_KEY, input={"n": n}, started_by=user)


def _latencies(ids: list[Any]) -> list[float]:
    rows = WorkflowInstance.objects.filter(id__in=ids).values_list("created_at", "finished_at", "status")
    failed = [status for _, _, status in rows if status != InstanceStatus.COMPLETED]
    if failed:
        raise RuntimeError(f"{len(failed)} benchmark instances did not complete: {failed[:3]}")
    return [(finished - created).total_seconds() for created, finished, _ in rows]


def _finished_count(ids: list[Any]) -> int:
    return WorkflowInstance.objects.filter(id__in=ids, status__in=FINISHED).count()


def sql_per_step(user: Any) -> float:
    """SQL statements per task step for one instance, its steps run in this process.

    Call with no worker consuming: the messages `instance_start` sends are purged and
    the same task function the worker runs is called here instead, so every statement
    of the start and of each step (claim, action, record, next dispatch) is counted.
    """
    from workflows.models.steps import StepExecution
    from workflows.tasks import run_step_task

    with CaptureQueriesContext(connection) as queries:
        instance = _start(user, 0)
        for _ in range(TASKS * 2):
            step = StepExecution.objects.filter(instance=instance, status="scheduled").first()
            if step is None:
                break
            run_step_task.apply(args=[str(step.id), step.attempt], kwargs={"action": "core.echo"})
    app.control.purge()
    instance.refresh_from_db()
    if instance.status != InstanceStatus.COMPLETED:
        raise RuntimeError(f"the in-process benchmark instance ended {instance.status}")
    looked_up = sum(
        1
        for query in queries
        if 'FROM "workflows_stepexecution" WHERE' in query["sql"]
        and "\"status\" = 'scheduled'" in query["sql"]
        and "LIMIT 1" in query["sql"]
    )
    return round((len(queries) - looked_up) / TASKS, 1)


def sql_rows(user: Any) -> list[Row]:
    ensure_bench_definition(user)
    queries = sql_per_step(user)
    return [Row("engine: SQL statements per task step", queries, "", "<= 8", queries <= 8)]


def engine_rows(*, user: Any, floor: FloorResult, instances: int, latency_runs: int) -> list[Row]:
    """Latency at light load, then throughput, of the linear workflow on the running worker."""
    ensure_bench_definition(user)

    latency_ids = []
    for n in range(latency_runs):
        instance = _start(user, n)
        latency_ids.append(instance.id)
        _wait_until(lambda id=instance.id: _finished_count([id]) == 1, timeout=30)
    latencies = _latencies(latency_ids)

    started = time.perf_counter()
    ids = [_start(user, n).id for n in range(instances)]
    _wait_until(lambda: _finished_count(ids) == len(ids), timeout=600, poll=0.05)
    elapsed = time.perf_counter() - started
    _latencies(ids)  # every one completed

    per_s = round(instances / elapsed, 1)
    steps_per_s = round(instances * TASKS / elapsed, 1)
    p95 = ms(percentile(latencies, 0.95))
    ratio = round(per_s / floor.instances_per_s, 2) if floor.instances_per_s else 0.0
    return [
        Row("engine, 5 echo tasks: instances/s", per_s, "/s"),
        Row("engine, 5 echo tasks: steps/s", steps_per_s, "/s", ">= 200/s", steps_per_s >= 200),
        Row("engine, 5 echo tasks: latency p50", ms(percentile(latencies, 0.5)), "ms"),
        Row("engine, 5 echo tasks: latency p95", p95, "ms", "< 100 ms", p95 < 100),
        Row("engine throughput / raw Celery chain", ratio, "x", ">= 0.5", ratio >= 0.5),
    ]
