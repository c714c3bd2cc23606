"""Celery signal handlers: carry the correlation id (and a sent-at time) on every message,
restore the id around each task, measure queue wait, and set up per-process telemetry."""

from __future__ import annotations

import os
import time
from typing import Any

from celery import signals

from workflows.observability import correlation

SENT_AT_HEADER = "flowdesk_sent_at"
RUN_STEP = "workflows.run_step"
_tokens: dict[str, Any] = {}


def _before_publish(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    if headers is None:
        return
    current = correlation.current()
    if current and not headers.get(correlation.CELERY_HEADER):
        headers[correlation.CELERY_HEADER] = current
    headers.setdefault(SENT_AT_HEADER, time.time())


def _prerun(task_id: str = "", task: Any = None, kwargs: dict[str, Any] | None = None, **rest: Any) -> None:
    request = getattr(task, "request", None)
    value = correlation.clean(getattr(request, correlation.CELERY_HEADER, None)) or correlation.new_id()
    _tokens[task_id] = correlation.set_current(value)
    sent_at = getattr(request, SENT_AT_HEADER, None)
    if getattr(task, "name", "") == RUN_STEP and isinstance(sent_at, int | float):
        from workflows.observability.metrics import observe_queue_wait

        observe_queue_wait(str((kwargs or {}).get("action") or ""), time.time() - float(sent_at))


def _postrun(task_id: str = "", **rest: Any) -> None:
    token = _tokens.pop(task_id, None)
    if token is not None:
        try:
            correlation.reset(token)
        except ValueError:  # reset from another context (a pool quirk): just clear it
            correlation.set_current("")


def _worker_process_init(**kwargs: Any) -> None:
    from workflows.observability import tracing

    tracing.instrument_celery()


def _worker_ready(**kwargs: Any) -> None:
    from workflows.observability.exporter import start_worker_exporter

    start_worker_exporter()
    _worker_process_init()


def _worker_process_shutdown(pid: int | None = None, **kwargs: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid or os.getpid())


def connect() -> None:
    signals.before_task_publish.connect(_before_publish, weak=False, dispatch_uid="flowdesk-corr-publish")
    signals.task_prerun.connect(_prerun, weak=False, dispatch_uid="flowdesk-corr-prerun")
    signals.task_postrun.connect(_postrun, weak=False, dispatch_uid="flowdesk-corr-postrun")
    signals.worker_process_init.connect(_worker_process_init, weak=False, dispatch_uid="flowdesk-otel-init")
    signals.worker_ready.connect(_worker_ready, weak=False, dispatch_uid="flowdesk-worker-ready")
    signals.worker_process_shutdown.connect(
        _worker_process_shutdown, weak=False, dispatch_uid="flowdesk-metrics-dead"
    )
