"""Apply commands to state: the single definition of what each command changes.

The core builds its returned state with exactly these functions, so an adapter
that persists each command as documented here stores the same state the core
returned. Effect-only commands (OpenApproval, ArmTimer, WaitForSignal,
StartChild) change nothing here: the step they concern is already `waiting`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from workflows.engine.commands import (
    CancelInstance,
    CancelSteps,
    Command,
    CompleteCompensation,
    CompleteInstance,
    CompleteStep,
    CreateStep,
    FailCompensation,
    FailInstance,
    FailStep,
    MarkCompensated,
    MarkCompensationFailed,
    RecordJoinArrival,
    RecordResult,
    ScheduleCompensation,
    ScheduleRetry,
    ScheduleStep,
    SetVariables,
    StartCompensation,
)
from workflows.engine.state import (
    CompensationError,
    CompensationRecord,
    CompensationState,
    InstanceState,
    InstanceStatus,
    StepState,
    StepStatus,
)


def apply(state: InstanceState, commands: Iterable[Command]) -> InstanceState:
    """Return a new state: `state` with `commands` applied in order. `state` is untouched."""
    work = state.copy()
    for command in commands:
        apply_in_place(work, command)
    return work


def apply_in_place(state: InstanceState, command: Command) -> None:
    """Apply one command to a working copy (the caller owns `state`)."""
    match command:
        case CreateStep():
            _create(state, command)
        case RecordJoinArrival(step_id=step_id, edge_id=edge_id):
            step = state.steps[step_id]
            state.steps[step_id] = step.evolve(arrivals=(*step.arrivals, edge_id))
        case CompleteStep():
            state.steps.pop(command.step_id, None)
            state.results[command.node_id] = {"output": command.output}
            if command.compensable:
                record = CompensationRecord(command.step_id, command.node_id)
                state.compensable = (*state.compensable, record)
        case FailStep():
            state.steps.pop(command.step_id, None)
            state.results[command.node_id] = {"output": None, "error": command.error.as_dict()}
        case CancelSteps(step_ids=step_ids):
            for step_id in step_ids:
                state.steps.pop(step_id, None)
        case ScheduleStep():
            state.steps[command.step_id] = state.steps[command.step_id].evolve(
                status=StepStatus.SCHEDULED,
                attempt=command.attempt,
                params=command.params,
                not_before=command.not_before,
            )
        case ScheduleRetry():
            state.steps[command.step_id] = state.steps[command.step_id].evolve(
                status=StepStatus.RETRYING,
                attempt=command.attempt,
                not_before=command.not_before,
                error=command.error,
            )
        case SetVariables(values=values):
            state.vars.update(values)
        case RecordResult(value=value):
            state.result = value
        case CompleteInstance(result=result):
            state.status, state.result = InstanceStatus.COMPLETED, result
        case FailInstance(error=error):
            state.status, state.error = InstanceStatus.FAILED, error
        case CancelInstance():
            state.status = InstanceStatus.CANCELLED
        case StartCompensation():
            state.status, state.error = InstanceStatus.COMPENSATING, command.error
            state.compensation = CompensationState(command.reason, command.records)
        case ScheduleCompensation():
            _schedule_compensation(state, command)
        case MarkCompensated(step_id=step_id):
            _finish_compensation(state, step_id, None)
        case MarkCompensationFailed():
            failure = CompensationError(command.step_id, command.node_id, command.error)
            _finish_compensation(state, command.step_id, failure)
        case CompleteCompensation(status=status):
            state.status = status
        case FailCompensation():
            state.status = InstanceStatus.FAILED
        case _:
            pass  # effect-only commands


def _create(state: InstanceState, command: CreateStep) -> None:
    if command.visit > state.visits.get(command.node_id, 0):
        state.visits[command.node_id] = command.visit
    if command.status.is_live:
        state.steps[command.step_id] = StepState(
            id=command.step_id,
            node_id=command.node_id,
            node_type=command.node_type,
            visit=command.visit,
            status=command.status,
            attempt=command.attempt,
            params=command.params,
            arrivals=command.arrivals,
        )
    elif command.status is StepStatus.FAILED and command.error is not None:
        state.results[command.node_id] = {"output": None, "error": command.error.as_dict()}
    else:
        state.results[command.node_id] = {"output": command.output}


def _schedule_compensation(state: InstanceState, command: ScheduleCompensation) -> None:
    assert state.compensation is not None
    record = CompensationRecord(command.step_id, command.node_id)
    pending = tuple(r for r in state.compensation.pending if r != record)
    state.compensation = replace(state.compensation, pending=pending, current=record, attempt=command.attempt)


def _finish_compensation(state: InstanceState, step_id: str, failure: CompensationError | None) -> None:
    saga = state.compensation
    assert saga is not None
    pending = tuple(r for r in saga.pending if r.step_id != step_id)
    errors = saga.errors if failure is None else (*saga.errors, failure)
    state.compensation = replace(saga, pending=pending, current=None, attempt=0, errors=errors)
