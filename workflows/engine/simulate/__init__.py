"""In-memory dry runs of a graph through the real core (`simulate(graph, scenario)`)."""

from workflows.engine.simulate.result import PathStep, SimulationResult, TimedEvent, Waiting
from workflows.engine.simulate.runner import simulate
from workflows.engine.simulate.scenario import (
    BUILTIN_ACTIONS,
    ActionFailed,
    ActionStub,
    Child,
    Decide,
    Fail,
    Outcome,
    Scenario,
    Succeed,
    TimeOut,
)

__all__ = [
    "BUILTIN_ACTIONS",
    "ActionFailed",
    "ActionStub",
    "Child",
    "Decide",
    "Fail",
    "Outcome",
    "PathStep",
    "Scenario",
    "SimulationResult",
    "Succeed",
    "TimeOut",
    "TimedEvent",
    "Waiting",
    "simulate",
]
