"""Join: continue exactly once per activation, after every incoming edge delivered once.

An arrival on edge `e` joins the oldest waiting activation of this join that has
not seen `e` yet, else opens a new activation (loops may bring a branch around
again before the others arrive). The activation fires when its arrivals cover
every incoming edge. Arrival order does not matter; the instance lock makes the
check-and-fire atomic, so two branches finishing at once fire it once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workflows.engine.commands import RecordJoinArrival
from workflows.engine.graph import EdgeKind, Node
from workflows.engine.nodes.base import NodeHandler, finish
from workflows.engine.state import StepStatus

if TYPE_CHECKING:
    from workflows.engine.runtime import Run


class JoinHandler(NodeHandler):
    def activate(self, run: Run, node: Node, via: str | None) -> None:
        needed = node.incoming_ids
        for step in run.state.live_steps_of(node.id):
            if via not in step.arrivals:
                run.emit(RecordJoinArrival(step.id, via or ""))
                if needed <= {*step.arrivals, via}:
                    finish(run, node, run.state.steps[step.id], None, node.out(EdgeKind.NORMAL))
                return
        visit = run.next_visit(node)
        if visit is None:
            return
        arrivals = (via,) if via else ()
        if needed <= set(arrivals):
            run.create(node, visit, via, StepStatus.SUCCEEDED, arrivals=arrivals)
            run.follow(node.out(EdgeKind.NORMAL))
        else:
            run.create(node, visit, via, StepStatus.WAITING, arrivals=arrivals)
