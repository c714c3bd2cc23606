"""Apply a decision's commands to one instance's rows, then write them in a few statements.

Each command moves rows through their django-fsm transitions in memory (a refused
transition raises, rolling the whole event back) and appends one event per status
change. `flush()` then writes everything at once: one bulk INSERT of new steps, one
UPDATE of the changed steps, one UPDATE (or INSERT) of the instance, one bulk INSERT
of events, and one of durable waits when there are any. On PostgreSQL the instance's
JSON columns are merged server-side (`vars || delta`), so a step's write does not
re-send every variable and result.

Precondition: the instance row is locked for the whole load-decide-apply cycle.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection

from workflows.engine import InstanceState
from workflows.engine import commands as c
from workflows.models import (
    DueWait,
    ExecutionEvent,
    InstanceStatus,
    StepExecution,
    StepStatus,
    WorkflowInstance,
)
from workflows.runtime import circuits
from workflows.runtime.effects import EffectContext, handlers_for
from workflows.runtime.events import EventLog
from workflows.runtime.handlers import HANDLERS, CommandHandlers
from workflows.runtime.repository import LOADED_STATUSES
from workflows.runtime.units import Annotations, Dispatch, Known, LocalBudget, LocalClaim
from workflows.runtime.writes import JsonbAppend, WriteBatch

_STEP_FIELDS = [
    f.attname for f in StepExecution._meta.concrete_fields if not f.primary_key and f.attname != "instance_id"
]
_INSTANCE_SCALARS = ("status", "result", "error", "compensation", "finished_at")
_JSON_MERGED = ("vars", "results", "visits")


@dataclass
class Writes:
    """One instance's row changes from an applied decision (see `Applier.writes`)."""

    instance_values: dict[str, Any]
    created: list[StepExecution]
    changed: list[StepExecution]
    changed_fields: set[str]
    events: list[ExecutionEvent]
    waits: list[DueWait]


class StaleInstance(Exception):
    """A guarded write found the instance row changed since the worker's last write."""


class Applier(CommandHandlers):
    def __init__(
        self,
        instance: WorkflowInstance,
        steps: dict[str, StepExecution],
        *,
        now: datetime,
        actor_id: int | None,
        is_new: bool = False,
        annotations: Annotations | None = None,
        local: LocalBudget | None = None,
        guard: Known | None = None,
    ) -> None:
        self.instance = instance
        self.guard = guard
        self.version: str | None = None
        self.steps = steps
        self.now = now
        self.is_new = is_new
        self.annotations = annotations or Annotations()
        self.local = local
        self.log = EventLog(instance, actor_id=actor_id, now=now)
        self.created: dict[str, StepExecution] = {}
        self._snapshots = {key: _snapshot(row) for key, row in steps.items()}
        self._instance_snapshot = {name: getattr(instance, name) for name in _INSTANCE_SCALARS}
        self.deltas: dict[str, dict[str, Any]] = {name: {} for name in _JSON_MERGED}
        self.compensable_added: list[list[str]] = []
        self.waits: list[DueWait] = []
        self.dispatches: list[Dispatch] = []
        self.effects: list[Any] = []
        self.local_claim: LocalClaim | None = None

    # -- rows ---------------------------------------------------------------------------

    def row(self, step_id: str) -> StepExecution:
        found = self.created.get(step_id) or self.steps.get(step_id)
        if found is None:  # a finished step (compensation): read it under the instance lock
            found = StepExecution.objects.get(pk=step_id, instance_id=self.instance.pk)
            self.steps[step_id] = found
            self._snapshots[step_id] = _snapshot(found)
        return found

    def preload(self, commands: tuple[Any, ...]) -> None:
        """Read the finished steps the commands touch (compensations) in one query."""
        wanted = {
            cmd.step_id
            for cmd in commands
            if isinstance(cmd, c.ScheduleCompensation | c.MarkCompensated | c.MarkCompensationFailed)
        } - set(self.steps)
        if wanted:
            for found in StepExecution.objects.filter(instance_id=self.instance.pk, pk__in=wanted):
                key = str(found.id)
                self.steps[key] = found
                self._snapshots[key] = _snapshot(found)

    def apply(self, commands: tuple[Any, ...], state: InstanceState | None = None) -> None:
        """Apply `commands` in order; `state` (the decision's) supplies the saga progress."""
        self.preload(commands)
        if state is not None:
            saga = state.compensation
            self.instance.compensation = saga.as_dict() if saga is not None else None
        for command in commands:
            handler = HANDLERS.get(type(command))
            if handler is not None:
                handler(self, command)
            if handlers_for(type(command)):
                self.effects.append(command)

    def adopt(self, row: StepExecution) -> None:
        """Track a row loaded by the caller (under the instance lock) so its changes are written."""
        key = str(row.id)
        self.steps[key] = row
        self._snapshots[key] = _snapshot(row)

    # -- adapter transitions (no core event: the core sees these steps as just live) -----

    def requeue(self, row: StepExecution) -> None:
        """The worker running `row` was lost: dispatch the same attempt again."""
        row.requeue(now=self.now)
        self.log.step_event(row, "step_redelivered", attempt=row.attempt, redeliveries=row.redeliveries)
        self.dispatches.append(Dispatch("step", str(row.id), row.attempt, row.action))

    def dispatch_retry(self, row: StepExecution) -> None:
        """A retrying step's wait came due: dispatch its next attempt."""
        row.reschedule(
            attempt=row.attempt, params=row.params, timeout_seconds=row.timeout_seconds, now=self.now
        )
        self.log.step_event(row, "step_scheduled", attempt=row.attempt)
        self.dispatches.append(Dispatch("step", str(row.id), row.attempt, row.action))

    def resend(self, row: StepExecution) -> None:
        """Send a scheduled step (or a compensation in flight) again; no status change."""
        if row.status == StepStatus.COMPENSATING:
            self.dispatches.append(
                Dispatch("compensation", str(row.id), row.compensation_attempt, row.action)
            )
        else:
            self.dispatches.append(Dispatch("step", str(row.id), row.attempt, row.action))

    # -- helpers --------------------------------------------------------------------------
    def _route_dispatches(self) -> None:
        """Hold dispatches of a suspended instance; claim a lone short step for the worker."""
        if self.instance.status == InstanceStatus.SUSPENDED:
            self.dispatches = []  # the steps stay scheduled; resume sends them
            return
        for dispatch in self.dispatches:
            self.row(dispatch.step_id).dispatched_at = self.now
        if self.local is None or self.local.remaining <= 0 or len(self.dispatches) != 1:
            return
        only = self.dispatches[0]
        if only.kind != "step" or only.action not in settings.FLOWDESK_LOCAL_ACTIONS:
            return
        if not circuits.is_closed(only.action):
            return
        row = self.row(only.step_id)
        token = f"local:{self.local.worker}:{only.step_id}:{only.attempt}"
        lease = self.now + timedelta(seconds=settings.FLOWDESK_STEP_LEASE_SECONDS)
        row.start(worker=self.local.worker, task_id=token[:64], now=self.now, lease_until=lease)
        self.log.step_event(row, "step_started", attempt=only.attempt, worker=self.local.worker, local=True)
        user = self.instance.started_by
        self.local_claim = LocalClaim(
            step_id=only.step_id,
            instance_id=str(self.instance.pk),
            node_id=row.node_id,
            attempt=only.attempt,
            action=only.action,
            params=row.params,
            timeout_seconds=row.timeout_seconds,
            token=row.celery_task_id,
            started_by=user.get_username() if user is not None else "",
        )
        self.dispatches = []

    # -- writing ----------------------------------------------------------------------------

    def finish(self) -> None:
        """Route dispatches, write every change, and queue messages and pushes for after commit."""
        self._route_dispatches()
        self.flush()
        if self.local_claim is not None:
            rows = {**self.steps, **self.created}
            live = {key: row for key, row in rows.items() if row.status in LOADED_STATUSES}
            known = Known(
                seq=self.instance.last_seq, steps=live, instance=self.instance, version=self.version
            )
            self.local_claim = replace(self.local_claim, known=known)
        self._queue_after_commit()

    def stage(self) -> Writes:
        """`finish()` for a caller that writes many instances in one statement
        (`runtime.batch_writes`): route dispatches and return the rows to write; once they
        are written, the caller calls `written()`. No local claim (the caller passes no
        `local` budget) and no guard."""
        self._route_dispatches()
        return self.writes()

    def written(self) -> None:
        """After `stage()`'s rows were written: run effects, queue messages and pushes."""
        self.run_effects()
        self._queue_after_commit()

    def _queue_after_commit(self) -> None:
        from workflows.runtime import dispatcher, publisher

        dispatcher.send_on_commit(self.dispatches)
        publisher.publish_on_commit(
            instance_id=self.instance.pk, definition_key=self.instance.definition.key, events=self.log.events
        )

    def writes(self, *, instance_values: bool = True) -> Writes:
        """Fold the JSON deltas into the instance and list every row change to write
        (`instance_values`: the instance's UPDATE values; not needed for a new row)."""
        instance = self.instance
        for name in _JSON_MERGED:
            if self.deltas[name]:
                setattr(instance, name, {**getattr(instance, name), **self.deltas[name]})
        if self.compensable_added:
            instance.compensable = [*instance.compensable, *self.compensable_added]
        instance.updated_at = self.now
        changed, fields = self._changed_steps()
        return Writes(
            instance_values=self._instance_values() if instance_values else {},
            created=list(self.created.values()),
            changed=changed,
            changed_fields=fields,
            events=self.log.events,
            waits=self.waits,
        )

    def flush(self) -> None:
        """Write every change (one statement on PostgreSQL) and run registered effects."""
        instance = self.instance
        writes = self.writes(instance_values=not self.is_new)
        batch = WriteBatch()
        versioned = not self.is_new and connection.vendor == "postgresql"
        if self.is_new:
            batch.insert(WorkflowInstance, [instance])
        elif not versioned:
            batch.update(WorkflowInstance, instance.pk, writes.instance_values)
        batch.insert(StepExecution, writes.created)
        batch.update_many(StepExecution, writes.changed, writes.changed_fields)
        batch.insert(ExecutionEvent, writes.events)
        batch.insert(DueWait, writes.waits)
        if versioned:
            # Last, as the main statement: it runs before the other parts and takes the row
            # lock first (the locking policy) when the caller has not locked the row yet.
            guard = self.guard
            batch.update_versioned(
                WorkflowInstance,
                instance.pk,
                writes.instance_values,
                expect_version=guard.version if guard is not None else None,
                expect={"last_seq": guard.seq} if guard is not None else None,
            )
        self.version = batch.execute()
        if self.guard is not None and self.version is None:
            raise StaleInstance(f"instance {instance.pk} changed since this worker last wrote it")
        self.run_effects()

    def run_effects(self) -> None:
        """Run the registered effects of the applied commands (after the rows are written)."""
        if self.effects:
            context = EffectContext(
                self.instance, {**self.steps, **self.created}, self.now, self.log.actor_id
            )
            for command in self.effects:
                for handler in handlers_for(type(command)):
                    handler(context, command)

    def _instance_values(self) -> dict[str, Any]:
        instance = self.instance
        values: dict[str, Any] = {"last_seq": instance.last_seq, "updated_at": instance.updated_at}
        for name in _INSTANCE_SCALARS:
            if getattr(instance, name) != self._instance_snapshot[name]:
                values[name] = getattr(instance, name)
        server_merge = connection.vendor == "postgresql"
        for name in _JSON_MERGED:
            delta = self.deltas[name]
            if delta:
                values[name] = JsonbAppend(name, delta) if server_merge else getattr(instance, name)
        if self.compensable_added:
            values["compensable"] = (
                JsonbAppend("compensable", self.compensable_added) if server_merge else instance.compensable
            )
        return values

    def _changed_steps(self) -> tuple[list[StepExecution], set[str]]:
        changed: list[StepExecution] = []
        fields: set[str] = set()
        for key, row in self.steps.items():
            before = self._snapshots[key]
            diff = {name for name in _STEP_FIELDS if getattr(row, name) != before[name]}
            if diff:
                changed.append(row)
                fields |= diff
        return changed, fields


def _snapshot(row: StepExecution) -> dict[str, Any]:
    return {name: getattr(row, name) for name in _STEP_FIELDS}
