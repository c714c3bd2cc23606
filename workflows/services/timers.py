"""Fire durable waits that came due (the beat task `fire_due_waits_task` calls this).

Rows are claimed in batches with `FOR UPDATE SKIP LOCKED` (two beat runs or two
workers never take the same row) by setting `claimed_until`. Timer-like waits are then
fired FLOWDESK_DUE_WAITS_PER_TRANSACTION at a time in one transaction that also sets
their `fired_at` (workflows.services.due_batch); the others, and any a batch could not
take, each in its own transaction that also sets `fired_at`. If the worker dies in
between, the claim lapses and another run fires it. Firing is idempotent: the engine ignores an event for
a step that is no longer live, and the adapter transitions check the attempt.

* retry: the step is still retrying on that attempt -> scheduled, dispatched.
* timer -> `TimerFired`; signal_timeout / step_timeout -> `StepTimedOut`.
* circuit / dispatch: the step is still scheduled on that attempt -> sent again.
* compensation: the compensation is still waiting on that attempt -> sent.

A suspended instance holds its timer, signal-timeout and step-timeout waits: they are
not claimed while it is suspended and fire on the first beat after it is resumed.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from workflows.engine.events import StepTimedOut, TimerFired
from workflows.models import DueWait, InstanceStatus, StepExecution, StepStatus, WaitKind, WorkflowInstance
from workflows.runtime.applier import Applier
from workflows.runtime.repository import lock_instance
from workflows.services.due_batch import EVENTS, waits_fire_batch
from workflows.services.instances import apply_locked

logger = logging.getLogger(__name__)
CLAIM_SECONDS = 60
FIRE_TASK = "workflows.fire_due_waits"
HELD_WHILE_SUSPENDED = (WaitKind.TIMER, WaitKind.SIGNAL_TIMEOUT, WaitKind.STEP_TIMEOUT)
"""Time-based engine events a suspended instance holds; they fire on the first beat after resume."""


def due_waits_fire(*, now: datetime | None = None, batch: int | None = None, fan_out: bool = False) -> int:
    """Fire every wait due at `now` (default: now); return how many were fired.

    With `fan_out` (the beat task), a full batch also sends one more firing task, so a
    storm of waits due at once is shared by every free worker process (each claims its
    own rows with SKIP LOCKED) instead of queueing behind one."""
    size = batch or settings.FLOWDESK_DUE_WAITS_BATCH
    fired = 0
    while True:
        moment = now or timezone.now()
        claimed = _claim(moment, size)
        if fan_out and len(claimed) == size:
            _send_helper()
            fan_out = False
        fired += _fire_claimed(claimed, moment)
        if len(claimed) < size:
            return fired


def _fire_claimed(claimed: list[DueWait], now: datetime) -> int:
    """Fire claimed waits: the timer-like ones in batches of one transaction each
    (PostgreSQL, `due_batch`), the rest (and whatever a batch left) one by one."""
    single: list[DueWait] = []
    fired = 0
    if connection.vendor == "postgresql":
        batchable = [wait for wait in claimed if wait.kind in EVENTS]
        single = [wait for wait in claimed if wait.kind not in EVENTS]
        step = max(1, settings.FLOWDESK_DUE_WAITS_PER_TRANSACTION)
        for start in range(0, len(batchable), step):
            part = batchable[start : start + step]
            try:
                done = waits_fire_batch(part, now=now, held_kinds=HELD_WHILE_SUSPENDED)
            except Exception:  # a database error rolled the batch back: fire its waits one by one
                logger.exception("could not fire a batch of %d waits; firing them one by one", len(part))
                single.extend(part)
                continue
            fired += done.fired
            single.extend(done.left)
    else:
        single = claimed
    for wait in single:
        try:
            wait_fire(wait, now=now)
            fired += 1
        except Exception:  # one bad row must not stop the others; its claim lapses
            logger.exception("could not fire %s wait %s", wait.kind, wait.pk)
    return fired


def _claim(now: datetime, size: int) -> list[DueWait]:
    with transaction.atomic():
        if connection.vendor == "postgresql":  # a claim lost in a crash only frees its rows again
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        rows = list(
            DueWait.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(fired_at__isnull=True, due_at__lte=now)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .exclude(kind__in=HELD_WHILE_SUSPENDED, instance__status=InstanceStatus.SUSPENDED)
            .order_by("due_at")[:size]
        )
        if rows:
            until = now + timedelta(seconds=CLAIM_SECONDS)
            DueWait.objects.filter(pk__in=[row.pk for row in rows]).update(claimed_until=until)
    return rows


def _send_helper() -> None:
    from celery import current_app

    try:
        current_app.send_task(FIRE_TASK, expires=60)
    except Exception:  # the broker is down: the next beat tick fires the rest
        logger.warning("could not send a helper %s task", FIRE_TASK, exc_info=True)


def wait_fire(wait: DueWait, *, now: datetime) -> None:
    """Fire one claimed wait in its own transaction (instance lock first).

    On PostgreSQL the commit does not wait for the WAL flush (`synchronous_commit off`,
    this transaction only): a crash may lose the last fraction of a second of fires, but
    the event and the wait's `fired_at` are lost together, so the wait fires again; never
    half of it. That keeps a storm of timers from queueing on disk flushes."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        instance = lock_instance(wait.instance_id)
        if instance.status == InstanceStatus.SUSPENDED and wait.kind in HELD_WHILE_SUSPENDED:
            DueWait.objects.filter(pk=wait.pk).update(claimed_until=None)  # held until resumed
            return
        step_id = str(wait.step_id)
        if wait.kind == WaitKind.TIMER:
            apply_locked(instance, TimerFired(step_id), now=now)
        elif wait.kind in (WaitKind.SIGNAL_TIMEOUT, WaitKind.STEP_TIMEOUT):
            apply_locked(instance, StepTimedOut(step_id), now=now)
        else:
            row = StepExecution.objects.filter(pk=wait.step_id).first()
            if row is not None:
                _redispatch(instance, row, wait, now)
        DueWait.objects.filter(pk=wait.pk).update(fired_at=now)


def _redispatch(instance: WorkflowInstance, row: StepExecution, wait: DueWait, now: datetime) -> None:
    applier = Applier(instance, {}, now=now, actor_id=None)
    applier.adopt(row)
    if wait.kind == WaitKind.RETRY:
        if row.status == StepStatus.RETRYING and row.attempt == wait.attempt:
            applier.dispatch_retry(row)
    elif wait.kind in (WaitKind.CIRCUIT, WaitKind.DISPATCH):
        if row.status == StepStatus.SCHEDULED and row.attempt == wait.attempt:
            row.not_before = None
            applier.resend(row)
    elif (
        wait.kind == WaitKind.COMPENSATION
        and row.status == StepStatus.COMPENSATING
        and row.compensation_attempt == wait.attempt
    ):
        row.not_before = None
        applier.resend(row)
    applier.finish()  # a suspended instance keeps the step scheduled; resume sends it
