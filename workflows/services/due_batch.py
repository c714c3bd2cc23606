"""Fire a batch of claimed timer-like waits in ONE transaction (workflows.services.timers).

A storm of timers due at once used to cost one transaction per wait (BEGIN, lock, read
steps, write, mark fired, COMMIT). Here a batch of claimed `timer`, `signal_timeout` and
`step_timeout` waits is fired together:

1. lock their instances with one `SELECT ... FOR UPDATE SKIP LOCKED` (id order); an
   instance someone else holds (a worker reporting a step) is left out;
2. lock the waits that are still unfired (`fired_at IS NULL`, under the instance locks:
   a wait another firer fired meanwhile, after its claim lapsed, is not fired again);
3. read every locked instance's live steps with one query;
4. decide and apply each event in memory through the usual `Applier` (one event per
   instance per batch: an instance's second due wait is left for afterwards); an event
   that raises is logged and left out (its claim lapses and it is retried later);
5. write all instances' steps, events (sealed per row by the audit trigger) and instance
   rows, mark the fired waits (`fired_at`, in the same statement) and release the claims
   of a suspended instance's held waits, as ONE statement (`runtime.batch_writes`);
6. run each instance's effects, COMMIT; messages and WebSocket pushes leave after commit.

If anything fails at the database (the transaction is rolled back as a whole), the
caller fires the batch's waits one by one instead, so one bad row cannot hold the rest.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection, transaction

from workflows.engine import decide
from workflows.engine.events import Event, StepTimedOut, TimerFired
from workflows.models import DueWait, InstanceStatus, StepExecution, WaitKind, WorkflowInstance
from workflows.runtime.applier import Applier, Writes
from workflows.runtime.batch_writes import (
    ManyWriteBatch,
    load_steps_many,
    lock_instances,
    lock_open_waits,
    write_many,
)
from workflows.runtime.graphs import graph_for_version
from workflows.runtime.repository import build_state

logger = logging.getLogger(__name__)

EVENTS: dict[str, type[TimerFired] | type[StepTimedOut]] = {
    WaitKind.TIMER: TimerFired,
    WaitKind.SIGNAL_TIMEOUT: StepTimedOut,
    WaitKind.STEP_TIMEOUT: StepTimedOut,
}
"""The wait kinds fired in batches: each is one engine event (the others re-send steps)."""


@dataclass
class BatchFired:
    """What a batch did: waits fired and held (suspended), and waits it did not take:
    `left` (instance held elsewhere, or a second wait of one instance) are for the
    one-by-one path now; `failed` (their event raised) keep their claim until it lapses."""

    fired: int = 0
    held: int = 0
    left: list[DueWait] = field(default_factory=list)
    failed: list[DueWait] = field(default_factory=list)


def waits_fire_batch(waits: Sequence[DueWait], *, now: datetime, held_kinds: Sequence[str]) -> BatchFired:
    """Fire claimed waits of the `EVENTS` kinds in one transaction (PostgreSQL).

    A suspended instance's waits of `held_kinds` are held: their claim is released and
    they fire on the first beat after resume. Raises on a database error (nothing of the
    batch is written then)."""
    result = BatchFired()
    # New step ids come from the rng: one generator per batch, seeded from os.urandom now
    # (never shared across a fork), instead of one urandom call per id.
    rng = random.Random()  # noqa: S311 (ids must be unique, not secret)
    first: dict[Any, DueWait] = {}
    for wait in sorted(waits, key=lambda row: (row.due_at, row.pk)):
        if wait.instance_id in first:
            result.left.append(wait)
        else:
            first[wait.instance_id] = wait
    with transaction.atomic():
        with connection.cursor() as cursor:  # see timers.wait_fire: fired_at and the event are lost together
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        instances = lock_instances(first)
        result.left.extend(wait for key, wait in first.items() if key not in instances)
        mine = [first[key] for key in instances]
        still_open = lock_open_waits([wait.pk for wait in mine])
        steps = load_steps_many(instances)
        staged: list[tuple[Applier, Writes]] = []
        fired: list[int] = []
        held: list[int] = []
        for wait in mine:
            instance = instances[wait.instance_id]
            if wait.pk not in still_open:
                continue  # fired by another run meanwhile
            if instance.status == InstanceStatus.SUSPENDED and wait.kind in held_kinds:
                held.append(wait.pk)
                continue
            try:
                event = EVENTS[wait.kind](str(wait.step_id))
                applier = _applied(instance, steps.get(instance.pk, {}), event, now, rng)
                if applier is not None:
                    staged.append((applier, applier.stage()))
            except Exception:  # this event only; the rest of the batch goes on
                logger.exception("could not fire %s wait %s", wait.kind, wait.pk)
                result.failed.append(wait)
                continue
            fired.append(wait.pk)
        tail = ManyWriteBatch()
        tail.update_all(DueWait, fired, {"fired_at": now})
        tail.update_all(DueWait, held, {"claimed_until": None})
        write_many([(applier.instance, writes) for applier, writes in staged], tail)
        for applier, _ in staged:
            applier.written()
    result.fired, result.held = len(fired), len(held)
    return result


def _applied(
    instance: WorkflowInstance,
    steps: dict[str, StepExecution],
    event: Event,
    now: datetime,
    rng: random.Random,
) -> Applier | None:
    """Decide `event` and apply it to the rows in memory (as `instances.apply_locked`);
    None when the core ignores it (the step moved on: nothing to write)."""
    applier = Applier(instance, steps, now=now, actor_id=None)
    graph = graph_for_version(instance.version_id)
    decision = decide(graph, build_state(instance, applier.steps), event, now=now, rng=rng)
    if decision.ignored is not None:
        return None
    applier.apply(decision.commands, decision.state)
    return applier
