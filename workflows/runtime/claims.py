"""Workers claim step attempts: scheduled -> running, exactly once per attempt.

On PostgreSQL the claim is ONE statement: it locks the instance row (first, as the
locking policy requires), moves the step scheduled -> running when it is still on that
attempt and its instance is running (not suspended), appends the `step_started` event
with the instance's next sequence number, and returns what the worker needs. A
duplicate or late message matches no row and changes nothing. Other databases (SQLite
in standalone mode) do the same in a short transaction.

The same statement also returns the instance row as the claim left it (with its row
version `xmin`) and the live step rows, so the worker's report can skip the locking read
(`units.Known`, see `services.instances.instance_apply`). The step rows come from the
statement's snapshot, taken before the instance lock was granted: they are used only
when the instance row the lock returned is the one that snapshot saw (same `xmin`,
nothing committed in between), with the claimed step moved to running in memory by
the same transition.

The SQL spells out the `StepExecution.start` transition; a unit test checks that the
two agree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import F

from workflows.models import (
    ExecutionEvent,
    InstanceStatus,
    StepExecution,
    StepStatus,
    WorkflowDefinition,
    WorkflowInstance,
)
from workflows.runtime.repository import LOADED_STATUSES
from workflows.runtime.rows import Columns
from workflows.runtime.units import Known

CLAIM_SOURCE = StepStatus.SCHEDULED
CLAIM_TARGET = StepStatus.RUNNING


@dataclass(frozen=True)
class Claim:
    """A step attempt this worker now owns (until its lease lapses)."""

    step_id: str
    instance_id: str
    node_id: str
    attempt: int
    action: str
    params: Any
    timeout_seconds: float | None
    token: str
    started_by: str
    definition_key: str
    event: ExecutionEvent
    # The instance as the claim left it, for the report (None: read it again, locked).
    known: Known | None = field(default=None, compare=False, repr=False)


def lease_until(now: datetime) -> datetime:
    return now + timedelta(seconds=settings.FLOWDESK_STEP_LEASE_SECONDS)


def _tables() -> dict[str, str]:
    user = get_user_model()
    return {
        "step": StepExecution._meta.db_table,
        "instance": WorkflowInstance._meta.db_table,
        "event": ExecutionEvent._meta.db_table,
        "definition": WorkflowDefinition._meta.db_table,
        "user": user._meta.db_table,
        "username": user._meta.get_field(user.USERNAME_FIELD).column,
    }


_CLAIM_SQL = """
WITH target AS (
    SELECT i.id, i.status, i.xmin::text AS version FROM {instance} i
    WHERE i.id = (SELECT s.instance_id FROM {step} s WHERE s.id = %(step)s)
    FOR UPDATE
), claimed AS (
    UPDATE {step} s
    SET status = %(target)s, started_at = %(now)s, lease_expires_at = %(lease)s,
        worker = %(worker)s, celery_task_id = %(token)s
    FROM target
    WHERE s.id = %(step)s AND s.instance_id = target.id AND target.status = %(running)s
      AND s.status = %(source)s AND s.attempt = %(attempt)s
    RETURNING s.id, s.instance_id, s.node_id, s.action, s.params, s.timeout_seconds
), bumped AS (
    UPDATE {instance} i SET last_seq = i.last_seq + 1
    FROM claimed WHERE i.id = claimed.instance_id
    RETURNING {instance_columns}, i.xmin::text AS version
), logged AS (
    INSERT INTO {event} (instance_id, seq, type, step_id, node_id, actor_id, payload, created_at)
    SELECT bumped.id, bumped.last_seq, 'step_started', claimed.id, claimed.node_id, NULL,
           %(payload)s::jsonb, %(now)s
    FROM bumped JOIN claimed ON claimed.instance_id = bumped.id
    RETURNING id
)
SELECT claimed.node_id, claimed.action, claimed.params, claimed.timeout_seconds, bumped.id,
       bumped.last_seq, u.{username}, d.key, (SELECT id FROM logged), bumped.version,
       (SELECT seen.xmin::text FROM {instance} seen WHERE seen.id = bumped.id) = target.version,
       {bumped_columns}, {definition_columns}, {user_columns}, {step_columns}
FROM claimed JOIN bumped ON bumped.id = claimed.instance_id
JOIN target ON target.id = bumped.id
JOIN {definition} d ON d.id = bumped.definition_id
LEFT JOIN {user} u ON u.id = bumped.started_by_id
LEFT JOIN {step} live ON live.instance_id = bumped.id AND live.status IN ({live_statuses})
ORDER BY live.created_at
"""
_FIXED = 11  # the claim's own columns before the rows'


class _Shape:
    """The claim's SQL and the column lists of the rows it returns (once per process)."""

    def __init__(self) -> None:
        user = get_user_model()
        self.instance = Columns(WorkflowInstance, "bumped")
        self.definition = Columns(WorkflowDefinition, "d", defer=("graph",))
        self.user = Columns(user, "u")
        self.step = Columns(StepExecution, "live")
        quote = connection.ops.quote_name
        live = ", ".join(f"'{status}'" for status in LOADED_STATUSES)  # constants, not user text
        self.sql = _CLAIM_SQL.format(
            **_tables(),
            instance_columns=", ".join(f"i.{quote(f.column)}" for f in self.instance.fields),
            bumped_columns=self.instance.sql,
            definition_columns=self.definition.sql,
            user_columns=self.user.sql,
            step_columns=self.step.sql,
            live_statuses=live,
        )


_shape: _Shape | None = None


def _claim_shape() -> _Shape:
    global _shape
    if _shape is None:
        _shape = _Shape()
    return _shape


def claim_step(*, step_id: str, attempt: int, worker: str, token: str, now: datetime) -> Claim | None:
    """Claim attempt `attempt` of step `step_id` for this worker, or None when the step is
    not (or no longer) scheduled on that attempt, or its instance is not running."""
    payload = {"status": str(CLAIM_TARGET), "attempt": attempt, "worker": worker, "local": False}
    if connection.vendor != "postgresql":
        return _claim_portable(step_id, attempt, worker, token, now, payload)
    params = {
        "step": step_id,
        "attempt": attempt,
        "source": str(CLAIM_SOURCE),
        "target": str(CLAIM_TARGET),
        "running": str(InstanceStatus.RUNNING),
        "now": now,
        "lease": lease_until(now),
        "worker": worker[:255],
        "token": token[:64],
        "payload": json.dumps(payload),
    }
    shape = _claim_shape()
    with connection.cursor() as cursor:
        cursor.execute(shape.sql, params)
        rows = cursor.fetchall()
    if not rows:
        return None
    row = rows[0]
    node_id, action, params_value, timeout, instance_id, seq, username, key, event_id, version, fresh = row[
        :_FIXED
    ]
    if isinstance(params_value, str):
        params_value = json.loads(params_value)
    event = ExecutionEvent(
        id=event_id,
        instance_id=instance_id,
        seq=seq,
        type="step_started",
        step_id=step_id,
        node_id=node_id,
        payload=payload,
        created_at=now,
    )
    known = _known(shape, rows, step_id, version, worker[:255], token[:64], now) if fresh else None
    return Claim(
        step_id, str(instance_id), node_id, attempt, action, params_value, timeout, token[:64],
        username or "", key, event, known,
    )  # fmt: skip


def _known(
    shape: _Shape, rows: list[Any], step_id: str, version: str, worker: str, token: str, now: datetime
) -> Known | None:
    """The instance and its live steps as the claim left them (see the module docstring)."""
    first = rows[0]
    at = _FIXED
    instance = shape.instance.build(first, at)
    at += shape.instance.width
    definition = shape.definition.build(first, at)
    at += shape.definition.width
    user = shape.user.build(first, at) if first[at] is not None else None
    at += shape.user.width
    WorkflowInstance._meta.get_field("definition").set_cached_value(instance, definition)
    WorkflowInstance._meta.get_field("started_by").set_cached_value(instance, user)
    steps: dict[str, StepExecution] = {}
    for row in rows:
        if row[at] is not None:
            step = shape.step.build(row, at)
            steps[str(step.pk)] = step  # type: ignore[assignment]
    claimed = steps.get(str(step_id))
    if claimed is None or claimed.status != CLAIM_SOURCE:
        return None
    claimed.start(worker=worker, task_id=token, now=now, lease_until=lease_until(now))  # as the SQL did
    return Known(seq=instance.last_seq, steps=steps, instance=instance, version=version)  # type: ignore[attr-defined]


def _claim_portable(
    step_id: str, attempt: int, worker: str, token: str, now: datetime, payload: dict[str, Any]
) -> Claim | None:
    with transaction.atomic():
        step = (
            StepExecution.objects.select_related("instance__definition", "instance__started_by")
            .filter(pk=step_id)
            .first()
        )
        if step is None or step.instance.status != InstanceStatus.RUNNING:
            return None
        instance = WorkflowInstance.objects.select_for_update().get(pk=step.instance_id)
        if instance.status != InstanceStatus.RUNNING:
            return None
        updated = StepExecution.objects.filter(pk=step_id, status=CLAIM_SOURCE, attempt=attempt).update(
            status=CLAIM_TARGET,
            started_at=now,
            lease_expires_at=lease_until(now),
            worker=worker[:255],
            celery_task_id=token[:64],
        )
        if not updated:
            return None
        WorkflowInstance.objects.filter(pk=instance.pk).update(last_seq=F("last_seq") + 1)
        seq = instance.last_seq + 1
        event = ExecutionEvent.objects.create(
            instance_id=instance.pk,
            seq=seq,
            type="step_started",
            step_id=step.id,
            node_id=step.node_id,
            payload=payload,
            created_at=now,
        )
    user = step.instance.started_by
    return Claim(
        step_id, str(instance.pk), step.node_id, attempt, step.action, step.params, step.timeout_seconds,
        token[:64], user.get_username() if user else "", step.instance.definition.key, event,
    )  # fmt: skip


def renew_lease(*, step_id: str, token: str, now: datetime) -> bool:
    """Extend the lease of a step this worker still runs (False: it was taken from us)."""
    return bool(
        StepExecution.objects.filter(
            pk=step_id, status__in=[StepStatus.RUNNING, StepStatus.COMPENSATING], celery_task_id=token
        ).update(lease_expires_at=lease_until(now))
    )


def claim_compensation(*, step_id: str, attempt: int, worker: str, token: str, now: datetime) -> bool:
    """Claim a compensation attempt (the step stays `compensating`; no event: no status change)."""
    return bool(
        StepExecution.objects.filter(
            pk=step_id,
            status=StepStatus.COMPENSATING,
            compensation_attempt=attempt,
            lease_expires_at__isnull=True,
        ).update(lease_expires_at=lease_until(now), worker=worker[:255], celery_task_id=token[:64])
    )
