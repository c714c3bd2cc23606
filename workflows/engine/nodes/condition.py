"""Exclusive choice: the first outgoing edge (document order) whose condition is true,
else the edge marked `default`; with neither the instance fails (`no_matching_edge`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from workflows.engine.errors import EXPRESSION_ERROR, NO_MATCHING_EDGE, ErrorInfo
from workflows.engine.graph import Edge, EdgeKind, Node
from workflows.engine.nodes.base import NodeHandler
from workflows.engine.state import StepStatus
from workflows.expressions import ExpressionError

if TYPE_CHECKING:
    from workflows.engine.runtime import Run


class ConditionHandler(NodeHandler):
    def activate(self, run: Run, node: Node, via: str | None) -> None:
        visit = run.next_visit(node)
        if visit is None:
            return
        context = run.context()
        chosen: Edge | None = None
        for edge in node.out(EdgeKind.CONDITION):
            assert edge.condition is not None
            try:
                if edge.condition.evaluate(context, now=run.now):
                    chosen = edge
                    break
            except ExpressionError as exc:
                error = ErrorInfo(EXPRESSION_ERROR, f"condition of edge {edge.id}: {exc.message}", False)
                run.fail_activation(node, visit, via, error)
                return
        if chosen is None:
            defaults = node.out(EdgeKind.DEFAULT)
            chosen = defaults[0] if defaults else None
        if chosen is None:
            message = f"no condition of {node.id} is true and it has no default edge"
            run.fail_activation(node, visit, via, ErrorInfo(NO_MATCHING_EDGE, message, False))
            return
        run.create(node, visit, via, StepStatus.SUCCEEDED, output={"edge": chosen.id})
        run.follow((chosen,))
