"""Apply accepted signals to many instances in ONE transaction (PostgreSQL).

`signal_apply.signals_apply` used a transaction of up to 20 instances, but every instance
still cost its own statements (lock, read its signals, read its steps, the engine's
writes, disarm, mark the row): about ten per signal. A burst of signals completing
instances was applied at 100-200/s. Here a batch goes the way a storm of timers does
(workflows.services.due_batch, runtime.batch_writes):

1. lock the instances with one `SELECT ... FOR UPDATE SKIP LOCKED` (id order); one held
   elsewhere is left for the one-by-one path;
2. lock their `accepted` signals (up to the newest id asked for) with one query; an
   instance with more than one is left for the one-by-one path too (it applies them in
   order, each on the state the previous one left);
3. read every locked instance's live steps with one query;
4. per instance, find the oldest live signal step waiting for the name, decide
   `SignalReceived` and apply it in memory (`Applier.stage()`), as `apply_locked` would;
   no such step: the row is `not_delivered` with the reason, nothing else changes;
5. delete the delivered steps' timeout waits (one statement), then write all instances'
   steps, events and rows plus every signal row's outcome as ONE statement;
6. run the effects; after COMMIT the messages and pushes leave.

An instance whose event raises is left out of the batch (nothing of it is staged) and
goes the one-by-one path, which records the failure on its rows. A database error rolls
the whole batch back; the caller then applies its instances one by one.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db import transaction

from workflows.engine import decide
from workflows.engine.events import SignalReceived
from workflows.models import DueWait, ReceivedSignal, StepExecution, StepStatus, WorkflowInstance
from workflows.models.signals import SignalStatus
from workflows.runtime.applier import Applier, Writes
from workflows.runtime.batch_writes import ManyWriteBatch, load_steps_many, lock_instances, write_many
from workflows.runtime.graphs import graph_for_version
from workflows.runtime.repository import build_state

logger = logging.getLogger(__name__)


@dataclass
class BatchApplied:
    """Rows settled by the batch, and the instances it left for the one-by-one path."""

    settled: int = 0
    left: list[UUID] = field(default_factory=list)


def signals_apply_batch(newest: Mapping[UUID, int], *, now: datetime) -> BatchApplied:
    """Apply each instance's accepted signal (ids up to `newest[instance]`) in one
    transaction, as the module doc says. Raises on a database error (nothing written)."""
    result = BatchApplied()
    rng = random.Random()  # noqa: S311 (new step ids must be unique, not secret)
    with transaction.atomic():
        instances = lock_instances(newest)
        result.left.extend(key for key in newest if key not in instances)
        pending: dict[UUID, list[ReceivedSignal]] = {}
        rows = ReceivedSignal.objects.select_for_update(of=("self",)).filter(
            instance_id__in=list(instances), status=SignalStatus.ACCEPTED
        )
        for signal in rows.order_by("pk"):
            if signal.pk <= newest[signal.instance_id]:
                pending.setdefault(signal.instance_id, []).append(signal)
        single = {key: signals[0] for key, signals in pending.items() if len(signals) == 1}
        result.left.extend(key for key, signals in pending.items() if len(signals) > 1)
        steps = load_steps_many(single)
        staged: list[tuple[Applier, Writes]] = []
        outcomes: list[tuple[Any, dict[str, Any]]] = []
        disarm: list[Any] = []
        for key, signal in single.items():
            try:
                outcome = _decided(instances[key], steps.get(key, {}), signal, now, rng)
            except Exception:  # this instance only: the one-by-one path records why
                logger.exception("could not apply signal %s in a batch", signal.pk)
                result.left.append(key)
                continue
            applier, values, timeout_step = outcome
            if applier is not None:
                staged.append((applier, applier.stage()))
            if timeout_step is not None:
                disarm.append(timeout_step)
            outcomes.append((signal.pk, {**values, "applied_at": now}))
        if disarm:
            DueWait.objects.filter(step_id__in=disarm, fired_at__isnull=True).delete()
        tail = ManyWriteBatch()
        tail.update_rows(ReceivedSignal, outcomes)
        write_many([(applier.instance, writes) for applier, writes in staged], tail)
        for applier, _ in staged:
            applier.written()
    result.settled = len(outcomes)
    return result


@dataclass(frozen=True)
class WaitingMatch:
    """Which live signal step a signal goes to: `step` (id, node id, has a timeout) or None,
    and the names the instance waits for (for the reason when none matches)."""

    step: tuple[Any, str, bool] | None
    names: list[str]


def waiting_match(graph: Any, waiting: Sequence[tuple[Any, str]], name: str) -> WaitingMatch:
    """The oldest of `waiting` ((step id, node id) of live signal steps, oldest first) whose
    node in `graph` waits for `name`. Both apply paths decide with it."""
    specs = {node_id: graph.node(node_id).spec for _, node_id in waiting}
    names = [str(getattr(specs[node_id], "name", None)) for _, node_id in waiting]
    for step_id, node_id in waiting:
        spec = specs[node_id]
        if getattr(spec, "name", None) == name:
            return WaitingMatch((step_id, node_id, getattr(spec, "timeout", None) is not None), names)
    return WaitingMatch(None, names)


def not_waiting_reason(instance: WorkflowInstance, name: str, waiting_for: list[str]) -> str:
    waits = ", ".join(sorted(set(waiting_for))) or "no signal"
    return f"not_waiting_for_signal: by then the instance was {instance.status}, waiting for {waits}, not {name!r}"[
        :500
    ]


def _decided(
    instance: WorkflowInstance,
    steps: dict[str, StepExecution],
    signal: ReceivedSignal,
    now: datetime,
    rng: random.Random,
) -> tuple[Applier | None, dict[str, Any], Any]:
    """(the applier with the event applied in memory or None, the signal row's new values,
    the delivered step's id when its timeout wait must go)."""
    live = sorted(
        (step for step in steps.values() if step.node_type == "signal" and step.status == StepStatus.WAITING),
        key=lambda step: (step.created_at, step.visit),
    )
    graph = graph_for_version(instance.version_id)
    match = waiting_match(graph, [(step.pk, step.node_id) for step in live], signal.name)
    if match.step is None:
        return None, _undelivered(not_waiting_reason(instance, signal.name, match.names)), None
    step_id, node_id, has_timeout = match.step
    applier = Applier(instance, steps, now=now, actor_id=signal.sent_by_id)
    event = SignalReceived(str(step_id), signal.payload)
    decision = decide(graph, build_state(instance, applier.steps), event, now=now, rng=rng)
    if decision.ignored is not None:  # cannot happen under the lock; record it rather than loop
        return None, _undelivered(f"the engine ignored it: {decision.ignored}"), None
    applier.apply(decision.commands, decision.state)
    delivered = {"status": SignalStatus.DELIVERED, "reason": "", "step_id": step_id, "node_id": node_id}
    return applier, delivered, step_id if has_timeout else None


def _undelivered(reason: str) -> dict[str, Any]:
    return {"status": SignalStatus.NOT_DELIVERED, "reason": reason[:500], "step_id": None, "node_id": ""}
