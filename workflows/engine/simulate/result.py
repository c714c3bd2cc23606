"""What a dry run reports: the path taken, step statuses, final variables and result."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from workflows.engine.commands import Command
from workflows.engine.errors import ErrorInfo
from workflows.engine.events import Event
from workflows.engine.state import InstanceState, InstanceStatus, StepStatus


@dataclass(slots=True)
class PathStep:
    """One activation of one node, in activation order, with its final status."""

    step_id: str
    node_id: str
    node_type: str
    visit: int
    via_edge: str | None
    status: StepStatus
    attempts: int = 0
    output: Any = None
    error: ErrorInfo | None = None
    outcome: str | None = None


@dataclass(frozen=True, slots=True)
class TimedEvent:
    at: datetime
    event: Event


@dataclass(frozen=True, slots=True)
class Waiting:
    """A step left open when the run stopped (an approval without a chosen outcome, ...)."""

    step_id: str
    node_id: str
    node_type: str


@dataclass(frozen=True)
class SimulationResult:
    """The outcome of `simulate()`. `status` is the instance status at the end; an instance
    left `running` has `waiting` steps (or hit `max_events`: `aborted`)."""

    status: InstanceStatus
    result: Any
    vars: dict[str, Any]
    error: ErrorInfo | None
    path: tuple[PathStep, ...]
    edges: tuple[str, ...]
    compensated: tuple[str, ...]
    waiting: tuple[Waiting, ...]
    events: tuple[TimedEvent, ...]
    commands: tuple[Command, ...]
    state: InstanceState
    started_at: datetime
    finished_at: datetime
    aborted: bool = False

    @property
    def nodes(self) -> tuple[str, ...]:
        """Node ids in activation order (a node visited twice appears twice)."""
        return tuple(step.node_id for step in self.path)

    def statuses(self) -> dict[str, StepStatus]:
        """The final status of each node's latest activation."""
        return {step.node_id: step.status for step in self.path}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary for the designer's dry run."""
        saga = self.state.compensation
        return {
            "status": str(self.status),
            "result": self.result,
            "vars": self.vars,
            "error": self.error.as_dict() if self.error else None,
            "path": [
                {
                    "step_id": s.step_id,
                    "node": s.node_id,
                    "type": s.node_type,
                    "visit": s.visit,
                    "via_edge": s.via_edge,
                    "status": str(s.status),
                    "attempts": s.attempts,
                    "output": s.output,
                    "error": s.error.as_dict() if s.error else None,
                    "outcome": s.outcome,
                }
                for s in self.path
            ],
            "edges": list(self.edges),
            "compensated": list(self.compensated),
            "compensation_errors": [
                {"node": e.node_id, "step_id": e.step_id, "error": e.error.as_dict()}
                for e in (saga.errors if saga else ())
            ],
            "waiting": [{"step_id": w.step_id, "node": w.node_id, "type": w.node_type} for w in self.waiting],
            "events": len(self.events),
            "simulated_seconds": (self.finished_at - self.started_at).total_seconds(),
            "aborted": self.aborted,
        }
