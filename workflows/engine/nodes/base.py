"""What every node handler can do, and the shared moves handlers are built from."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from workflows.engine.commands import CompleteStep, FailStep, SetVariables
from workflows.engine.errors import STEP_TIMED_OUT, ErrorInfo
from workflows.engine.graph import Edge, EdgeKind, Node
from workflows.engine.state import StepState, StepStatus

if TYPE_CHECKING:
    from workflows.engine.events import Event
    from workflows.engine.runtime import Run


class NodeHandler:
    """Behaviour of one node type; a stateless singleton.

    `activate` runs when a path reaches the node. `handle`, `skip` and `retry` run
    for events addressed to one of the node's live steps and return None when
    they applied it, or a short reason why it was ignored (no command emitted).
    """

    def activate(self, run: Run, node: Node, via: str | None) -> None:
        raise NotImplementedError

    def handle(self, run: Run, node: Node, step: StepState, event: Event) -> str | None:
        return f"{type(event).__name__} does not apply to a {node.type} step"

    def skip(self, run: Run, node: Node, step: StepState, output: Any) -> str | None:
        return f"a {node.type} step cannot be skipped"

    def retry(self, run: Run, node: Node, step: StepState) -> str | None:
        return f"a {node.type} step cannot be retried"


def finish(
    run: Run,
    node: Node,
    step: StepState,
    output: Any,
    edges: Iterable[Edge],
    *,
    output_var: str | None = None,
    status: StepStatus = StepStatus.SUCCEEDED,
    outcome: str | None = None,
    compensable: bool = False,
) -> None:
    """Complete a live step, store its output variable, and continue along `edges`."""
    run.emit(CompleteStep(step.id, node.id, output, status, outcome, compensable))
    if output_var:
        run.emit(SetVariables({output_var: output}))
    run.follow(edges)


def time_out(run: Run, node: Node, step: StepState, what: str) -> None:
    """A wait timed out: take the `timeout` edges, else fail the step (on_error or instance)."""
    error = ErrorInfo(STEP_TIMED_OUT, f"{what} {node.id} timed out", False)
    edges = node.out(EdgeKind.TIMEOUT)
    if edges:
        run.emit(FailStep(step.id, node.id, error, handled=True))
        run.follow(edges)
    else:
        run.fail_step(node, step, error)
