"""Cycles: loops through a condition run once per visit and always terminate."""

from __future__ import annotations

from engine_testkit import Driver, edge, graph, node, of_type

from workflows.engine import EngineOptions, InstanceStatus
from workflows.engine.commands import CreateStep, ScheduleStep
from workflows.engine.events import StepSucceeded
from workflows.engine.simulate import Scenario, simulate


def _counter_loop(limit: int, *, with_task: bool = False, guard: int = 1000) -> Driver:
    nodes = [
        node("s", "start"),
        node("inc", "set", assign={"i": "(vars.i or 0) + 1"}),
        node("more", "condition"),
        node("e", "end", result="{{ vars.i }}"),
    ]
    edges = [edge("e1", "s", "inc"), edge("e2", "inc", "more"), edge("out", "more", "e", default=True)]
    if with_task:
        nodes.append(node("work", "task", action="core.echo", params={"i": "{{ vars.i }}"}, output="last"))
        edges += [edge("again", "more", "work", condition=f"vars.i < {limit}"), edge("back", "work", "inc")]
    else:
        edges.append(edge("again", "more", "inc", condition=f"vars.i < {limit}"))
    options = EngineOptions(max_activations_per_node=guard)
    return Driver(graph(nodes, edges, options=options))


def test_an_automatic_loop_runs_each_visit_as_its_own_step_and_ends() -> None:
    d = _counter_loop(5)
    decision = d.start()
    inc = [c for c in of_type(decision.commands, CreateStep) if c.node_id == "inc"]
    assert [c.visit for c in inc] == [1, 2, 3, 4, 5]
    assert len({c.step_id for c in inc}) == 5
    assert d.state.status is InstanceStatus.COMPLETED and d.state.result == 5


def test_a_loop_through_a_task_schedules_one_step_per_visit() -> None:
    d = _counter_loop(3, with_task=True)
    d.start()
    seen = []
    while d.state.status is InstanceStatus.RUNNING:
        step = d.live("work")
        seen.append((step.visit, step.params))
        d.send(StepSucceeded(step.id, step.params, attempt=1))
    assert seen == [(1, {"i": 1}), (2, {"i": 2})]
    assert d.state.result == 3 and d.state.vars["last"] == {"i": 2}


def test_the_loop_guard_fails_a_runaway_loop_clearly() -> None:
    d = _counter_loop(10**9, guard=50)
    d.start()
    assert d.state.status is InstanceStatus.FAILED and d.state.error is not None
    assert d.state.error.type == "loop_limit_exceeded"
    assert "node inc would run more than 50 times" in d.state.error.message
    assert d.state.visits["inc"] == 50


def test_the_default_loop_guard_stops_an_endless_loop_at_a_thousand_visits() -> None:
    d = _counter_loop(10**9)
    d.start()
    assert d.state.status is InstanceStatus.FAILED and d.state.visits["inc"] == 1000


def test_a_loop_through_a_task_also_hits_the_guard_across_decisions() -> None:
    run = simulate(_counter_loop(10**9, with_task=True, guard=20).graph, Scenario())
    assert run.status is InstanceStatus.FAILED and run.error is not None
    assert run.error.type == "loop_limit_exceeded"
    assert len([c for c in run.commands if isinstance(c, ScheduleStep)]) == 20
    assert run.state.visits == {"s": 1, "inc": 20, "more": 20, "work": 20}
