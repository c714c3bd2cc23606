"""The dry-run simulator: scenarios, stops, stubs and the JSON summary."""

from __future__ import annotations

import json
from typing import Any

from engine_testkit import chain, edge, example, graph, node

from workflows.engine import InstanceStatus, StepStatus
from workflows.engine.simulate import ActionFailed, Child, Decide, Scenario, Succeed, TimeOut, simulate


def test_a_run_stops_at_an_approval_without_a_chosen_outcome_and_reports_it() -> None:
    run = simulate(example("expense-approval"), Scenario(input={"title": "TV", "amount": 5000}))
    assert run.status is InstanceStatus.RUNNING and not run.aborted
    assert [(w.node_id, w.node_type) for w in run.waiting] == [("manager", "approval")]
    assert run.statuses()["manager"] is StepStatus.WAITING


def test_approval_choices_can_differ_per_visit() -> None:
    g = graph(
        [
            node("s", "start"),
            node("review", "approval"),
            node("fix", "set", assign={"n": "(vars.n or 0) + 1"}),
            node("e", "end"),
        ],
        [
            edge("e1", "s", "review"),
            edge("e2", "review", "fix", outcome="rejected"),
            edge("e3", "fix", "review"),
            edge("e4", "review", "e", outcome="approved"),
        ],
    )
    run = simulate(g, Scenario(approvals={"review": ["rejected", "rejected", Decide("approved")]}))
    assert run.status is InstanceStatus.COMPLETED and run.vars == {"n": 2}
    assert [s.outcome for s in run.path if s.node_id == "review"] == ["rejected", "rejected", "approved"]


def test_custom_action_stubs_run_with_the_rendered_params() -> None:
    seen: list[Any] = []

    def charge(params: Any) -> Any:
        seen.append(params)
        if params["amount"] > 100:
            raise ActionFailed("card declined", type="CardDeclined", retryable=False)
        return {"ok": True}

    g = graph(
        [
            node("s", "start"),
            node("pay", "task", action="pay.charge", params={"amount": "{{ input.amount }}"}),
            node("e", "end"),
        ],
        chain("s", "pay", "e"),
    )
    assert (
        simulate(g, Scenario(input={"amount": 5}, actions={"pay.charge": charge})).status
        is InstanceStatus.COMPLETED
    )
    failed = simulate(g, Scenario(input={"amount": 500}, actions={"pay.charge": charge}))
    assert failed.status is InstanceStatus.FAILED and failed.error is not None
    assert (failed.error.type, failed.error.message) == ("CardDeclined", "card declined")
    assert seen == [{"amount": 5}, {"amount": 500}]


def test_task_outcomes_script_each_attempt_and_the_clock_follows_the_backoff() -> None:
    g = graph(
        [
            node("s", "start"),
            node(
                "t",
                "task",
                action="x",
                retry={"max_attempts": 3, "backoff_seconds": 60, "max_backoff_seconds": 60},
            ),
        ],
        chain("s", "t"),
    )
    run = simulate(g, Scenario(tasks={"t": [TimeOut(), TimeOut(), Succeed({"done": 1})]}))
    assert run.status is InstanceStatus.COMPLETED and run.path[-1].attempts == 3
    assert 60 <= (run.finished_at - run.started_at).total_seconds() <= 120


def test_a_subworkflow_uses_the_scripted_child_result() -> None:
    g = graph(
        [
            node("s", "start"),
            node("c", "subworkflow", definition="kyc", output="kyc"),
            node("e", "end", result="{{ vars.kyc.result }}"),
        ],
        chain("s", "c", "e"),
    )
    assert simulate(g, Scenario(children={"c": Child(result="ok")})).result == "ok"
    assert simulate(g, Scenario(children={"c": Child("failed")})).status is InstanceStatus.FAILED
    assert simulate(g, Scenario()).waiting[0].node_id == "c"


def test_a_signal_without_payload_or_timeout_keeps_waiting() -> None:
    g = graph([node("s", "start"), node("w", "signal", name="go"), node("e", "end")], chain("s", "w", "e"))
    run = simulate(g, Scenario())
    assert run.status is InstanceStatus.RUNNING and run.waiting[0].node_id == "w"
    assert simulate(g, Scenario(signals={"w": [1, 2]})).path[1].output == [1, 2]


def test_a_run_that_never_ends_is_aborted_after_max_events() -> None:
    g = graph(
        [node("s", "start"), node("t", "task", action="core.log"), node("w", "timer", duration="PT1M")],
        [edge("e1", "s", "t"), edge("e2", "t", "w"), edge("e3", "w", "t")],
    )
    run = simulate(g, Scenario(max_events=50))
    assert run.aborted and run.status is InstanceStatus.RUNNING and len(run.events) == 50


def test_the_summary_is_plain_json() -> None:
    run = simulate(
        example("order-saga"), Scenario(input={"order_id": "o", "amount": 1, "fail_shipping": True})
    )
    summary = json.loads(json.dumps(run.to_dict()))
    assert summary["status"] == "compensated" and summary["compensated"] == ["charge", "reserve"]
    assert [p["node"] for p in summary["path"]] == [
        "start",
        "reserve",
        "charge",
        "ship_or_fail",
        "ship_broken",
    ]
    assert summary["path"][-1]["status"] == "failed" and summary["path"][-1]["attempts"] == 2
    assert summary["error"]["message"] == "carrier unavailable"
