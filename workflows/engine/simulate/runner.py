"""Drive the real core in memory: the designer's dry run and the engine's test harness.

There is no simulation logic of its own here: every decision comes from
`decide()`; this module only plays the outside world (workers, approvers,
timers, signals, child instances) from a `Scenario`, on a simulated clock.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections import Counter
from collections.abc import Callable
from datetime import datetime

from workflows.engine.commands import (
    ArmTimer,
    CancelSteps,
    Command,
    CompleteStep,
    CreateStep,
    FailStep,
    MarkCompensated,
    MarkCompensationFailed,
    OpenApproval,
    RecordJoinArrival,
    ScheduleCompensation,
    ScheduleRetry,
    ScheduleStep,
    StartChild,
    WaitForSignal,
)
from workflows.engine.core import decide, new_instance
from workflows.engine.events import (
    ApprovalDecided,
    ChildFinished,
    CompensationFailed,
    CompensationSucceeded,
    Event,
    InstanceStarted,
    SignalReceived,
    StepFailed,
    StepSucceeded,
    StepTimedOut,
    TimerFired,
)
from workflows.engine.graph import Graph
from workflows.engine.simulate.result import PathStep, SimulationResult, TimedEvent, Waiting
from workflows.engine.simulate.scenario import (
    BUILTIN_ACTIONS,
    ActionFailed,
    Child,
    Decide,
    Fail,
    Outcome,
    Scenario,
    Succeed,
    TimeOut,
    pick,
)
from workflows.engine.specs import TaskSpec
from workflows.engine.state import StepStatus


def simulate(graph: Graph, scenario: Scenario) -> SimulationResult:
    """Run one instance of `graph` to its end (or until nothing more can happen).

    Deterministic for a given scenario (the seed drives step ids and jitter).
    Outside happenings run in due-time order; the clock jumps to each due time.
    """
    return _Simulation(graph, scenario).run()


class _Simulation:
    def __init__(self, graph: Graph, scenario: Scenario) -> None:
        self.graph = graph
        self.scenario = scenario
        self.now = scenario.start
        self.rng = random.Random(scenario.seed)  # noqa: S311 - reproducible ids and jitter, not secrets
        self.state = new_instance(graph, scenario.info, scenario.input, vars=scenario.vars)
        self.agenda: list[tuple[datetime, int, Callable[[], Event | None]]] = []
        self.order = itertools.count()
        self.path: dict[str, PathStep] = {}
        self.edges: list[str] = []
        self.compensated: list[str] = []
        self.events: list[TimedEvent] = []
        self.commands: list[Command] = []
        self.runs: Counter[str] = Counter()
        self.answers: Counter[str] = Counter()
        self.undo_runs: Counter[str] = Counter()

    def run(self) -> SimulationResult:
        self.feed(InstanceStarted())
        aborted = False
        while self.agenda and not self.state.status.is_terminal:
            if len(self.events) >= self.scenario.max_events:
                aborted = True
                break
            due, _, happen = heapq.heappop(self.agenda)
            self.now = max(self.now, due)
            event = happen()
            if event is not None:
                self.feed(event)
        return SimulationResult(
            status=self.state.status,
            result=self.state.result,
            vars=dict(self.state.vars),
            error=self.state.error,
            path=tuple(self.path.values()),
            edges=tuple(self.edges),
            compensated=tuple(self.compensated),
            waiting=tuple(Waiting(s.id, s.node_id, s.node_type) for s in self.state.steps.values()),
            events=tuple(self.events),
            commands=tuple(self.commands),
            state=self.state,
            started_at=self.scenario.start,
            finished_at=self.now,
            aborted=aborted,
        )

    def feed(self, event: Event) -> None:
        self.events.append(TimedEvent(self.now, event))
        decision = decide(self.graph, self.state, event, now=self.now, rng=self.rng)
        self.state = decision.state
        for command in decision.commands:
            self.commands.append(command)
            self.trace(command)
            self.react(command)

    def at(self, due: datetime | None, happen: Callable[[], Event | None]) -> None:
        heapq.heappush(self.agenda, (due or self.now, next(self.order), happen))

    # -- the outside world ----------------------------------------------------------------

    def react(self, command: Command) -> None:
        s = self.scenario
        match command:
            case ScheduleStep(step_id=step_id, node_id=node_id, params=params, attempt=attempt):
                self.at(command.not_before, lambda: self.run_task(step_id, node_id, params, attempt))
            case ScheduleRetry(step_id=step_id, node_id=node_id, attempt=attempt):
                params = self.state.steps[step_id].params
                self.at(command.not_before, lambda: self.run_task(step_id, node_id, params, attempt))
            case OpenApproval(step_id=step_id, node_id=node_id) if node_id in s.approvals:
                choice: str | Decide = pick(s.approvals[node_id], self.answers[node_id])
                self.answers[node_id] += 1
                decision = choice if isinstance(choice, Decide) else Decide(choice)
                self.at(None, lambda: ApprovalDecided(step_id, decision.outcome, decision.output()))
            case ArmTimer(step_id=step_id, due_at=due_at):
                self.at(due_at, lambda: TimerFired(step_id))
            case WaitForSignal(step_id=step_id, node_id=node_id, timeout_at=timeout_at):
                payload = s.signals.get(node_id, TimeOut() if timeout_at else None)
                if isinstance(payload, TimeOut):
                    self.at(timeout_at, lambda: StepTimedOut(step_id))
                elif node_id in s.signals:
                    self.at(None, lambda: SignalReceived(step_id, payload))
            case StartChild(step_id=step_id, node_id=node_id) if node_id in s.children:
                child: Child = pick(s.children[node_id], self.answers[node_id])
                self.answers[node_id] += 1
                self.at(None, lambda: ChildFinished(step_id, child.status, child.result, dict(child.vars)))
            case ScheduleCompensation(step_id=step_id, node_id=node_id, attempt=attempt):
                action, params = command.action, command.params
                self.at(command.not_before, lambda: self.run_undo(step_id, node_id, action, params, attempt))
            case _:
                pass

    def run_task(self, step_id: str, node_id: str, params: object, attempt: int) -> Event | None:
        step = self.state.steps.get(step_id)
        if step is None or step.attempt != attempt:
            return None  # cancelled or superseded while queued: a real worker would find the same
        index = self.runs[node_id]
        self.runs[node_id] += 1
        script = self.scenario.tasks.get(node_id)
        if script is not None:
            outcome: Outcome = pick(script, index)
        else:
            spec = self.graph.node(node_id).spec
            assert isinstance(spec, TaskSpec)
            outcome = self.call(spec.action, params)
        if isinstance(outcome, Succeed):
            return StepSucceeded(step_id, outcome.output, attempt)
        if isinstance(outcome, Fail):
            return StepFailed(step_id, outcome.error, attempt)
        return StepTimedOut(step_id, attempt)

    def run_undo(self, step_id: str, node_id: str, action: str, params: object, attempt: int) -> Event:
        script = self.scenario.compensations.get(node_id)
        index = self.undo_runs[node_id]
        self.undo_runs[node_id] += 1
        outcome: Outcome = pick(script, index) if script is not None else self.call(action, params)
        if isinstance(outcome, Succeed):
            return CompensationSucceeded(step_id, attempt)
        error = (
            outcome.error if isinstance(outcome, Fail) else Fail("compensation timed out", "timeout").error
        )
        return CompensationFailed(step_id, error, attempt)

    def call(self, action: str, params: object) -> Outcome:
        stub = self.scenario.actions.get(action) or BUILTIN_ACTIONS.get(action)
        if stub is None:
            return Succeed(None)
        try:
            return Succeed(stub(params))
        except ActionFailed as failure:
            return Fail(failure.error.message, failure.error.type, failure.error.retryable)

    # -- the record -----------------------------------------------------------------------

    def trace(self, command: Command) -> None:
        match command:
            case CreateStep():
                self.path[command.step_id] = PathStep(
                    command.step_id,
                    command.node_id,
                    command.node_type,
                    command.visit,
                    command.via_edge,
                    command.status,
                    command.attempt,
                    command.output,
                    command.error,
                )
                if command.via_edge:
                    self.edges.append(command.via_edge)
            case RecordJoinArrival(edge_id=edge_id):
                self.edges.append(edge_id)
            case CompleteStep(step_id=step_id):
                step = self.path[step_id]
                step.status, step.output, step.outcome = command.status, command.output, command.outcome
            case FailStep(step_id=step_id, error=error):
                self.path[step_id].status, self.path[step_id].error = StepStatus.FAILED, error
            case CancelSteps(step_ids=step_ids):
                for step_id in step_ids:
                    self.path[step_id].status = StepStatus.CANCELLED
            case ScheduleStep(step_id=step_id, attempt=attempt):
                self.path[step_id].status, self.path[step_id].attempts = StepStatus.SCHEDULED, attempt
            case ScheduleRetry(step_id=step_id, attempt=attempt, error=error):
                step = self.path[step_id]
                step.status, step.attempts, step.error = StepStatus.RETRYING, attempt, error
            case ScheduleCompensation(step_id=step_id):
                self.path[step_id].status = StepStatus.COMPENSATING
            case MarkCompensated(step_id=step_id):
                self.path[step_id].status = StepStatus.COMPENSATED
                self.compensated.append(self.path[step_id].node_id)
            case MarkCompensationFailed(step_id=step_id, error=error):
                self.path[step_id].status, self.path[step_id].error = StepStatus.COMPENSATION_FAILED, error
            case _:
                pass
