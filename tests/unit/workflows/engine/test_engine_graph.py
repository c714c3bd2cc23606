"""Building the runtime graph from a flowdesk.graph/v1 document."""

from __future__ import annotations

import dataclasses

import pytest
from engine_testkit import edge, example, graph, node

from workflows.engine import EdgeKind, EngineOptions, GraphError, RetryPolicy
from workflows.engine.graph import Graph
from workflows.engine.specs import EndSpec, SetSpec, TaskSpec, TimerSpec


def test_edges_are_classified_by_kind_and_kept_in_document_order() -> None:
    # given / when
    g = example("incident-response")
    # then
    assert [e.id for e in g.node("triage").outgoing] == ["e4", "e5"]
    assert g.edges["e4"].kind is EdgeKind.CONDITION and g.edges["e4"].condition is not None
    assert g.edges["e5"].kind is EdgeKind.DEFAULT
    assert g.edges["e6"].kind is EdgeKind.OUTCOME and g.edges["e6"].outcome == "contain"
    assert g.edges["e9"].kind is EdgeKind.ON_ERROR
    assert g.edges["e12"].kind is EdgeKind.TIMEOUT
    assert g.edges["e1"].kind is EdgeKind.NORMAL


def test_incoming_and_outgoing_edges_are_indexed_per_node() -> None:
    g = example("employee-onboarding")
    assert g.start.id == "start"
    assert g.node("join").incoming_ids == {"e5", "e6", "e7"}
    assert [e.target for e in g.node("fork").outgoing] == ["accounts", "laptop", "buddy"]


def test_outcome_edges_fall_back_to_unlabelled_edges() -> None:
    g = graph(
        [node("s", "start"), node("a", "approval"), node("x", "end"), node("y", "end")],
        [edge("e1", "s", "a"), edge("e2", "a", "x", outcome="approved"), edge("e3", "a", "y")],
    )
    assert [e.id for e in g.node("a").out_for_outcome("approved")] == ["e2"]
    assert [e.id for e in g.node("a").out_for_outcome("rejected")] == ["e3"]


def test_node_configs_are_compiled_into_typed_specs() -> None:
    g = example("employee-onboarding")
    accounts = g.node("accounts").spec
    assert isinstance(accounts, TaskSpec)
    assert accounts.retry == RetryPolicy(max_attempts=5, backoff_seconds=2, max_backoff_seconds=30)
    assert accounts.output_var == "accounts"
    assert accounts.compensate is not None and accounts.compensate.action == "core.log"
    assert isinstance(g.node("wait").spec, TimerSpec)
    end = g.node("end").spec
    assert isinstance(end, EndSpec) and end.result is not None
    assert isinstance(example("incident-response").node("risk").spec, SetSpec)


def test_task_retry_defaults_come_from_the_action_catalog_then_the_engine() -> None:
    class Catalog:
        def retry_policy(self, action: str) -> RetryPolicy | None:
            return RetryPolicy(max_attempts=4, backoff_seconds=3) if action == "http.call" else None

    document = {
        "nodes": [
            node("s", "start"),
            node("a", "task", action="http.call", retry={"max_attempts": 2}),
            node("b", "task", action="core.log"),
        ],
        "edges": [edge("e1", "s", "a"), edge("e2", "a", "b")],
    }
    options = EngineOptions(default_retry=RetryPolicy(max_attempts=9))
    g = Graph.build(document, options=options, actions=Catalog())
    a, b = g.node("a").spec, g.node("b").spec
    assert isinstance(a, TaskSpec) and isinstance(b, TaskSpec)
    assert a.retry == RetryPolicy(max_attempts=2, backoff_seconds=3)
    assert b.retry == RetryPolicy(max_attempts=9)


def test_declared_input_defaults_fill_missing_input_only() -> None:
    g = example("order-saga")
    assert g.with_input_defaults({"order_id": "o1"}) == {"order_id": "o1", "fail_shipping": False}
    assert g.with_input_defaults({"fail_shipping": True}) == {"fail_shipping": True}


def test_the_graph_is_immutable() -> None:
    g = example("order-saga")
    with pytest.raises(TypeError):
        g.nodes["x"] = g.start  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        g.start.name = "renamed"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("nodes", "edges", "fragment"),
    [
        ([node("a", "end")], [], "exactly one start"),
        ([node("s", "start"), node("t", "start")], [], "exactly one start"),
        ([node("s", "start")], [edge("e1", "s", "ghost")], "unknown node ghost"),
        ([node("s", "start"), node("w", "teleport")], [], "unknown node type"),
        (
            [node("s", "start"), node("c", "condition")],
            [edge("e1", "s", "c", condition="input.a >")],
            "edge e1",
        ),
        ([node("s", "start"), node("t", "task", action="x", params={"a": "{{ nope( }}"})], [], "node t"),
        ([node("s", "start"), node("w", "timer")], [], "exactly one of duration or until"),
        ([node("s", "start"), node("w", "timer", duration="two hours")], [], "ISO 8601"),
        ([node("s", "start"), node("t", "task")], [], "bad task config"),
    ],
)
def test_a_graph_that_cannot_run_is_rejected_with_a_clear_error(
    nodes: list, edges: list, fragment: str
) -> None:
    with pytest.raises(GraphError, match=fragment):
        graph(nodes, edges)


def test_an_unknown_format_is_rejected() -> None:
    with pytest.raises(GraphError, match="unsupported graph format"):
        Graph.build({"format": "flowdesk.graph/v9", "nodes": [node("s", "start")], "edges": []})
