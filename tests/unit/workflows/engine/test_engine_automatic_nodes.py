"""Start, condition, parallel, set and end: resolved inside one decide() call."""

from __future__ import annotations

from engine_testkit import Driver, chain, edge, graph, node, of_type

from workflows.engine import InstanceStatus, StepStatus
from workflows.engine.commands import CompleteInstance, CreateStep, FailInstance, RecordResult, SetVariables
from workflows.engine.events import InstanceStarted


def _branching(*conditions: str | None) -> Driver:
    """start -> c; c -> end_i per condition (None: the default edge); input via Driver."""
    nodes = [node("s", "start"), node("c", "condition")]
    edges = [edge("e0", "s", "c")]
    for i, condition in enumerate(conditions):
        nodes.append(node(f"end{i}", "end", result=f"r{i}"))
        kind = {"default": True} if condition is None else {"condition": condition}
        edges.append(edge(f"c{i}", "c", f"end{i}", **kind))
    return Driver(graph(nodes, edges))


def test_a_graph_of_automatic_nodes_runs_to_completion_in_one_decision() -> None:
    # given
    g = graph(
        [
            node("s", "start"),
            node("set", "set", assign={"n": "input.n * 2"}),
            node("e", "end", result="{{ vars.n }}"),
        ],
        chain("s", "set", "e"),
    )
    d = Driver(g, {"n": 21})
    # when
    decision = d.start()
    # then
    assert [c.node_id for c in of_type(decision.commands, CreateStep)] == ["s", "set", "e"]
    assert all(c.status is StepStatus.SUCCEEDED for c in of_type(decision.commands, CreateStep))
    assert decision.commands[-1] == CompleteInstance(42)
    assert d.state.status is InstanceStatus.COMPLETED and d.state.result == 42 and d.state.vars == {"n": 42}


def test_condition_takes_the_first_true_edge_in_edge_order() -> None:
    d = _branching("input.x > 1", "input.x > 0", None)
    d.state.input["x"] = 5
    d.start()
    assert d.state.result == "r0"
    assert d.state.results["c"] == {"output": {"edge": "c0"}}


def test_condition_takes_the_default_edge_when_no_condition_is_true() -> None:
    d = _branching("input.x > 1", None, "input.x > 0")
    d.state.input["x"] = -1
    d.start()
    assert d.state.status is InstanceStatus.COMPLETED and d.state.result == "r1"


def test_condition_without_a_true_edge_or_default_fails_the_instance_clearly() -> None:
    d = _branching("input.x > 1")
    d.state.input["x"] = 0
    decision = d.start()
    [failure] = of_type(decision.commands, FailInstance)
    assert failure.error.type == "no_matching_edge" and failure.node_id == "c"
    assert "no condition of c is true" in failure.error.message
    assert d.state.status is InstanceStatus.FAILED


def test_a_condition_that_fails_to_evaluate_fails_the_instance_naming_the_edge() -> None:
    d = _branching("input.x > 1", None)
    d.state.input["x"] = "text"
    d.start()
    assert d.state.status is InstanceStatus.FAILED
    assert d.state.error is not None and d.state.error.type == "expression_error"
    assert "edge c0" in d.state.error.message
    assert d.state.results["c"]["error"]["type"] == "expression_error"


def test_parallel_starts_every_outgoing_edge_and_the_last_end_reached_gives_the_result() -> None:
    g = graph(
        [
            node("s", "start"),
            node("p", "parallel"),
            node("a", "end", result="first"),
            node("b", "end", result="second"),
        ],
        [edge("e1", "s", "p"), edge("e2", "p", "a"), edge("e3", "p", "b")],
    )
    d = Driver(g)
    decision = d.start()
    assert [c.via_edge for c in of_type(decision.commands, CreateStep)] == [None, "e1", "e2", "e3"]
    assert of_type(decision.commands, RecordResult) == [RecordResult("first"), RecordResult("second")]
    assert d.state.result == "second" and d.state.status is InstanceStatus.COMPLETED


def test_an_end_without_result_completes_with_null() -> None:
    d = Driver(graph([node("s", "start"), node("e", "end")], chain("s", "e")))
    d.start()
    assert d.state.status is InstanceStatus.COMPLETED and d.state.result is None


def test_an_end_result_renders_as_text_when_it_mixes_text_and_expressions() -> None:
    g = graph([node("s", "start"), node("e", "end", result="order {{ input.id }} done")], chain("s", "e"))
    d = Driver(g, {"id": 7})
    d.start()
    assert d.state.result == "order 7 done"


def test_set_assignments_run_in_order_and_see_earlier_ones() -> None:
    g = graph(
        [
            node("s", "start"),
            node("set", "set", assign={"a": "input.n + 1", "b": "vars.a * 10", "n_seen": "vars.n"}),
            node("e", "end"),
        ],
        chain("s", "set", "e"),
    )
    d = Driver(g, {"n": 1})
    d.state.vars["n"] = "old"
    decision = d.start()
    assert of_type(decision.commands, SetVariables) == [SetVariables({"a": 2, "b": 20, "n_seen": "old"})]
    assert d.state.vars == {"n": "old", "a": 2, "b": 20, "n_seen": "old"}
    assert d.state.results["set"] == {"output": {"a": 2, "b": 20, "n_seen": "old"}}


def test_a_set_expression_error_fails_the_instance_and_assigns_nothing() -> None:
    g = graph(
        [node("s", "start"), node("set", "set", assign={"a": "1", "b": "input.n / 0"})], chain("s", "set")
    )
    d = Driver(g, {"n": 1})
    d.start()
    assert d.state.status is InstanceStatus.FAILED and d.state.vars == {}
    assert d.state.error is not None and "assignment of b in set" in d.state.error.message


def test_instance_started_twice_starts_once() -> None:
    d = Driver(graph([node("s", "start"), node("t", "task", action="core.log")], chain("s", "t")))
    d.start()
    again = d.send(InstanceStarted())
    assert again.commands == () and again.ignored == "instance already started"
