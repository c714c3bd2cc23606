"""Nodes the core resolves on the spot, with no worker and no wait: start, parallel, end."""

from __future__ import annotations

from typing import TYPE_CHECKING

from workflows.engine.commands import RecordResult
from workflows.engine.errors import EXPRESSION_ERROR, ErrorInfo
from workflows.engine.graph import EdgeKind, Node
from workflows.engine.nodes.base import NodeHandler
from workflows.engine.specs import EndSpec
from workflows.engine.state import StepStatus
from workflows.expressions import ExpressionError

if TYPE_CHECKING:
    from workflows.engine.runtime import Run


class StartHandler(NodeHandler):
    """The start node passes straight on along its outgoing edges."""

    def activate(self, run: Run, node: Node, via: str | None) -> None:
        visit = run.next_visit(node)
        if visit is None:
            return
        run.create(node, visit, via, StepStatus.SUCCEEDED)
        run.follow(node.outgoing)


class ParallelHandler(NodeHandler):
    """Starts every outgoing edge, in document order."""

    def activate(self, run: Run, node: Node, via: str | None) -> None:
        visit = run.next_visit(node)
        if visit is None:
            return
        run.create(node, visit, via, StepStatus.SUCCEEDED)
        run.follow(node.outgoing)


class EndHandler(NodeHandler):
    """Finishes its path; its rendered `result` becomes the instance result unless a
    later end is reached (the instance completes when no path is active)."""

    def activate(self, run: Run, node: Node, via: str | None) -> None:
        visit = run.next_visit(node)
        if visit is None:
            return
        spec = node.spec
        assert isinstance(spec, EndSpec)
        try:
            result = spec.result.render(run.context(), now=run.now) if spec.result else None
        except ExpressionError as exc:
            error = ErrorInfo(EXPRESSION_ERROR, f"result of {node.id}: {exc.message}", False)
            run.fail_activation(node, visit, via, error)
            return
        run.create(node, visit, via, StepStatus.SUCCEEDED, output=result)
        run.emit(RecordResult(result))
        run.follow(node.out(EdgeKind.NORMAL))
