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

from django.utils import timezone

from workflows.bench.scenarios import Row, _wait_until
from workflows.bench.waits_common import (
    FAR_AWAY,
    ensure,
    graph,
    node,
    process,
    start_many,
    wait_for_idle_broker,
)
from workflows.models import DueWait, ExecutionEvent, StepExecution, WorkflowInstance

TIMER_KEY = "bench-timer-storm"


def timer_storm_rows(user: Any, *, timers: int = 10_000, lead_seconds: float = 4.0) -> list[Row]:
    """`timers` timers due at the same moment: seconds until the last fired, and how many
    fired more than once (must be 0). Timers are armed far in the future; once beat
    (started here) is up, their due rows are all set to one moment a few seconds ahead.
    "Last fired" is when this process saw the last firing committed (polled every 0.1 s),
    not the moment the firer claimed it."""
    definition = ensure(
        user, TIMER_KEY, graph(node("wait", "timer", until="input.at"), {"at": {"type": "string"}})
    )
    since = timezone.now()
    ids = start_many(user, TIMER_KEY, [{"at": FAR_AWAY}] * timers)
    tmp = Path(tempfile.mkdtemp(prefix="flowdesk-bench-beat-"))
    beat = [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel=WARNING",
            f"--schedule={tmp / 'schedule'}"]  # fmt: skip
    with process(beat, tmp / "beat.log"):
        # Beat writes its schedule file as it starts ticking; its start-up is not the storm.
        _wait_until(lambda: any(tmp.glob("schedule*")), timeout=120, poll=0.1)
        wait_for_idle_broker()
        due = timezone.now() + timedelta(seconds=lead_seconds)
        armed = DueWait.objects.filter(instance_id__in=ids, kind="timer", fired_at__isnull=True).update(
            due_at=due
        )
        if armed != timers:
            raise RuntimeError(f"{armed} of {timers} timers armed")
        # The instance completes in the transaction that fires its timer. Polled through the
        # (status, created_at) index: cheap, so the poll does not slow the storm down.
        running = WorkflowInstance.objects.filter(
            definition=definition, status="running", created_at__gte=since
        )
        _wait_until(lambda: not running.exists(), timeout=600, poll=0.1)
        seen = timezone.now()
    waits = StepExecution.objects.filter(instance_id__in=ids, node_id="wait")
    seconds = round((seen - due).total_seconds(), 2)
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
