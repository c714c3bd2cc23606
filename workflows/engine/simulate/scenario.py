"""What a dry run assumes about the outside world: action results, approval outcomes,
signal payloads and child results, chosen per node (and per visit or attempt)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from workflows.engine.errors import ErrorInfo
from workflows.engine.state import InstanceInfo

ActionStub = Callable[[Any], Any]
"""A stand-in action: takes the rendered params, returns the output or raises `ActionFailed`."""


class ActionFailed(Exception):
    """Raised by an action stub to make the step fail with this error."""

    def __init__(self, message: str, *, type: str = "ActionFailed", retryable: bool = True) -> None:
        super().__init__(message)
        self.error = ErrorInfo(type, message, retryable)


@dataclass(frozen=True, slots=True)
class Succeed:
    """The attempt returns `output`."""

    output: Any = None


@dataclass(frozen=True, slots=True)
class Fail:
    """The attempt raises."""

    message: str = "simulated failure"
    type: str = "SimulatedFailure"
    retryable: bool = True

    @property
    def error(self) -> ErrorInfo:
        return ErrorInfo(self.type, self.message, self.retryable)


@dataclass(frozen=True, slots=True)
class TimeOut:
    """The attempt (or the wait) times out."""


Outcome = Succeed | Fail | TimeOut


@dataclass(frozen=True, slots=True)
class Decide:
    """An approval decision: `outcome` plus the form values."""

    outcome: str
    form: Mapping[str, Any] = field(default_factory=dict)
    decided_by: str = "simulator"

    def output(self) -> dict[str, Any]:
        return {**self.form, "outcome": self.outcome, "decided_by": self.decided_by}


@dataclass(frozen=True, slots=True)
class Child:
    """A child instance's end: `status` "completed" continues the parent."""

    status: str = "completed"
    result: Any = None
    vars: Mapping[str, Any] = field(default_factory=dict)


def _fail(params: Any) -> Any:
    message = params.get("message") if isinstance(params, Mapping) else None
    raise ActionFailed(str(message or "core.fail always fails"))


BUILTIN_ACTIONS: Mapping[str, ActionStub] = {
    "core.echo": lambda params: params,
    "core.log": lambda params: None,
    "core.fail": _fail,
}


@dataclass(frozen=True)
class Scenario:
    """The inputs of one dry run.

    * `tasks[node_id]`: outcomes per attempt, consumed across visits (the last one
      repeats); without one, the action stub runs (`actions`, then the built-ins
      `core.echo` / `core.log` / `core.fail`; unknown actions return null).
    * `approvals[node_id]`: an outcome name or `Decide`, or a list of them per visit.
      Without one the approval stays open and the run stops there (`waiting`).
    * `signals[node_id]`: the payload (used on every visit; a list is a payload), or
      `TimeOut()`. Without one the wait times out if it has a timeout, else it stays open.
    * `children[node_id]`: `Child(...)` (or a list per visit); without one it stays open.
    * `compensations[node_id]`: outcomes per attempt of a compensation (default succeed).
    * Timers always fire at their due time; the simulated clock jumps there.
    """

    input: Mapping[str, Any] = field(default_factory=dict)
    vars: Mapping[str, Any] = field(default_factory=dict)
    info: InstanceInfo = field(default_factory=lambda: InstanceInfo("simulation", started_by="simulator"))
    tasks: Mapping[str, Outcome | Sequence[Outcome]] = field(default_factory=dict)
    actions: Mapping[str, ActionStub] = field(default_factory=dict)
    approvals: Mapping[str, str | Decide | Sequence[str | Decide]] = field(default_factory=dict)
    signals: Mapping[str, Any] = field(default_factory=dict)
    children: Mapping[str, Child | Sequence[Child]] = field(default_factory=dict)
    compensations: Mapping[str, Outcome | Sequence[Outcome]] = field(default_factory=dict)
    start: datetime = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)
    seed: int = 0
    max_events: int = 10_000


def pick(script: Any, index: int) -> Any:
    """Return entry `index` of a per-visit/attempt script; a single value always applies,
    and the last entry repeats once the list runs out."""
    if isinstance(script, list | tuple):
        if not script:
            raise ValueError("an empty script list has nothing to pick")
        return script[min(index, len(script) - 1)]
    return script
