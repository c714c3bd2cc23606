"""Events: what happened to an instance, in the past tense, as the core's input.

Every step event names the step id the core chose (see `CreateStep`). Task
events may carry the attempt they report on; a report for another attempt than
the step's current one is stale and ignored. Any event for a step that is no
longer live (finished, cancelled, unknown) is ignored: `decide()` returns no
commands, so redelivery is harmless.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from workflows.engine.errors import ErrorInfo


@dataclass(frozen=True, slots=True)
class InstanceStarted:
    """The instance row exists with its input; activate the start node (once)."""


@dataclass(frozen=True, slots=True)
class StepSucceeded:
    """A task's action returned `output` (JSON)."""

    step_id: str
    output: Any = None
    attempt: int | None = None


@dataclass(frozen=True, slots=True)
class StepFailed:
    """A task's action raised; `error.retryable` False skips the remaining attempts.
    `retry_after` (seconds, e.g. from a 429) delays the next attempt at least that long."""

    step_id: str
    error: ErrorInfo
    attempt: int | None = None
    retry_after: float | None = None


@dataclass(frozen=True, slots=True)
class StepTimedOut:
    """A task attempt overran `timeout_seconds` (the reaper saw it), or an approval or
    signal wait reached its timeout: the `timeout` edge is taken when there is one."""

    step_id: str
    attempt: int | None = None


@dataclass(frozen=True, slots=True)
class ApprovalDecided:
    """The approval's policy reached `outcome`; `output` is the decided form values
    plus `outcome` and `decided_by` (stored as `steps.<id>.output`)."""

    step_id: str
    outcome: str
    output: Any = None


@dataclass(frozen=True, slots=True)
class TimerFired:
    """A timer node's timer came due."""

    step_id: str


@dataclass(frozen=True, slots=True)
class SignalReceived:
    """The signal a signal node waits for arrived with `payload`."""

    step_id: str
    payload: Any = None


@dataclass(frozen=True, slots=True)
class ChildFinished:
    """A subworkflow's child instance reached a terminal `status`
    ("completed" continues the parent; anything else fails the step)."""

    step_id: str
    status: str
    result: Any = None
    vars: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CancelRequested:
    """Someone cancelled the instance; with `compensate`, compensation runs first."""

    compensate: bool = False
    reason: str = ""


@dataclass(frozen=True, slots=True)
class StepSkipped:
    """An operator skipped a live step: it finishes as skipped with `output` and its
    path continues (for an approval, `output["outcome"]` chooses the edge)."""

    step_id: str
    output: Any = None


@dataclass(frozen=True, slots=True)
class StepRetryRequested:
    """An operator asked to run a task step again now (stuck or waiting to retry).
    The attempt number goes up, so a late report of the old attempt is ignored."""

    step_id: str


@dataclass(frozen=True, slots=True)
class CompensationSucceeded:
    """The compensation action of finished step `step_id` succeeded."""

    step_id: str
    attempt: int | None = None


@dataclass(frozen=True, slots=True)
class CompensationFailed:
    """The compensation action of finished step `step_id` raised."""

    step_id: str
    error: ErrorInfo
    attempt: int | None = None


Event = (
    InstanceStarted
    | StepSucceeded
    | StepFailed
    | StepTimedOut
    | ApprovalDecided
    | TimerFired
    | SignalReceived
    | ChildFinished
    | CancelRequested
    | StepSkipped
    | StepRetryRequested
    | CompensationSucceeded
    | CompensationFailed
)
