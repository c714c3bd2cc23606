"""The saga: undo finished steps that declared `compensate`, newest first, one at a time.

Runs when an instance fails (or is cancelled with `compensate`). Each compensation
is dispatched with `ScheduleCompensation`; its report comes back as
`CompensationSucceeded`/`CompensationFailed`. A failed compensation is retried
under `compensate.retry` (default: once, no retry), then recorded, and the saga
goes on with the next step: the instance ends `compensated` (or `cancelled`)
when all succeeded, else `failed` with every compensation error recorded.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from workflows.engine.commands import (
    CompleteCompensation,
    FailCompensation,
    MarkCompensated,
    MarkCompensationFailed,
    ScheduleCompensation,
    StartCompensation,
)
from workflows.engine.errors import EXPRESSION_ERROR, ErrorInfo
from workflows.engine.events import CompensationFailed, CompensationSucceeded
from workflows.engine.specs import CompensateSpec, TaskSpec
from workflows.engine.state import CompensationRecord, InstanceStatus
from workflows.expressions import ExpressionError

if TYPE_CHECKING:
    from workflows.engine.runtime import Run


def start(
    run: Run, *, reason: str, error: ErrorInfo | None, step_id: str | None, node_id: str | None
) -> None:
    """Enter `compensating` and dispatch the newest compensable step's compensation.

    Precondition: the instance has no live steps left and at least one compensable step.
    """
    records = tuple(reversed(run.state.compensable))
    run.emit(StartCompensation(reason, records, error, step_id, node_id))
    _advance(run)


def on_event(run: Run, event: CompensationSucceeded | CompensationFailed) -> str | None:
    """Apply a compensation report; return why it was ignored, or None."""
    saga = run.state.compensation
    if run.state.status is not InstanceStatus.COMPENSATING or saga is None:
        return f"instance is {run.state.status}"
    current = saga.current
    if current is None or current.step_id != event.step_id:
        return "no compensation in flight for this step"
    if event.attempt is not None and event.attempt != saga.attempt:
        return f"stale report for compensation attempt {event.attempt} (current {saga.attempt})"
    if isinstance(event, CompensationSucceeded):
        run.emit(MarkCompensated(current.step_id))
    else:
        spec = _spec(run, current)
        if event.error.retryable and spec.retry.allows_another(saga.attempt):
            not_before = spec.retry.next_attempt_at(saga.attempt, run.now, run.rng)
            if _dispatch(run, current, spec, saga.attempt + 1, not_before):
                return None
        else:
            run.emit(MarkCompensationFailed(current.step_id, current.node_id, event.error))
    _advance(run)
    return None


def _advance(run: Run) -> None:
    saga = run.state.compensation
    assert saga is not None
    for record in saga.pending:
        if _dispatch(run, record, _spec(run, record), 1, None):
            return
    saga = run.state.compensation
    assert saga is not None
    if saga.errors:
        run.emit(FailCompensation(saga.errors))
    else:
        final = InstanceStatus.CANCELLED if saga.reason == "cancelled" else InstanceStatus.COMPENSATED
        run.emit(CompleteCompensation(final))


def _dispatch(
    run: Run, record: CompensationRecord, spec: CompensateSpec, attempt: int, not_before: datetime | None
) -> bool:
    """Schedule one compensation attempt; record a failure instead when params do not render."""
    try:
        params = spec.params.render(run.context(), now=run.now)
    except ExpressionError as exc:
        error = ErrorInfo(EXPRESSION_ERROR, f"compensation params of {record.node_id}: {exc.message}", False)
        run.emit(MarkCompensationFailed(record.step_id, record.node_id, error))
        return False
    run.emit(
        ScheduleCompensation(
            record.step_id,
            record.node_id,
            spec.action,
            params,
            attempt,
            not_before,
        )
    )
    return True


def _spec(run: Run, record: CompensationRecord) -> CompensateSpec:
    spec = run.graph.node(record.node_id).spec
    assert isinstance(spec, TaskSpec) and spec.compensate is not None
    return spec.compensate
