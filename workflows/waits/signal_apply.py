"""Apply accepted signals to their instances (the worker's half of signal delivery).

`signals_apply(ids)` groups the ids by instance and, per instance, holding the instance
lock (lock order step 1, workflows.services.instances), takes every signal of that
instance still `accepted` up to the newest id asked for, oldest first (so two batches on
two workers keep the order in which the API accepted them). Up to TRANSACTION_INSTANCES
instances share one transaction (one commit), locked in id order; if any of them fails
the transaction rolls back and each is applied in a transaction of its own:

* the oldest live signal step waiting for the signal's name gets
  `SignalReceived(step, payload)` through the engine (its output is the payload), its
  timeout wait is disarmed, and the row becomes `delivered` with that step;
* no such step any more (it timed out, was cancelled, another signal took it, the
  instance ended): the row becomes `not_delivered` with the reason; nothing else changes.

On PostgreSQL, instances with one accepted signal are first applied BATCH_INSTANCES to a
transaction with a few statements for the whole batch (`signal_batch`); what a batch
leaves (an instance held elsewhere, one with several signals, one whose event raised)
goes the way above.

A row already `delivered` or `not_delivered` is skipped, so a redelivered message, two
workers on one batch and the sweep (`signals_apply_pending`) never apply one twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from workflows.engine.events import SignalReceived
from workflows.models import ReceivedSignal, StepExecution, StepStatus, WorkflowInstance
from workflows.models.signals import SignalStatus
from workflows.runtime.graphs import graph_for_version
from workflows.runtime.repository import lock_instance
from workflows.services.instances import apply_locked
from workflows.waits.signal_batch import WaitingMatch, not_waiting_reason, signals_apply_batch, waiting_match
from workflows.waits.timers import waits_disarm

logger = logging.getLogger(__name__)

PENDING_GRACE_SECONDS = 10.0
"""How old an `accepted` row must be before the sweep applies it (its message may still be on its way)."""
PENDING_BATCH = 500
TRANSACTION_INSTANCES = 20
"""Instances applied in one transaction (locked in id order); a failure redoes them one by one."""
BATCH_INSTANCES = 100
"""Instances whose one accepted signal is applied in one batched transaction (PostgreSQL: `signal_batch`)."""


def signals_apply(signal_ids: Iterable[int], *, skip_locked: bool = False) -> int:
    """Apply the accepted signals `signal_ids` (and older accepted ones of the same
    instances); return how many rows this call settled. Safe to run twice. With
    `skip_locked`, an instance locked by someone else is left alone (the sweep: whoever
    holds it is applying its signals, or the next sweep will)."""
    newest: dict[UUID, int] = {}
    rows = ReceivedSignal.objects.filter(pk__in=list(signal_ids), status=SignalStatus.ACCEPTED)
    for instance_id, pk in rows.values_list("instance_id", "pk"):
        newest[instance_id] = max(pk, newest.get(instance_id, pk))
    order = sorted(newest)  # one lock order for every batch
    settled = 0
    if connection.vendor == "postgresql" and len(order) > 1:
        order, settled = _apply_batches(order, newest)
    for start in range(0, len(order), TRANSACTION_INSTANCES):
        chunk = order[start : start + TRANSACTION_INSTANCES]
        if len(chunk) > 1:
            try:
                with transaction.atomic():
                    settled += sum(_apply_locked(i, newest[i], skip_locked=skip_locked) for i in chunk)
                continue
            except Exception:  # one was refused, or a deadlock: each on its own, so no other waits for it
                logger.info("a batch of %d instances rolled back; applying them one by one", len(chunk))
        settled += sum(_apply_instance(i, newest[i], skip_locked=skip_locked) for i in chunk)
    return settled


def _apply_batches(order: list[UUID], newest: dict[UUID, int]) -> tuple[list[UUID], int]:
    """Apply BATCH_INSTANCES instances a transaction (`signal_batch`); return the instances
    left for the one-by-one path and the rows settled. A batch that fails at the database
    leaves all its instances to that path."""
    left: list[UUID] = []
    settled = 0
    for start in range(0, len(order), BATCH_INSTANCES):
        chunk = order[start : start + BATCH_INSTANCES]
        try:
            applied = signals_apply_batch({key: newest[key] for key in chunk}, now=timezone.now())
        except DatabaseError:
            logger.info("a batch of %d instances rolled back; applying them one by one", len(chunk))
            left.extend(chunk)
            continue
        settled += applied.settled
        left.extend(applied.left)
    return sorted(left), settled


def signals_apply_pending(*, older_than: float | None = None, limit: int = PENDING_BATCH) -> int:
    """The sweep: apply `accepted` rows older than `older_than` seconds (default
    FLOWDESK_SIGNAL_PENDING_GRACE_SECONDS), whose message was lost or is late."""
    grace = older_than if older_than is not None else _grace()
    cutoff = timezone.now() - timedelta(seconds=grace)
    ids = list(
        ReceivedSignal.objects.filter(status=SignalStatus.ACCEPTED, received_at__lte=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    return signals_apply(ids, skip_locked=True) if ids else 0


def _grace() -> float:
    return float(getattr(settings, "FLOWDESK_SIGNAL_PENDING_GRACE_SECONDS", PENDING_GRACE_SECONDS))


def _apply_locked(instance_id: UUID, up_to: int, *, skip_locked: bool) -> int:
    """Lock the instance and apply its accepted signals up to `up_to`. Precondition: in a transaction."""
    if skip_locked and not _try_lock(instance_id):
        return 0
    try:
        instance = lock_instance(instance_id)
    except WorkflowInstance.DoesNotExist:
        return 0  # deleted: its signals went with it
    pending = list(
        ReceivedSignal.objects.select_for_update(of=("self",))
        .filter(instance_id=instance_id, status=SignalStatus.ACCEPTED, pk__lte=up_to)
        .select_related("sent_by")
        .order_by("pk")
    )
    for n, signal in enumerate(pending):
        if n:  # the row as the previous signal left it (our lock: no wait)
            instance = lock_instance(instance_id)
        _apply_one(instance, signal)
    return len(pending)


def _apply_instance(instance_id: UUID, up_to: int, *, skip_locked: bool = False) -> int:
    """`_apply_locked` in a transaction of its own; an engine refusal is recorded on the rows."""
    try:
        with transaction.atomic():
            return _apply_locked(instance_id, up_to, skip_locked=skip_locked)
    except DatabaseError:
        raise  # transient: the row stays accepted, a redelivery or the sweep retries it
    except Exception as exc:  # the engine refused it: record why instead of retrying forever
        logger.exception("applying signals to instance %s failed", instance_id)
        reason = f"failed to apply: {type(exc).__name__}: {exc}"[:500]
        return ReceivedSignal.objects.filter(
            instance_id=instance_id, status=SignalStatus.ACCEPTED, pk__lte=up_to
        ).update(status=SignalStatus.NOT_DELIVERED, reason=reason, applied_at=timezone.now())


def _try_lock(instance_id: UUID) -> bool:
    """Lock the instance row unless another transaction holds it (then False)."""
    locked = WorkflowInstance.objects.select_for_update(skip_locked=True).filter(pk=instance_id)
    return locked.values_list("pk", flat=True).first() is not None


def _apply_one(instance: WorkflowInstance, signal: ReceivedSignal) -> None:
    """Deliver one accepted signal. Precondition: the instance and signal rows are locked."""
    now = timezone.now()
    match = _waiting_step(instance, signal.name)
    if match.step is None:
        _settle(
            signal,
            SignalStatus.NOT_DELIVERED,
            now=now,
            reason=not_waiting_reason(instance, signal.name, match.names),
        )
        return
    step_id, node_id, has_timeout = match.step
    applied = apply_locked(
        instance, SignalReceived(str(step_id), signal.payload), actor=signal.sent_by, now=now
    )
    if applied.ignored is not None:  # cannot happen under the lock; record it rather than loop
        _settle(
            signal, SignalStatus.NOT_DELIVERED, now=now, reason=f"the engine ignored it: {applied.ignored}"
        )
        return
    if has_timeout:
        waits_disarm(step_ids=[step_id])
    _settle(signal, SignalStatus.DELIVERED, now=now, step_id=step_id, node_id=node_id)


def _waiting_step(instance: WorkflowInstance, name: str) -> WaitingMatch:
    """`waiting_match` over the instance's live signal steps. Precondition: the instance row is locked."""
    waiting = list(
        StepExecution.objects.filter(instance_id=instance.pk, node_type="signal", status=StepStatus.WAITING)
        .order_by("created_at", "visit")
        .values_list("id", "node_id")
    )
    return waiting_match(graph_for_version(instance.version_id), waiting, name)


def _settle(signal: ReceivedSignal, status: str, *, now: Any, reason: str = "", step_id: Any = None,
            node_id: str = "") -> None:  # fmt: skip
    signal.status, signal.reason, signal.applied_at = status, reason, now
    signal.step_id, signal.node_id = step_id, node_id
    signal.save(update_fields=["status", "reason", "applied_at", "step_id", "node_id"])
