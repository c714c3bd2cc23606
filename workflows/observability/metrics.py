"""Prometheus metrics: what happened (counters and histograms, fed by the event stream) and
what is (gauges read from the database at scrape time: workflows.observability.metrics_db).

Across processes
----------------
Counters and histograms are counted where the work happens: the Celery worker process
that finished a step, the web process that started an instance or holds a socket. Two
modes make /metrics right across those processes:

* one process (standalone): the default in-process registry;
* several processes on one host (daphne workers, Celery prefork children): set the
  standard `PROMETHEUS_MULTIPROC_DIR` to a directory shared by all of them and emptied
  at deploy; prometheus_client then keeps each process's values in memory-mapped files
  and /metrics adds them up (the WebSocket gauge counts live processes only). Hosts that
  run only workers serve their own numbers with FLOWDESK_METRICS_WORKER_PORT.

Gauges that describe the state of the system (instances by status, steps in flight,
open approvals, SLA breaches, the oldest queued step) are never counted in a process:
they are read from the database at scrape time, so every process answers the same.

Feeding
-------
Step outcomes come from the execution event stream after commit (the publisher's
observers): `step_succeeded`, `step_failed`, `step_retrying`, ... of task steps. The
event does not carry the action or the start time, so the observer hands the step ids
to a background thread that reads them in batches (one query per batch, at most every
`BATCH_SECONDS`), keeping the engine's own transaction path free of extra queries.
Queue wait is measured from a timestamp header the publishing process puts on every
Celery message to the moment a worker starts the task (hosts' clocks must agree).
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from prometheus_client import Counter, Gauge, Histogram

logger = logging.getLogger(__name__)

DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800)
WAIT_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)
BATCH_SECONDS = 0.5
BATCH_SIZE = 500

STEPS = Counter(
    "flowdesk_steps", "Task step attempts that ended, by action and outcome", ["action", "status"]
)
STEP_DURATION = Histogram(
    "flowdesk_step_duration_seconds",
    "Time from a worker starting a task step attempt to its outcome being recorded",
    ["action"],
    buckets=DURATION_BUCKETS,
)
QUEUE_WAIT = Histogram(
    "flowdesk_step_queue_wait_seconds",
    "Time a step's Celery message waited between being sent and a worker starting it",
    ["action"],
    buckets=WAIT_BUCKETS,
)
INSTANCES_STARTED = Counter("flowdesk_instances_started", "Instances started", ["definition"])
INSTANCES_FINISHED = Counter(
    "flowdesk_instances_finished", "Instances that reached a final status", ["definition", "status"]
)
EVENTS = Counter("flowdesk_events_committed", "Execution events committed and published", ["kind"])
WEBSOCKETS = Gauge(
    "flowdesk_websocket_connections",
    "Open WebSocket connections, by route",
    ["route"],
    multiprocess_mode="livesum",
)

STEP_OUTCOMES = {
    "step_succeeded": "succeeded",
    "step_failed": "failed",
    "step_retrying": "retrying",
    "step_skipped": "skipped",
    "step_cancelled": "cancelled",
}
TIMED_OUTCOMES = {"succeeded", "failed", "retrying"}
FINAL_INSTANCE_EVENTS = {
    "instance_completed": "completed",
    "instance_failed": "failed",
    "instance_cancelled": "cancelled",
    "instance_compensated": "compensated",
}


def multiprocess() -> bool:
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


# -- the event-stream observer ---------------------------------------------------------


def observe_events(instance_id: Any, definition_key: str, events: Sequence[Any]) -> None:
    """Publisher observer: count instance lifecycle events now, queue step outcomes."""
    pending: list[tuple[str, str, datetime]] = []
    for event in events:
        kind = event.type
        EVENTS.labels("step" if kind.startswith("step_") else "instance").inc()
        if kind == "instance_started":
            INSTANCES_STARTED.labels(definition_key).inc()
        elif kind in FINAL_INSTANCE_EVENTS:
            INSTANCES_FINISHED.labels(definition_key, FINAL_INSTANCE_EVENTS[kind]).inc()
        elif kind in STEP_OUTCOMES and event.step_id is not None:
            pending.append((str(event.step_id), STEP_OUTCOMES[kind], event.created_at))
    if pending:
        _recorder().put(pending)


class _StepRecorder:
    """A daemon thread turning queued (step id, outcome, time) into step metrics in batches."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.queue: queue.SimpleQueue[list[tuple[str, str, datetime]]] = queue.SimpleQueue()
        self.idle = threading.Event()
        self.idle.set()
        thread = threading.Thread(target=self._run, name="flowdesk-step-metrics", daemon=True)
        thread.start()

    def put(self, items: list[tuple[str, str, datetime]]) -> None:
        self.idle.clear()
        self.queue.put(items)

    def _run(self) -> None:
        while True:
            batch = list(self.queue.get())
            deadline = time.monotonic() + BATCH_SECONDS
            while len(batch) < BATCH_SIZE:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                try:
                    batch.extend(self.queue.get(timeout=left))
                except queue.Empty:
                    break
            try:
                record_steps(batch)
            except Exception:
                logger.warning("could not record step metrics", exc_info=True)
            finally:
                from django.db import connection

                connection.close()  # this thread's own connection: do not hold one between batches
                if self.queue.empty():
                    self.idle.set()

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until everything queued so far is recorded (tests, shutdown)."""
        return self.idle.wait(timeout)


_recorder_instance: _StepRecorder | None = None
_recorder_lock = threading.Lock()


def _recorder() -> _StepRecorder:
    global _recorder_instance
    with _recorder_lock:
        if _recorder_instance is None or _recorder_instance.pid != os.getpid():
            _recorder_instance = _StepRecorder()
        return _recorder_instance


def flush(timeout: float = 5.0) -> bool:
    return _recorder().flush(timeout)


def record_steps(items: Sequence[tuple[str, str, datetime]]) -> None:
    """Count each outcome of a task step and time it from its attempt's start. One query."""
    from workflows.models import StepExecution

    rows = {
        str(pk): (action, started_at)
        for pk, action, started_at in StepExecution.objects.filter(
            pk__in={step_id for step_id, _, _ in items}
        ).values_list("pk", "action", "started_at")
    }
    for step_id, outcome, at in items:
        found = rows.get(step_id)
        if found is None or not found[0]:
            continue  # not a task step (no action), or purged already
        action, started_at = found
        STEPS.labels(action, outcome).inc()
        if outcome in TIMED_OUTCOMES and started_at is not None and at >= started_at:
            STEP_DURATION.labels(action).observe((at - started_at).total_seconds())


# -- other feeds -----------------------------------------------------------------------


def observe_queue_wait(action: str, seconds: float) -> None:
    if seconds >= 0:
        QUEUE_WAIT.labels(action or "unknown").observe(seconds)


def websocket_connections(route: str, delta: int) -> None:
    WEBSOCKETS.labels(route).inc(delta)
