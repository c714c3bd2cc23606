"""Join: fires exactly once per activation, whatever the order the branches arrive in."""

from __future__ import annotations

from engine_testkit import Driver, edge, graph, node, of_type
from hypothesis import given, settings
from hypothesis import strategies as st

from workflows.engine import InstanceStatus, StepStatus
from workflows.engine.commands import CompleteStep, CreateStep, RecordJoinArrival, ScheduleStep
from workflows.engine.events import StepSucceeded

BRANCHES = ("a", "b", "c", "d")


def _fan_out_fan_in() -> Driver:
    """start -> fork -> tasks a..d -> join -> after (task) -> end."""
    nodes = [node("s", "start"), node("fork", "parallel"), node("join", "join")]
    nodes += [node(b, "task", action="core.echo", params={"b": b}) for b in BRANCHES]
    nodes += [node("after", "task", action="core.log"), node("end", "end", result="joined")]
    edges = [edge("e0", "s", "fork"), edge("e9", "join", "after"), edge("e10", "after", "end")]
    edges += [edge(f"to_{b}", "fork", b) for b in BRANCHES] + [edge(f"from_{b}", b, "join") for b in BRANCHES]
    return Driver(graph(nodes, edges))


@settings(max_examples=60, deadline=None)
@given(order=st.permutations(BRANCHES), duplicates=st.lists(st.sampled_from(BRANCHES), max_size=4))
def test_the_join_fires_exactly_once_for_any_arrival_order_and_redelivery(
    order: list[str], duplicates: list[str]
) -> None:
    # given four branches running in parallel
    d = _fan_out_fan_in()
    d.start()
    step_ids = {b: d.live(b).id for b in BRANCHES}
    # when they finish in any order, some reports delivered twice
    for i, branch in enumerate(order):
        d.send(StepSucceeded(step_ids[branch], {"b": branch}, attempt=1))
        for again in duplicates[: i + 1]:
            d.send(StepSucceeded(step_ids[again], {"b": again}, attempt=1))
    # then the step after the join was scheduled once, after the last arrival
    scheduled = [c.node_id for c in of_type(d.commands, ScheduleStep)]
    assert scheduled.count("after") == 1
    assert scheduled[-1] == "after"
    joins = [c for c in of_type(d.commands, CreateStep) if c.node_id == "join"]
    assert len(joins) == 1 and joins[0].status is StepStatus.WAITING
    arrivals = joins[0].arrivals + tuple(c.edge_id for c in of_type(d.commands, RecordJoinArrival))
    assert sorted(arrivals) == sorted(f"from_{b}" for b in BRANCHES)
    assert [c.node_id for c in of_type(d.commands, CompleteStep)].count("join") == 1
    assert d.state.status is InstanceStatus.RUNNING
    d.send(StepSucceeded(d.live("after").id, None, attempt=1))
    assert d.state.status is InstanceStatus.COMPLETED and d.state.result == "joined"


def test_a_join_waits_with_its_arrivals_recorded_on_a_live_step() -> None:
    d = _fan_out_fan_in()
    d.start()
    d.send(StepSucceeded(d.live("b").id, None, attempt=1))
    d.send(StepSucceeded(d.live("d").id, None, attempt=1))
    join = d.live("join")
    assert join.status is StepStatus.WAITING and join.arrivals == ("from_b", "from_d")


def test_a_join_fed_by_automatic_branches_fires_within_the_same_decision() -> None:
    g = graph(
        [
            node("s", "start"),
            node("p", "parallel"),
            node("x", "set", assign={"x": "1"}),
            node("j", "join"),
            node("e", "end"),
        ],
        [
            edge("e1", "s", "p"),
            edge("e2", "p", "x"),
            edge("e3", "p", "j"),
            edge("e4", "x", "j"),
            edge("e5", "j", "e"),
        ],
    )
    d = Driver(g)
    decision = d.start()
    assert d.state.status is InstanceStatus.COMPLETED
    assert [c.node_id for c in of_type(decision.commands, CompleteStep)] == ["j"]


def test_each_loop_iteration_gets_its_own_join_activation() -> None:
    # given a loop around a fork/join that runs twice
    g = graph(
        [
            node("s", "start"),
            node("p", "parallel"),
            node("a", "set", assign={"a": "(vars.a or 0) + 1"}),
            node("b", "task", action="core.log"),
            node("j", "join"),
            node("again", "condition"),
            node("e", "end"),
        ],
        [
            edge("e1", "s", "p"),
            edge("e2", "p", "a"),
            edge("e3", "p", "b"),
            edge("e4", "a", "j"),
            edge("e5", "b", "j"),
            edge("e6", "j", "again"),
            edge("loop", "again", "p", condition="vars.a < 2"),
            edge("out", "again", "e", default=True),
        ],
    )
    d = Driver(g)
    d.start()
    d.send(StepSucceeded(d.live("b").id, None, attempt=1))
    # then the second iteration waits on a fresh join activation
    assert d.live("j").visit == 2 and d.live("j").arrivals == ("e4",)
    d.send(StepSucceeded(d.live("b").id, None, attempt=1))
    assert d.state.status is InstanceStatus.COMPLETED and d.state.vars["a"] == 2
    assert d.state.visits == {"s": 1, "p": 2, "a": 2, "b": 2, "j": 2, "again": 2, "e": 1}


def test_a_join_that_can_never_fire_fails_the_instance_instead_of_hanging() -> None:
    # given a condition that sends only one path into a two-input join
    g = graph(
        [
            node("s", "start"),
            node("p", "parallel"),
            node("c", "condition"),
            node("j", "join"),
            node("e", "end"),
        ],
        [
            edge("e1", "s", "p"),
            edge("e2", "p", "c"),
            edge("e3", "p", "j"),
            edge("e4", "c", "j", condition="false"),
            edge("e5", "c", "e", default=True),
            edge("e6", "j", "e"),
        ],
    )
    d = Driver(g)
    d.start()
    assert d.state.status is InstanceStatus.FAILED and d.state.error is not None
    assert d.state.error.type == "join_incomplete" and d.state.steps == {}
