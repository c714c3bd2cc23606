"""`decide()`: one event in, the commands and the new state out. Pure and deterministic.

Given the same graph, state, event, `now` and random source state, `decide()`
returns the same decision. It never mutates its arguments, never reads the
clock, and never performs I/O. Automatic nodes (start, condition, parallel,
join, set, end) reached along the way are resolved within the same call, so one
decision may run a whole stretch of the graph up to the next task or wait.

Idempotent: an event for a step that is no longer live, a stale attempt, or any
event for a finished instance yields no commands and the unchanged state, with
`Decision.ignored` saying why (adapters log it; a redelivered message is a no-op).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from workflows.engine import compensation
from workflows.engine.commands import CancelInstance, Command
from workflows.engine.events import (
    CancelRequested,
    CompensationFailed,
    CompensationSucceeded,
    Event,
    InstanceStarted,
    StepRetryRequested,
    StepSkipped,
)
from workflows.engine.graph import Graph
from workflows.engine.nodes import handler_for
from workflows.engine.ports import RandomSource
from workflows.engine.runtime import Run
from workflows.engine.state import InstanceInfo, InstanceState, InstanceStatus

_SYSTEM_RANDOM: RandomSource = random.SystemRandom()


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of one event.

    `commands` are to be applied in order in the same transaction (their effects
    dispatched after commit); `state` is the input state with them applied;
    `ignored` is None when the event applied, else why it did not (then
    `commands` is empty and `state` is the input state itself).
    """

    state: InstanceState
    commands: tuple[Command, ...]
    ignored: str | None = None


def new_instance(
    graph: Graph,
    info: InstanceInfo,
    input: Mapping[str, Any],
    *,
    vars: Mapping[str, Any] | None = None,
) -> InstanceState:
    """Return the state of a new, running instance (input defaults filled in, not validated).

    Feed it `InstanceStarted` to activate the start node.
    """
    return InstanceState(info=info, input=graph.with_input_defaults(input), vars=dict(vars or {}))


def decide(
    graph: Graph,
    state: InstanceState,
    event: Event,
    *,
    now: datetime,
    rng: RandomSource | None = None,
) -> Decision:
    """Decide what `event` means for the instance and what happens next.

    `now` must be timezone-aware; `rng` supplies retry jitter and new step ids
    (default: the OS random source; tests pass `random.Random(seed)`).
    Precondition (adapters): the instance row is locked for the whole
    load-decide-apply cycle, so decisions for one instance never interleave.
    """
    if now.tzinfo is None:
        raise ValueError("decide() needs an aware datetime for now")
    run = Run(graph, state.copy(), now=now, rng=rng or _SYSTEM_RANDOM)
    ignored = _dispatch(run, event)
    if ignored is not None:
        return Decision(state, (), ignored)
    run.drain()
    run.settle()
    return Decision(run.state, tuple(run.commands))


def _dispatch(run: Run, event: Event) -> str | None:
    status = run.state.status
    if isinstance(event, CompensationSucceeded | CompensationFailed):
        return compensation.on_event(run, event)
    if status is not InstanceStatus.RUNNING:
        return f"instance is {status}"
    if isinstance(event, InstanceStarted):
        if run.state.visits:
            return "instance already started"
        run.activate_start()
        return None
    if isinstance(event, CancelRequested):
        _cancel(run, event)
        return None
    step = run.state.steps.get(event.step_id)
    if step is None:
        return f"step {event.step_id} is not live"
    node = run.graph.node(step.node_id)
    handler = handler_for(node)
    if isinstance(event, StepSkipped):
        return handler.skip(run, node, step, event.output)
    if isinstance(event, StepRetryRequested):
        return handler.retry(run, node, step)
    return handler.handle(run, node, step, event)


def _cancel(run: Run, event: CancelRequested) -> None:
    run.cancel_live_steps(event.reason or "instance cancelled")
    if event.compensate and run.state.compensable:
        compensation.start(run, reason="cancelled", error=None, step_id=None, node_id=None)
    else:
        run.emit(CancelInstance(event.reason))
