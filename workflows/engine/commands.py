"""Commands: the decisions `decide()` returns, in the order the adapter applies them.

Each command is both a state change (see `reducer.apply`, which the core itself
uses, so the returned state always equals the commands applied to the input
state) and, for some, an outside effect the adapter performs after commit:
dispatching a task, opening an approval, arming a timer, starting a child.

Step ids are chosen by the core: `CreateStep.step_id` is a fresh UUID4 string
drawn from the injected random source; adapters use it as the step row's
primary key, and as the action's idempotency key (stable across attempts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from workflows.engine.errors import ErrorInfo
from workflows.engine.state import CompensationError, CompensationRecord, InstanceStatus, StepStatus

# -- step rows ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CreateStep:
    """Insert a step row for one activation of `node_id` reached through `via_edge`.

    `status` is final (succeeded/failed) for nodes the core resolved in this call
    (start, end, condition, parallel, set, a join that fired at once), `scheduled`
    for a task (a `ScheduleStep` follows), and `waiting` for approvals, timers,
    signals, subworkflows and joins still waiting for other branches.
    """

    step_id: str
    node_id: str
    node_type: str
    visit: int
    via_edge: str | None
    status: StepStatus
    attempt: int = 0
    params: Any = None
    output: Any = None
    error: ErrorInfo | None = None
    arrivals: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RecordJoinArrival:
    """Another incoming edge reached a waiting join step."""

    step_id: str
    edge_id: str


@dataclass(frozen=True, slots=True)
class CompleteStep:
    """A live step finished with `output` (status succeeded, or skipped by an operator).

    `compensable` is true when the node declared `compensate`: append the step to
    the instance's compensation list (completion order).
    """

    step_id: str
    node_id: str
    output: Any = None
    status: StepStatus = StepStatus.SUCCEEDED
    outcome: str | None = None
    compensable: bool = False


@dataclass(frozen=True, slots=True)
class FailStep:
    """A live step failed for good; `handled` when its `on_error`/`timeout` edge was taken."""

    step_id: str
    node_id: str
    error: ErrorInfo
    handled: bool = False


@dataclass(frozen=True, slots=True)
class CancelSteps:
    """Cancel live steps: close their approvals, timers and signal waits, cancel child
    instances, and ignore whatever their workers report later."""

    step_ids: tuple[str, ...]
    reason: str


# -- effects: work to dispatch and waits to record after commit ----------------------------


@dataclass(frozen=True, slots=True)
class ScheduleStep:
    """Dispatch attempt `attempt` of a task: run `action` with the rendered `params`,
    no earlier than `not_before` (None: now), within `timeout_seconds` if set."""

    step_id: str
    node_id: str
    action: str
    params: Any
    attempt: int
    not_before: datetime | None = None
    timeout_seconds: float | None = None


@dataclass(frozen=True, slots=True)
class ScheduleRetry:
    """Attempt `attempt - 1` failed with `error`; run attempt `attempt` at `not_before`.
    The step is `retrying` until then; keep the due time durable (a timer row)."""

    step_id: str
    node_id: str
    attempt: int
    not_before: datetime
    error: ErrorInfo


@dataclass(frozen=True, slots=True)
class OpenApproval:
    """Open a human task. `assignees` is rendered; `config` is the node config as written."""

    step_id: str
    node_id: str
    name: str
    assignees: Any
    outcomes: tuple[str, ...]
    config: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ArmTimer:
    """Record a durable timer; send `TimerFired(step_id)` when it is due."""

    step_id: str
    node_id: str
    due_at: datetime


@dataclass(frozen=True, slots=True)
class WaitForSignal:
    """Record a signal wait; `SignalReceived` when `name` arrives, `StepTimedOut` at `timeout_at`."""

    step_id: str
    node_id: str
    name: str
    timeout_at: datetime | None


@dataclass(frozen=True, slots=True)
class StartChild:
    """Start a child instance of `definition` (`version` None: latest published)."""

    step_id: str
    node_id: str
    definition: str
    version: int | None
    input: Any


# -- the instance --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SetVariables:
    """Merge `values` into the instance's variables (top-level keys replace)."""

    values: dict[str, Any]


@dataclass(frozen=True, slots=True)
class RecordResult:
    """An end node finished its path with `value`; it is the result unless a later end wins."""

    value: Any


@dataclass(frozen=True, slots=True)
class CompleteInstance:
    result: Any


@dataclass(frozen=True, slots=True)
class FailInstance:
    """The instance failed and nothing is left to compensate."""

    error: ErrorInfo
    step_id: str | None = None
    node_id: str | None = None


@dataclass(frozen=True, slots=True)
class CancelInstance:
    reason: str = ""


# -- compensation (saga) -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StartCompensation:
    """The instance enters `compensating`; `records` run in this order (reverse completion).
    `error` is why the instance failed (None when a cancel asked for compensation)."""

    reason: str
    records: tuple[CompensationRecord, ...]
    error: ErrorInfo | None = None
    step_id: str | None = None
    node_id: str | None = None


@dataclass(frozen=True, slots=True)
class ScheduleCompensation:
    """Run the compensation `action` for finished step `step_id` (step status compensating).
    Idempotency key: `f"{step_id}:compensate"`."""

    step_id: str
    node_id: str
    action: str
    params: Any
    attempt: int
    not_before: datetime | None = None


@dataclass(frozen=True, slots=True)
class MarkCompensated:
    step_id: str


@dataclass(frozen=True, slots=True)
class MarkCompensationFailed:
    step_id: str
    node_id: str
    error: ErrorInfo


@dataclass(frozen=True, slots=True)
class CompleteCompensation:
    """All compensations succeeded; the instance ends in `status` (compensated or cancelled)."""

    status: InstanceStatus


@dataclass(frozen=True, slots=True)
class FailCompensation:
    """Compensation finished with errors; the instance ends `failed` with them recorded."""

    errors: tuple[CompensationError, ...]


Command = (
    CreateStep
    | RecordJoinArrival
    | CompleteStep
    | FailStep
    | CancelSteps
    | ScheduleStep
    | ScheduleRetry
    | OpenApproval
    | ArmTimer
    | WaitForSignal
    | StartChild
    | SetVariables
    | RecordResult
    | CompleteInstance
    | FailInstance
    | CancelInstance
    | StartCompensation
    | ScheduleCompensation
    | MarkCompensated
    | MarkCompensationFailed
    | CompleteCompensation
    | FailCompensation
)
