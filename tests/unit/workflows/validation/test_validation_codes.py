"""Every validation code fires for a graph made for it, and no other code does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.unit.workflows.validation.graphs import APPROVAL, FakePort, chain, edge, graph, node
from workflows.validation import CODES, validate_graph

Case = Callable[[], dict[str, Any]]


def _big() -> dict[str, Any]:
    return chain(*[node(f"s{i}", "set", assign={"x": "1"}) for i in range(2_001)])


def _deep() -> dict[str, Any]:
    value: Any = "leaf"
    for _ in range(40):
        value = {"inner": value}
    return chain(node("t", "task", action="core.echo", params={"deep": value}))


def _without_start() -> dict[str, Any]:
    return graph([node("end", "end")], [])


def _two_starts() -> dict[str, Any]:
    nodes = [node("start", "start"), node("start2", "start"), node("end", "end")]
    return graph(nodes, [edge("e1", "start", "end"), edge("e2", "start2", "end")])


def _duplicate_node() -> dict[str, Any]:
    built = chain()
    built["nodes"].append(node("end", "end"))
    return built


def _dangling() -> dict[str, Any]:
    built = chain()
    built["edges"].append(edge("e9", "end", "ghost"))
    return built


def _orphan() -> dict[str, Any]:
    built = chain()
    built["nodes"].append(node("lost", "set", assign={"x": "1"}))
    built["edges"].append(edge("e9", "lost", "end"))
    return built


def _dead_end() -> dict[str, Any]:
    return graph([node("start", "start"), node("s", "set", assign={"x": "1"})], [edge("e1", "start", "s")])


def _condition(*marks: dict[str, Any]) -> dict[str, Any]:
    nodes = [node("start", "start"), node("c", "condition"), node("a", "end"), node("b", "end")]
    edges = [edge("e1", "start", "c"), edge("e2", "c", "a", **marks[0]), edge("e3", "c", "b", **marks[1])]
    return graph(nodes, edges, {"x": {"type": "number"}})


def _join_after_condition() -> dict[str, Any]:
    nodes = [node("start", "start"), node("c", "condition"), node("a", "set", assign={"x": "1"}),
             node("b", "set", assign={"x": "2"}), node("j", "join"), node("end", "end")]  # fmt: skip
    edges = [edge("e1", "start", "c"), edge("e2", "c", "a", condition="true"), edge("e3", "c", "b", default=True),
             edge("e4", "a", "j"), edge("e5", "b", "j"), edge("e6", "j", "end")]  # fmt: skip
    return graph(nodes, edges)


def _trap() -> dict[str, Any]:
    nodes = [node("start", "start"), node("a", "set", assign={"x": "1"}), node("b", "set", assign={"x": "2"})]
    return graph(nodes, [edge("e1", "start", "a"), edge("e2", "a", "b"), edge("e3", "b", "a")])


def _task_with(*second: dict[str, Any], config: dict[str, Any] | None = None) -> dict[str, Any]:
    nodes = [node("start", "start"), node("t", "task", **(config or {"action": "core.echo"})), node("end", "end"),
             node("end2", "end")]  # fmt: skip
    edges = [edge("e1", "start", "t"), edge("e2", "t", "end"), edge("e3", "t", "end2", **second[0])]
    return graph(nodes, edges)


def _approval(outcomes: list[str], config: dict[str, Any] | None = None) -> dict[str, Any]:
    nodes = [node("start", "start"), node("a", "approval", **(config or APPROVAL))]
    edges = [edge("e1", "start", "a")]
    for i, outcome in enumerate(outcomes):
        nodes.append(node(f"end{i}", "end"))
        edges.append(edge(f"o{i}", "a", f"end{i}", outcome=outcome))
    return graph(nodes, edges)


def _start_with_incoming() -> dict[str, Any]:
    nodes = [node("start", "start"), node("c", "condition"), node("end", "end")]
    edges = [edge("e1", "start", "c"), edge("e2", "c", "start", condition="vars.again"),
             edge("e3", "c", "end", default=True)]  # fmt: skip
    return graph(nodes, edges)


def _lonely_join() -> dict[str, Any]:
    nodes = [
        node("start", "start"),
        node("p", "parallel"),
        node("j", "join"),
        node("end", "end"),
        node("end2", "end"),
    ]
    edges = [edge("e1", "start", "p"), edge("e2", "p", "j"), edge("e3", "p", "end2"), edge("e4", "j", "end")]
    return graph(nodes, edges)


def _set_with_two_ways() -> dict[str, Any]:
    built = chain(node("s", "set", assign={"x": "1"}))
    built["nodes"].append(node("end2", "end"))
    built["edges"].append(edge("e9", "s", "end2"))
    return built


CASES: dict[str, Case] = {
    "graph_too_large": _big,
    "invalid_graph": lambda: {**chain(), "format": "flowdesk.graph/v2"},
    "unknown_field": lambda: {**chain(), "extra": True},
    "unknown_node_type": lambda: chain(node("m", "magic")),
    "invalid_config": lambda: chain(node("t", "task", action="core.echo", retry={"max_attempts": 0})),
    "invalid_params": lambda: chain(node("t", "task", action="core.log", params={"message": 5})),
    "missing_start": _without_start,
    "multiple_starts": _two_starts,
    "duplicate_id": _duplicate_node,
    "dangling_edge": _dangling,
    "unreachable_node": _orphan,
    "dead_end": _dead_end,
    "condition_without_default": lambda: _condition(
        {"condition": "input.x > 1"}, {"condition": "input.x <= 1"}
    ),
    "missing_condition": lambda: _condition({}, {"default": True}),
    "join_without_parallel": _join_after_condition,
    "cycle_without_exit": _trap,
    "edge_kind_not_allowed": lambda: _task_with({"timeout": True}),
    "conflicting_edge_kinds": lambda: _condition(
        {"condition": "input.x > 1", "default": True}, {"default": True}
    ),
    "ambiguous_edges": lambda: _task_with({}),
    "unknown_outcome": lambda: _approval(["approved", "rejected", "maybe"]),
    "unhandled_outcome": lambda: _approval(["approved"]),
    "too_many_incoming": _start_with_incoming,
    "too_few_incoming": _lonely_join,
    "too_many_outgoing": _set_with_two_ways,
    "too_few_outgoing": lambda: chain(node("p", "parallel")),
    "bad_expression": lambda: _condition({"condition": "__import__('os')"}, {"default": True}),
    "unknown_step": lambda: chain(node("s", "set", assign={"x": "steps.ghost.output"})),
    "undeclared_input": lambda: chain(node("s", "set", assign={"x": "input.nope + 1"})),
    "unknown_action": lambda: chain(node("t", "task", action="nope.nothing")),
    "action_not_permitted": lambda: chain(
        node("t", "task", action="http.request", params={"url": "https://x.org"})
    ),
    "unknown_assignee": lambda: _approval(["approved", "rejected"], {"assignees": {"users": ["ghost"]}}),
    "unknown_subworkflow": lambda: chain(node("w", "subworkflow", definition="nope")),
}


def test_the_table_covers_every_documented_code() -> None:
    assert set(CASES) == set(CODES)


@pytest.mark.parametrize("code", sorted(CASES))
def test_graph_made_for_a_code_gets_that_code_and_no_other(code: str) -> None:
    # given a graph with exactly one kind of mistake
    built = CASES[code]()
    # when it is validated against an installation
    problems = validate_graph(built, port=FakePort())
    # then that code, and only that code, is reported
    assert {problem.code for problem in problems} == {code}, [problem.as_json() for problem in problems]


@pytest.mark.parametrize("code", sorted(CASES))
def test_every_problem_is_complete_and_json_ready(code: str) -> None:
    for problem in validate_graph(CASES[code](), port=FakePort()):
        data = problem.as_json()
        assert set(data) == {"code", "message", "severity", "node", "edge", "path"}
        assert data["message"] and data["severity"] in {"error", "warning"}


def test_undeclared_input_is_only_a_warning() -> None:
    problems = validate_graph(CASES["undeclared_input"](), port=FakePort())
    assert [problem.severity for problem in problems] == ["warning"]


def test_problems_name_the_node_edge_and_path_they_are_about() -> None:
    bad_condition = validate_graph(CASES["bad_expression"](), port=FakePort())[0]
    assert (bad_condition.edge, bad_condition.node, bad_condition.path) == ("e2", None, "edges[1].condition")
    bad_config = validate_graph(CASES["invalid_config"](), port=FakePort())[0]
    assert (bad_config.node, bad_config.path) == ("t", "nodes[1].config.retry.max_attempts")
    unknown = validate_graph(CASES["unknown_field"](), port=FakePort())[0]
    assert unknown.path == "extra"


def test_every_problem_of_a_graph_is_reported_at_once() -> None:
    # given a graph with four unrelated mistakes
    built = chain(
        node("t", "task", action="nope.nothing"),
        node("s", "set", assign={"x": "lambda: 1", "y": "steps.ghost.output"}),
        node("a", "approval", assignees={"groups": ["nobody"]}, outcomes=["ok"]),
    )
    built["edges"][-1]["outcome"] = "ok"
    # when / then
    codes = sorted(problem.code for problem in validate_graph(built, port=FakePort()))
    assert codes == ["bad_expression", "unknown_action", "unknown_assignee", "unknown_step"]


def test_template_params_pass_the_schema_check_that_literal_values_fail() -> None:
    templated = chain(node("t", "task", action="core.sleep", params={"seconds": "{{ input.wait }}"}),
                      inputs={"wait": {"type": "number"}})  # fmt: skip
    literal = chain(node("t", "task", action="core.sleep", params={"seconds": "soon"}))
    assert validate_graph(templated, port=FakePort()) == []
    assert [problem.code for problem in validate_graph(literal, port=FakePort())] == ["invalid_params"]


def test_an_author_holding_the_permission_may_use_http_request() -> None:
    port = FakePort(permissions={"workflows.use_http_request"})
    assert validate_graph(CASES["action_not_permitted"](), port=port) == []


def test_capability_questions_are_asked_once_per_kind_whatever_the_graph_size() -> None:
    approvals = [node(f"a{i}", "approval", assignees={"users": ["alice"], "groups": ["managers"]},
                      outcomes=["done"]) for i in range(50)]  # fmt: skip
    built = chain(*approvals)
    for item in built["edges"][1:]:
        item["outcome"] = "done"
    port = FakePort()
    assert validate_graph(built, port=port) == []
    assert port.questions == 2


def test_subworkflow_pinned_to_a_version_that_is_not_published_is_unknown() -> None:
    pinned = chain(node("w", "subworkflow", definition="child", version=3))
    unpublished = chain(node("w", "subworkflow", definition="draft-only"))
    good = chain(node("w", "subworkflow", definition="child", version=2))
    assert [p.path for p in validate_graph(pinned, port=FakePort())] == ["nodes[1].config.version"]
    assert [p.code for p in validate_graph(unpublished, port=FakePort())] == ["unknown_subworkflow"]
    assert validate_graph(good, port=FakePort()) == []


def test_without_a_port_installation_checks_are_skipped_but_unknown_actions_are_not() -> None:
    assert validate_graph(CASES["unknown_assignee"]()) == []
    assert [p.code for p in validate_graph(CASES["unknown_action"]())] == ["unknown_action"]


@pytest.mark.parametrize("value", [None, [], "graph", 42])
def test_a_document_that_is_not_an_object_is_one_invalid_graph_problem(value: Any) -> None:
    assert [p.code for p in validate_graph(value)] == ["invalid_graph"]


def test_a_node_without_an_id_stops_validation_after_the_schema_stage() -> None:
    built = chain()
    del built["nodes"][0]["id"]
    problems = validate_graph(built)
    assert [(p.code, p.path) for p in problems] == [("invalid_graph", "nodes[0].id")]
