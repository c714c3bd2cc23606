"""Nodes that wait for the outside world: approval, timer, signal, subworkflow.

Each creates a `waiting` step and emits the effect that will, in time, produce
its completion event (`OpenApproval`, `ArmTimer`, `WaitForSignal`, `StartChild`).
Approval, signal and subworkflow waits also accept `StepTimedOut`: the `timeout`
edge is taken if there is one, else the step fails (instance failure, or
compensation). Any wait can be skipped by an operator.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from workflows.engine.commands import ArmTimer, OpenApproval, StartChild, WaitForSignal
from workflows.engine.errors import BAD_TIMER, CHILD_FAILED, EXPRESSION_ERROR, NO_OUTCOME_EDGE, ErrorInfo
from workflows.engine.events import ApprovalDecided, ChildFinished, SignalReceived, StepTimedOut, TimerFired
from workflows.engine.graph import EdgeKind, Node
from workflows.engine.nodes.base import NodeHandler, finish, time_out
from workflows.engine.specs import ApprovalSpec, SignalSpec, SubworkflowSpec, TimerSpec
from workflows.engine.state import StepState, StepStatus
from workflows.expressions import ExpressionError

if TYPE_CHECKING:
    from workflows.engine.events import Event
    from workflows.engine.runtime import Run


class _Wait(NodeHandler):
    def skip(self, run: Run, node: Node, step: StepState, output: Any) -> str | None:
        finish(run, node, step, output, node.out(EdgeKind.NORMAL), status=StepStatus.SKIPPED)
        return None

    def _render_failed(
        self, run: Run, node: Node, visit: int, via: str | None, what: str, exc: Exception
    ) -> None:
        message = exc.message if isinstance(exc, ExpressionError) else str(exc)
        run.fail_activation(
            node, visit, via, ErrorInfo(EXPRESSION_ERROR, f"{what} of {node.id}: {message}", False)
        )


class ApprovalHandler(_Wait):
    def activate(self, run: Run, node: Node, via: str | None) -> None:
        visit = run.next_visit(node)
        if visit is None:
            return
        spec = node.spec
        assert isinstance(spec, ApprovalSpec)
        try:
            assignees = spec.assignees.render(run.context(), now=run.now)
        except ExpressionError as exc:
            self._render_failed(run, node, visit, via, "assignees", exc)
            return
        step_id = run.create(node, visit, via, StepStatus.WAITING)
        run.emit(OpenApproval(step_id, node.id, node.name, assignees, spec.outcomes, dict(spec.config)))

    def handle(self, run: Run, node: Node, step: StepState, event: Event) -> str | None:
        if isinstance(event, ApprovalDecided):
            output = event.output if isinstance(event.output, dict) else {}
            output = {**output, "outcome": event.outcome}
            edges = node.out_for_outcome(event.outcome)
            finish(run, node, step, output, edges, outcome=event.outcome)
            if not edges:
                message = f"approval {node.id} was decided {event.outcome!r} but no edge leaves for it"
                run.fail_instance(
                    ErrorInfo(NO_OUTCOME_EDGE, message, False), step_id=step.id, node_id=node.id
                )
            return None
        if isinstance(event, StepTimedOut):
            time_out(run, node, step, "approval")
            return None
        return super().handle(run, node, step, event)

    def skip(self, run: Run, node: Node, step: StepState, output: Any) -> str | None:
        outcome = output.get("outcome") if isinstance(output, dict) else None
        edges = node.out_for_outcome(str(outcome)) if outcome is not None else node.out(EdgeKind.NORMAL)
        finish(run, node, step, output, edges, status=StepStatus.SKIPPED, outcome=outcome)
        return None


class TimerHandler(_Wait):
    def activate(self, run: Run, node: Node, via: str | None) -> None:
        visit = run.next_visit(node)
        if visit is None:
            return
        spec = node.spec
        assert isinstance(spec, TimerSpec)
        if spec.duration is not None:
            due_at = spec.duration.after(run.now)
        else:
            assert spec.until is not None
            try:
                due_at = _as_datetime(spec.until.evaluate(run.context(), now=run.now))
            except (ExpressionError, ValueError) as exc:
                code = EXPRESSION_ERROR if isinstance(exc, ExpressionError) else BAD_TIMER
                message = exc.message if isinstance(exc, ExpressionError) else str(exc)
                run.fail_activation(
                    node, visit, via, ErrorInfo(code, f"until of {node.id}: {message}", False)
                )
                return
        step_id = run.create(node, visit, via, StepStatus.WAITING)
        run.emit(ArmTimer(step_id, node.id, due_at))

    def handle(self, run: Run, node: Node, step: StepState, event: Event) -> str | None:
        if isinstance(event, TimerFired):
            finish(run, node, step, None, node.out(EdgeKind.NORMAL))
            return None
        return super().handle(run, node, step, event)


class SignalHandler(_Wait):
    def activate(self, run: Run, node: Node, via: str | None) -> None:
        visit = run.next_visit(node)
        if visit is None:
            return
        spec = node.spec
        assert isinstance(spec, SignalSpec)
        timeout_at = spec.timeout.after(run.now) if spec.timeout is not None else None
        step_id = run.create(node, visit, via, StepStatus.WAITING)
        run.emit(WaitForSignal(step_id, node.id, spec.name, timeout_at))

    def handle(self, run: Run, node: Node, step: StepState, event: Event) -> str | None:
        if isinstance(event, SignalReceived):
            finish(run, node, step, event.payload, node.out(EdgeKind.NORMAL))
            return None
        if isinstance(event, StepTimedOut):
            time_out(run, node, step, "signal wait")
            return None
        return super().handle(run, node, step, event)


class SubworkflowHandler(_Wait):
    def activate(self, run: Run, node: Node, via: str | None) -> None:
        visit = run.next_visit(node)
        if visit is None:
            return
        spec = node.spec
        assert isinstance(spec, SubworkflowSpec)
        try:
            child_input = spec.input.render(run.context(), now=run.now)
        except ExpressionError as exc:
            self._render_failed(run, node, visit, via, "input", exc)
            return
        step_id = run.create(node, visit, via, StepStatus.WAITING)
        run.emit(StartChild(step_id, node.id, spec.definition, spec.version, child_input))

    def handle(self, run: Run, node: Node, step: StepState, event: Event) -> str | None:
        spec = node.spec
        assert isinstance(spec, SubworkflowSpec)
        if isinstance(event, ChildFinished):
            if event.status == "completed":
                output = {"result": event.result, "vars": dict(event.vars)}
                finish(run, node, step, output, node.out(EdgeKind.NORMAL), output_var=spec.output_var)
            else:
                message = f"child workflow {spec.definition} ended {event.status}"
                run.fail_step(node, step, ErrorInfo(CHILD_FAILED, message, False))
            return None
        if isinstance(event, StepTimedOut):
            time_out(run, node, step, "subworkflow")
            return None
        return super().handle(run, node, step, event)


def _as_datetime(value: Any) -> datetime:
    """Accept a datetime or an ISO 8601 string; naive values are taken as UTC."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        raise ValueError(f"expected a datetime, got {type(value).__name__}")
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
