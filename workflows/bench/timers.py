"""Benchmark: a storm of timers due at the same moment.

Expects a running Celery worker (the bench command's `celery_worker`); starts its own
`celery beat`. From `manage.py bench` (or a shell) with a user allowed to start workflows:

    rows = timers.timer_storm_rows(user, timers=10_000)
"""

from __future__ import annotations

import sys
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.db.models import Max
from django.utils import timezone

from workflows.bench.scenarios import Row, _wait_until
from workflows.bench.waits_common import FAR_AWAY, ensure, graph, node, process, start_many
from workflows.models import DueWait, ExecutionEvent, StepExecution, WorkflowInstance

TIMER_KEY = "bench-timer-storm"


def timer_storm_rows(user: Any, *, timers: int = 10_000, lead_seconds: float = 4.0) -> list[Row]:
    """`timers` timers due at the same moment: seconds until the last fired, and how many
    fired more than once (must be 0). Timers are armed far in the future, then their due
    rows are all set to one moment a few seconds ahead, while beat (started here) polls."""
    ensure(user, TIMER_KEY, graph(node("wait", "timer", until="input.at"), {"at": {"type": "string"}}))
    ids = start_many(user, TIMER_KEY, [{"at": FAR_AWAY}] * timers)
    tmp = Path(tempfile.mkdtemp(prefix="flowdesk-bench-beat-"))
    beat = [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel=WARNING",
            f"--schedule={tmp / 'schedule'}"]  # fmt: skip
    with process(beat, tmp / "beat.log"):
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
