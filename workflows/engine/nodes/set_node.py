"""`set`: evaluate each assignment (document order; later ones see earlier ones) and
merge the values into the instance variables. An expression error fails the node."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from workflows.engine.commands import SetVariables
from workflows.engine.errors import EXPRESSION_ERROR, ErrorInfo
from workflows.engine.graph import EdgeKind, Node
from workflows.engine.nodes.base import NodeHandler
from workflows.engine.specs import SetSpec
from workflows.engine.state import StepStatus
from workflows.expressions import ExpressionError, to_json

if TYPE_CHECKING:
    from workflows.engine.runtime import Run


class SetHandler(NodeHandler):
    def activate(self, run: Run, node: Node, via: str | None) -> None:
        visit = run.next_visit(node)
        if visit is None:
            return
        spec = node.spec
        assert isinstance(spec, SetSpec)
        context = run.context()
        values: dict[str, Any] = {}
        for name, expression in spec.assign:
            context["vars"] = {**run.state.vars, **values}
            try:
                # Variables are stored as JSON: datetimes and durations become ISO 8601 text.
                values[name] = to_json(expression.evaluate(context, now=run.now))
            except ExpressionError as exc:
                error = ErrorInfo(
                    EXPRESSION_ERROR, f"assignment of {name} in {node.id}: {exc.message}", False
                )
                run.fail_activation(node, visit, via, error)
                return
        run.create(node, visit, via, StepStatus.SUCCEEDED, output=values)
        run.emit(SetVariables(values))
        run.follow(node.out(EdgeKind.NORMAL))
