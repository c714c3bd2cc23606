"""How each engine command changes an instance's rows (in memory; `Applier.flush` writes).

Every command moves rows through their django-fsm transitions (a refused transition
raises and rolls the event back) and appends one event per status change, mirroring
`workflows.engine.reducer.apply` command by command.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from workflows.engine import StepStatus as CoreStepStatus
from workflows.engine import commands as c
from workflows.models import DueWait, InstanceStatus, StepExecution, WaitKind
from workflows.runtime.events import EventLog
from workflows.runtime.units import Annotations, Dispatch

if TYPE_CHECKING:
    from workflows.models import WorkflowInstance


class CommandHandlers:
    """Mixed into `Applier`: one method per command type (see HANDLERS)."""

    instance: WorkflowInstance
    now: datetime
    log: EventLog
    annotations: Annotations
    created: dict[str, StepExecution]
    deltas: dict[str, dict[str, Any]]
    compensable_added: list[list[str]]
    waits: list[DueWait]
    dispatches: list[Dispatch]

    def row(self, step_id: str) -> StepExecution:
        raise NotImplementedError

    def _error(self, step_id: str, error: Any) -> dict[str, Any]:
        return {**error.as_dict(), **self.annotations.error_extra.get(step_id, {})}

    def create_step(self, cmd: c.CreateStep) -> None:
        status = str(cmd.status)
        finished = not cmd.status.is_live
        row = StepExecution(
            id=UUID(cmd.step_id),
            instance_id=self.instance.pk,
            node_id=cmd.node_id,
            node_type=cmd.node_type,
            visit=cmd.visit,
            via_edge=cmd.via_edge or "",
            status=status,
            attempt=cmd.attempt,
            params=cmd.params,
            output=cmd.output,
            error=self._error(cmd.step_id, cmd.error) if cmd.error else None,
            arrivals=list(cmd.arrivals),
            # One decision creates its steps at the same `now`; a microsecond apart each,
            # ordering by created_at gives the order the core created them in.
            created_at=self.now + timedelta(microseconds=len(self.created)),
            finished_at=self.now if finished else None,
        )
        self.created[cmd.step_id] = row
        if cmd.visit > self.deltas["visits"].get(cmd.node_id, self.instance.visits.get(cmd.node_id, 0)):
            self._merge("visits", cmd.node_id, cmd.visit)
        if finished and cmd.status is CoreStepStatus.FAILED and cmd.error is not None:
            self._merge("results", cmd.node_id, {"output": None, "error": cmd.error.as_dict()})
        elif finished:
            self._merge("results", cmd.node_id, {"output": cmd.output})
        extra: dict[str, Any] = {"node_type": cmd.node_type, "visit": cmd.visit, "via_edge": cmd.via_edge}
        if cmd.attempt:
            extra["attempt"] = cmd.attempt
        if cmd.error is not None:
            extra["error"] = cmd.error.as_dict()
        self.log.step_event(row, f"step_{status}", **extra)

    def join_arrival(self, cmd: c.RecordJoinArrival) -> None:
        row = self.row(cmd.step_id)
        row.arrivals = [*row.arrivals, cmd.edge_id]

    def complete_step(self, cmd: c.CompleteStep) -> None:
        row = self.row(cmd.step_id)
        if cmd.status is CoreStepStatus.SKIPPED:
            row.skip(output=cmd.output, now=self.now)
        else:
            row.succeed(output=cmd.output, now=self.now)
        self._merge("results", cmd.node_id, {"output": cmd.output})
        if cmd.compensable:
            self.compensable_added.append([cmd.step_id, cmd.node_id])
        extra = {"outcome": cmd.outcome} if cmd.outcome is not None else {}
        self.log.step_event(row, f"step_{row.status}", attempt=row.attempt, **extra)

    def fail_step(self, cmd: c.FailStep) -> None:
        row = self.row(cmd.step_id)
        row.fail(error=self._error(cmd.step_id, cmd.error), now=self.now)
        self._merge("results", cmd.node_id, {"output": None, "error": cmd.error.as_dict()})
        self.log.step_event(
            row, "step_failed", attempt=row.attempt, error=cmd.error.as_dict(), handled=cmd.handled
        )

    def cancel_steps(self, cmd: c.CancelSteps) -> None:
        for step_id in cmd.step_ids:
            row = self.row(step_id)
            row.cancel(now=self.now)
            self.log.step_event(row, "step_cancelled", reason=cmd.reason)

    def schedule_step(self, cmd: c.ScheduleStep) -> None:
        row = self.row(cmd.step_id)
        row.action = cmd.action
        if cmd.step_id in self.created and row.attempt == cmd.attempt:
            row.params, row.timeout_seconds = cmd.params, cmd.timeout_seconds  # just created: scheduled
        else:
            row.reschedule(
                attempt=cmd.attempt, params=cmd.params, timeout_seconds=cmd.timeout_seconds, now=self.now
            )
            self.log.step_event(row, "step_scheduled", attempt=cmd.attempt)
        if cmd.not_before is not None and cmd.not_before > self.now:
            row.not_before = cmd.not_before
            self._wait(WaitKind.DISPATCH, cmd.step_id, cmd.not_before, cmd.attempt)
        else:
            self.dispatches.append(Dispatch("step", cmd.step_id, cmd.attempt, cmd.action))

    def schedule_retry(self, cmd: c.ScheduleRetry) -> None:
        row = self.row(cmd.step_id)
        error = self._error(cmd.step_id, cmd.error)
        row.retry_later(attempt=cmd.attempt, not_before=cmd.not_before, error=error)
        self._wait(WaitKind.RETRY, cmd.step_id, cmd.not_before, cmd.attempt)
        self.log.step_event(
            row,
            "step_retrying",
            attempt=cmd.attempt,
            not_before=cmd.not_before.isoformat(),
            error=cmd.error.as_dict(),
        )

    def arm_timer(self, cmd: c.ArmTimer) -> None:
        self.row(cmd.step_id).not_before = cmd.due_at
        self._wait(WaitKind.TIMER, cmd.step_id, cmd.due_at)

    def wait_for_signal(self, cmd: c.WaitForSignal) -> None:
        if cmd.timeout_at is not None:
            self.row(cmd.step_id).not_before = cmd.timeout_at
            self._wait(WaitKind.SIGNAL_TIMEOUT, cmd.step_id, cmd.timeout_at)

    def set_variables(self, cmd: c.SetVariables) -> None:
        for name, value in cmd.values.items():
            self._merge("vars", name, value)

    def record_result(self, cmd: c.RecordResult) -> None:
        self.instance.result = cmd.value

    def complete_instance(self, cmd: c.CompleteInstance) -> None:
        self.instance.complete(result=cmd.result, now=self.now)
        self.log.instance_event("instance_completed", result=cmd.result)

    def fail_instance(self, cmd: c.FailInstance) -> None:
        error = {**cmd.error.as_dict(), "step_id": cmd.step_id, "node_id": cmd.node_id}
        self.instance.fail(error=error, now=self.now)
        self.log.instance_event("instance_failed", error=error)

    def cancel_instance(self, cmd: c.CancelInstance) -> None:
        self.instance.cancel(now=self.now)
        self.log.instance_event("instance_cancelled", reason=cmd.reason)

    def start_compensation(self, cmd: c.StartCompensation) -> None:
        error = None
        if cmd.error is not None:
            error = {**cmd.error.as_dict(), "step_id": cmd.step_id, "node_id": cmd.node_id}
        self.instance.start_compensation(error=error, now=self.now)
        self.log.instance_event("instance_compensating", reason=cmd.reason, error=error)

    def schedule_compensation(self, cmd: c.ScheduleCompensation) -> None:
        row = self.row(cmd.step_id)
        row.compensate(
            action=cmd.action, params=cmd.params, attempt=cmd.attempt, not_before=cmd.not_before, now=self.now
        )
        self.log.step_event(row, "step_compensating", attempt=cmd.attempt)
        if cmd.not_before is not None and cmd.not_before > self.now:
            self._wait(WaitKind.COMPENSATION, cmd.step_id, cmd.not_before, cmd.attempt)
        else:
            self.dispatches.append(Dispatch("compensation", cmd.step_id, cmd.attempt, cmd.action))

    def mark_compensated(self, cmd: c.MarkCompensated) -> None:
        row = self.row(cmd.step_id)
        row.mark_compensated(now=self.now)
        self.log.step_event(row, "step_compensated", attempt=row.compensation_attempt)

    def mark_compensation_failed(self, cmd: c.MarkCompensationFailed) -> None:
        row = self.row(cmd.step_id)
        row.mark_compensation_failed(error=self._error(cmd.step_id, cmd.error), now=self.now)
        self.log.step_event(row, "step_compensation_failed", error=cmd.error.as_dict())

    def complete_compensation(self, cmd: c.CompleteCompensation) -> None:
        if str(cmd.status) == InstanceStatus.CANCELLED:
            self.instance.finish_cancel_compensation(now=self.now)
            self.log.instance_event("instance_cancelled", reason="compensated")
        else:
            self.instance.finish_compensation(now=self.now)
            self.log.instance_event("instance_compensated")

    def fail_compensation(self, cmd: c.FailCompensation) -> None:
        errors = [
            {"step_id": e.step_id, "node_id": e.node_id, "error": e.error.as_dict()} for e in cmd.errors
        ]
        error = {**(self.instance.error or {}), "compensation_errors": errors}
        self.instance.fail(error=error, now=self.now)
        self.log.instance_event("instance_failed", error=error)

    # -- helpers ---------------------------------------------------------------------------

    def _merge(self, column: str, key: str, value: Any) -> None:
        self.deltas[column][key] = value

    def _wait(self, kind: str, step_id: str, due_at: datetime, attempt: int = 0) -> None:
        self.waits.append(
            DueWait(
                kind=kind,
                instance_id=self.instance.pk,
                step_id=UUID(step_id),
                attempt=attempt,
                due_at=due_at,
                created_at=self.now,
            )
        )


HANDLERS: dict[type, Any] = {
    c.CreateStep: CommandHandlers.create_step,
    c.RecordJoinArrival: CommandHandlers.join_arrival,
    c.CompleteStep: CommandHandlers.complete_step,
    c.FailStep: CommandHandlers.fail_step,
    c.CancelSteps: CommandHandlers.cancel_steps,
    c.ScheduleStep: CommandHandlers.schedule_step,
    c.ScheduleRetry: CommandHandlers.schedule_retry,
    c.ArmTimer: CommandHandlers.arm_timer,
    c.WaitForSignal: CommandHandlers.wait_for_signal,
    c.SetVariables: CommandHandlers.set_variables,
    c.RecordResult: CommandHandlers.record_result,
    c.CompleteInstance: CommandHandlers.complete_instance,
    c.FailInstance: CommandHandlers.fail_instance,
    c.CancelInstance: CommandHandlers.cancel_instance,
    c.StartCompensation: CommandHandlers.start_compensation,
    c.ScheduleCompensation: CommandHandlers.schedule_compensation,
    c.MarkCompensated: CommandHandlers.mark_compensated,
    c.MarkCompensationFailed: CommandHandlers.mark_compensation_failed,
    c.CompleteCompensation: CommandHandlers.complete_compensation,
    c.FailCompensation: CommandHandlers.fail_compensation,
}
