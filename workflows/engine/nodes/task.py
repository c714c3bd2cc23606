"""Task: run a registered action on a worker, with retries, a timeout and an error edge.

Activation renders `params` against the context (a render error fails the step
without retry) and emits `CreateStep(scheduled, attempt=1)` + `ScheduleStep`.
A failed or timed-out attempt is retried while `retry.max_attempts` allows and
the error is retryable (`ScheduleRetry` with jittered exponential backoff);
after that the `on_error` edges are taken, else the instance fails.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from workflows.engine.commands import ScheduleRetry, ScheduleStep
from workflows.engine.errors import EXPRESSION_ERROR, STEP_TIMED_OUT, ErrorInfo
from workflows.engine.events import StepFailed, StepSucceeded, StepTimedOut
from workflows.engine.graph import EdgeKind, Node
from workflows.engine.nodes.base import NodeHandler, finish
from workflows.engine.specs import TaskSpec
from workflows.engine.state import StepState, StepStatus
from workflows.expressions import ExpressionError

if TYPE_CHECKING:
    from workflows.engine.events import Event
    from workflows.engine.runtime import Run

_RUNNABLE = (StepStatus.SCHEDULED, StepStatus.RUNNING)


def _spec(node: Node) -> TaskSpec:
    spec = node.spec
    assert isinstance(spec, TaskSpec)
    return spec


def _stale(step: StepState, attempt: int | None) -> str | None:
    """Why a report about `attempt` no longer applies to `step`, or None when it does."""
    if attempt is not None:
        if attempt != step.attempt:
            return f"stale report for attempt {attempt}; the step is on attempt {step.attempt}"
        return None
    if step.status not in _RUNNABLE:
        return f"step is {step.status} and the report names no attempt"
    return None


class TaskHandler(NodeHandler):
    def activate(self, run: Run, node: Node, via: str | None) -> None:
        visit = run.next_visit(node)
        if visit is None:
            return
        spec = _spec(node)
        try:
            params = spec.params.render(run.context(), now=run.now)
        except ExpressionError as exc:
            error = ErrorInfo(EXPRESSION_ERROR, f"params of {node.id}: {exc.message}", False)
            run.fail_activation(node, visit, via, error)
            return
        step_id = run.create(node, visit, via, StepStatus.SCHEDULED, attempt=1, params=params)
        run.emit(ScheduleStep(step_id, node.id, spec.action, params, 1, None, spec.timeout_seconds))

    def handle(self, run: Run, node: Node, step: StepState, event: Event) -> str | None:
        spec = _spec(node)
        if isinstance(event, StepSucceeded):
            reason = _stale(step, event.attempt)
            if reason is None:
                edges = node.out(EdgeKind.NORMAL)
                compensable = spec.compensate is not None
                finish(
                    run, node, step, event.output, edges, output_var=spec.output_var, compensable=compensable
                )
            return reason
        if isinstance(event, StepFailed):
            reason = _stale(step, event.attempt)
            if reason is None:
                self._attempt_failed(run, node, step, event.error, event.retry_after)
            return reason
        if isinstance(event, StepTimedOut):
            reason = _stale(step, event.attempt)
            if reason is None:
                limit = f" (limit {spec.timeout_seconds:g}s)" if spec.timeout_seconds else ""
                message = f"attempt {step.attempt} of {node.id} timed out{limit}"
                self._attempt_failed(run, node, step, ErrorInfo(STEP_TIMED_OUT, message, True))
            return reason
        return super().handle(run, node, step, event)

    def _attempt_failed(
        self, run: Run, node: Node, step: StepState, error: ErrorInfo, retry_after: float | None = None
    ) -> None:
        policy = _spec(node).retry
        if error.retryable and policy.allows_another(step.attempt):
            not_before = policy.next_attempt_at(step.attempt, run.now, run.rng)
            if retry_after is not None:
                not_before = max(not_before, run.now + timedelta(seconds=retry_after))
            run.emit(ScheduleRetry(step.id, node.id, step.attempt + 1, not_before, error))
        else:
            run.fail_step(node, step, error)

    def skip(self, run: Run, node: Node, step: StepState, output: Any) -> str | None:
        spec = _spec(node)
        edges = node.out(EdgeKind.NORMAL)
        finish(run, node, step, output, edges, output_var=spec.output_var, status=StepStatus.SKIPPED)
        return None

    def retry(self, run: Run, node: Node, step: StepState) -> str | None:
        spec = _spec(node)
        run.emit(
            ScheduleStep(
                step.id, node.id, spec.action, step.params, step.attempt + 1, None, spec.timeout_seconds
            )
        )
        return None
