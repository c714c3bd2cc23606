"""The instance state the core reasons about: plain dataclasses, no history replay.

Loading contract for adapters (few queries, no replay):

* the instance row, locked: `status`, `input`, `vars`, `visits` (node id -> count),
  `result`, `error`, `compensable` (list of `[step_id, node_id]` in completion
  order) and `compensation` (JSON of `CompensationState`, or null);
* the live steps (status scheduled, running, retrying or waiting), one row each;
* `results`: the latest result per node, i.e. the `steps` part of the expression
  context. Either keep it as a JSON column on the instance (updated per
  `CreateStep`/`CompleteStep`/`FailStep`), or read it with one
  `DISTINCT ON (node_id)` query over finished steps.

Every field here changes only through a command (see `commands.py` and
`reducer.apply`), so an adapter that applies the commands keeps its rows equal
to the state the core returned.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from workflows.engine.errors import ErrorInfo


class InstanceStatus(enum.StrEnum):
    RUNNING = "running"
    COMPENSATING = "compensating"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    COMPENSATED = "compensated"

    @property
    def is_terminal(self) -> bool:
        return self not in (InstanceStatus.RUNNING, InstanceStatus.COMPENSATING)


class StepStatus(enum.StrEnum):
    """Step statuses. The core never sets RUNNING: the worker's adapter does."""

    SCHEDULED = "scheduled"
    RUNNING = "running"
    RETRYING = "retrying"
    WAITING = "waiting"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"
    COMPENSATING = "compensating"
    COMPENSATED = "compensated"
    COMPENSATION_FAILED = "compensation_failed"

    @property
    def is_live(self) -> bool:
        """A live step is still on a path: it may receive events and keeps the instance open."""
        return self in _LIVE


_LIVE = frozenset({StepStatus.SCHEDULED, StepStatus.RUNNING, StepStatus.RETRYING, StepStatus.WAITING})


@dataclass(frozen=True, slots=True)
class StepState:
    """One activation of one node ("token"). `visit` counts activations of the node (1-based).

    `attempt` is 1-based for task steps and 0 for the others. `arrivals` lists the
    incoming edge ids a waiting join step has received. `params` holds a task's
    rendered params; `not_before` the earliest start of a retrying attempt.
    """

    id: str
    node_id: str
    node_type: str
    visit: int
    status: StepStatus
    attempt: int = 0
    params: Any = None
    output: Any = None
    error: ErrorInfo | None = None
    arrivals: tuple[str, ...] = ()
    not_before: datetime | None = None

    def evolve(self, **changes: Any) -> StepState:
        return replace(self, **changes)


@dataclass(frozen=True, slots=True)
class InstanceInfo:
    """The `instance` part of the expression context."""

    id: str
    business_key: str = ""
    started_by: str = ""
    started_by_email: str = ""

    def as_context(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "business_key": self.business_key,
            "started_by": self.started_by,
            "started_by_email": self.started_by_email,
        }


@dataclass(frozen=True, slots=True)
class CompensationRecord:
    """A finished step whose node declared `compensate`."""

    step_id: str
    node_id: str


@dataclass(frozen=True, slots=True)
class CompensationError:
    step_id: str
    node_id: str
    error: ErrorInfo


@dataclass(frozen=True, slots=True)
class CompensationState:
    """Saga progress: `pending` runs next-first; `current` is the one in flight.

    `reason` is "failed" (the instance failed) or "cancelled" (a cancel asked for it).
    """

    reason: str
    pending: tuple[CompensationRecord, ...]
    current: CompensationRecord | None = None
    attempt: int = 0
    errors: tuple[CompensationError, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON form adapters store on the instance row."""
        return {
            "reason": self.reason,
            "pending": [[r.step_id, r.node_id] for r in self.pending],
            "current": [self.current.step_id, self.current.node_id] if self.current else None,
            "attempt": self.attempt,
            "errors": [
                {"step_id": e.step_id, "node_id": e.node_id, "error": e.error.as_dict()} for e in self.errors
            ],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CompensationState:
        """Rebuild from `as_dict()` output."""
        current = data.get("current")
        return cls(
            reason=str(data["reason"]),
            pending=tuple(CompensationRecord(str(s), str(n)) for s, n in data.get("pending", ())),
            current=CompensationRecord(str(current[0]), str(current[1])) if current else None,
            attempt=int(data.get("attempt", 0)),
            errors=tuple(
                CompensationError(str(e["step_id"]), str(e["node_id"]), ErrorInfo.from_dict(e["error"]))
                for e in data.get("errors", ())
            ),
        )


@dataclass(slots=True)
class InstanceState:
    """Everything `decide()` needs about one instance. `decide()` never mutates it.

    `steps` holds only live steps by id (finished steps are history, so a late
    event for one finds nothing and is ignored). `results` maps node id to
    `{"output": ...}` or `{"output": None, "error": {...}}` for the node's latest
    finished step: it is the `steps` part of the expression context.
    """

    info: InstanceInfo
    status: InstanceStatus = InstanceStatus.RUNNING
    input: dict[str, Any] = field(default_factory=dict)
    vars: dict[str, Any] = field(default_factory=dict)
    steps: dict[str, StepState] = field(default_factory=dict)
    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    visits: dict[str, int] = field(default_factory=dict)
    compensable: tuple[CompensationRecord, ...] = ()
    compensation: CompensationState | None = None
    result: Any = None
    error: ErrorInfo | None = None

    def copy(self) -> InstanceState:
        """Return a copy whose containers may be changed without touching this one."""
        # Spelled out rather than dataclasses.replace: this runs once per decide().
        return InstanceState(
            self.info,
            self.status,
            self.input,
            dict(self.vars),
            dict(self.steps),
            dict(self.results),
            dict(self.visits),
            self.compensable,
            self.compensation,
            self.result,
            self.error,
        )

    def context(self) -> dict[str, Any]:
        """Return the expression context: input, vars, steps and instance."""
        return {
            "input": self.input,
            "vars": self.vars,
            "steps": self.results,
            "instance": self.info.as_context(),
        }

    def live_steps_of(self, node_id: str) -> list[StepState]:
        return [s for s in self.steps.values() if s.node_id == node_id]
