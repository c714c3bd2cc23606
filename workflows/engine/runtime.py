"""One `decide()` call's working area: the copied state, the emitted commands and the
queue of activations still to run. Node handlers and the saga code act through it.
"""

from __future__ import annotations

import uuid
from collections import deque
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from workflows.engine import compensation
from workflows.engine.commands import (
    CancelSteps,
    Command,
    CompleteInstance,
    CreateStep,
    FailInstance,
    FailStep,
)
from workflows.engine.errors import JOIN_INCOMPLETE, LOOP_LIMIT_EXCEEDED, ErrorInfo
from workflows.engine.graph import Edge, EdgeKind, Graph, Node
from workflows.engine.nodes import handler_for
from workflows.engine.ports import RandomSource
from workflows.engine.reducer import apply_in_place
from workflows.engine.state import InstanceState, InstanceStatus, StepState, StepStatus


class Run:
    """Mutable scratch space for one decision; never outlives `decide()`.

    Precondition: `state` is a private copy (the caller's state is never touched).
    Every change goes through `emit`, which records the command and applies it.
    """

    def __init__(self, graph: Graph, state: InstanceState, *, now: datetime, rng: RandomSource) -> None:
        self.graph = graph
        self.state = state
        self.now = now
        self.rng = rng
        self.commands: list[Command] = []
        self._queue: deque[tuple[str, str | None]] = deque()

    # -- recording ----------------------------------------------------------------------

    def emit(self, command: Command) -> None:
        self.commands.append(command)
        apply_in_place(self.state, command)

    def new_id(self) -> str:
        """Return a fresh UUID4 string drawn from the injected random source."""
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def context(self) -> dict[str, Any]:
        return self.state.context()

    @property
    def running(self) -> bool:
        return self.state.status is InstanceStatus.RUNNING

    # -- paths ----------------------------------------------------------------------------

    def follow(self, edges: Iterable[Edge]) -> None:
        """Queue the targets of `edges`, in order; they activate within this decision."""
        for edge in edges:
            self._queue.append((edge.target, edge.id))

    def activate_start(self) -> None:
        self._queue.append((self.graph.start.id, None))

    def drain(self) -> None:
        """Activate queued nodes first-in first-out until none are left or the instance stops."""
        while self._queue and self.running:
            node_id, via = self._queue.popleft()
            node = self.graph.node(node_id)
            handler_for(node).activate(self, node, via)

    def next_visit(self, node: Node) -> int | None:
        """Return the visit number of a new activation of `node`, or None after failing the
        instance because the node hit the loop guard."""
        visit = self.state.visits.get(node.id, 0) + 1
        limit = self.graph.options.max_activations_per_node
        if visit > limit:
            message = f"node {node.id} would run more than {limit} times; stopping a runaway loop"
            self.fail_instance(ErrorInfo(LOOP_LIMIT_EXCEEDED, message, False), node_id=node.id)
            return None
        return visit

    def create(self, node: Node, visit: int, via: str | None, status: StepStatus, **fields: Any) -> str:
        """Emit `CreateStep` for a new activation and return its step id."""
        step_id = self.new_id()
        self.emit(CreateStep(step_id, node.id, node.type, visit, via, status, **fields))
        return step_id

    # -- failure --------------------------------------------------------------------------

    def fail_activation(self, node: Node, visit: int, via: str | None, error: ErrorInfo) -> None:
        """Record an activation that failed before doing anything, then route the failure."""
        step_id = self.create(node, visit, via, StepStatus.FAILED, error=error)
        self._route_failure(node, step_id, error)

    def fail_step(self, node: Node, step: StepState, error: ErrorInfo) -> None:
        """Fail a live step for good: take its `on_error` edges, else fail the instance."""
        handlers = node.out(EdgeKind.ON_ERROR)
        self.emit(FailStep(step.id, node.id, error, handled=bool(handlers)))
        if not handlers:
            self.fail_instance(error, step_id=step.id, node_id=node.id)
        self.follow(handlers)

    def _route_failure(self, node: Node, step_id: str, error: ErrorInfo) -> None:
        handlers = node.out(EdgeKind.ON_ERROR)
        if handlers:
            self.follow(handlers)
        else:
            self.fail_instance(error, step_id=step_id, node_id=node.id)

    def fail_instance(
        self, error: ErrorInfo, *, step_id: str | None = None, node_id: str | None = None
    ) -> None:
        """Stop every path; compensate finished steps that declared it, else fail the instance."""
        self._queue.clear()
        self.cancel_live_steps("instance failed")
        if self.state.compensable:
            compensation.start(self, reason="failed", error=error, step_id=step_id, node_id=node_id)
        else:
            self.emit(FailInstance(error, step_id, node_id))

    def cancel_live_steps(self, reason: str) -> None:
        if self.state.steps:
            self.emit(CancelSteps(tuple(self.state.steps), reason))

    # -- the end ----------------------------------------------------------------------------

    def settle(self) -> None:
        """Complete the instance when no path is active any more.

        A join still waiting when every other path has ended can never fire: the
        instance fails with `join_incomplete` rather than waiting forever.
        """
        if not self.running:
            return
        live = self.state.steps.values()
        if any(step.node_type != "join" for step in live):
            return
        waiting = sorted({step.node_id for step in live})
        if waiting:
            message = f"join {', '.join(waiting)} waits for branches that can no longer arrive"
            self.fail_instance(ErrorInfo(JOIN_INCOMPLETE, message, False), node_id=waiting[0])
        else:
            self.emit(CompleteInstance(self.state.result))
