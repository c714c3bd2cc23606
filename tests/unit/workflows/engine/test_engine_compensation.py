"""The saga: a failed instance undoes its finished compensable steps, newest first."""

from __future__ import annotations

from engine_testkit import Driver, edge, example, graph, node, of_type

from workflows.engine import ErrorInfo, InstanceStatus, StepStatus
from workflows.engine.commands import (
    CancelSteps,
    CompleteCompensation,
    FailCompensation,
    ScheduleCompensation,
    StartCompensation,
)
from workflows.engine.events import (
    CancelRequested,
    CompensationSucceeded,
    StepFailed,
    StepSucceeded,
)
from workflows.engine.simulate import Fail, Scenario, Succeed, simulate

SAGA_INPUT = {"order_id": "o-7", "amount": 120}
CARRIER_DOWN = ErrorInfo("ActionFailed", "carrier unavailable")


def test_the_order_saga_compensates_charge_then_reserve_when_shipping_fails() -> None:
    # given / when
    run = simulate(example("order-saga"), Scenario(input={**SAGA_INPUT, "fail_shipping": True}))
    # then
    assert run.status is InstanceStatus.COMPENSATED
    assert run.compensated == ("charge", "reserve")
    assert run.nodes == ("start", "reserve", "charge", "ship_or_fail", "ship_broken")
    assert run.statuses()["ship_broken"] is StepStatus.FAILED
    assert run.statuses()["reserve"] is StepStatus.COMPENSATED
    assert run.error is not None and run.error.message == "carrier unavailable"
    undo = [c for c in run.commands if isinstance(c, ScheduleCompensation)]
    assert [(c.node_id, c.action, c.params) for c in undo] == [
        ("charge", "core.log", {"message": "refund 120 for o-7"}),
        ("reserve", "core.log", {"message": "release stock for o-7"}),
    ]


def _saga_until_shipping_fails() -> Driver:
    d = Driver(example("order-saga"), {**SAGA_INPUT, "fail_shipping": True})
    d.start()
    d.send(StepSucceeded(d.live("reserve").id, {"reserved": "o-7"}, attempt=1))
    d.send(StepSucceeded(d.live("charge").id, {"charged": 120}, attempt=1))
    ship = d.live("ship_broken").id
    d.send(StepFailed(ship, CARRIER_DOWN, attempt=1))
    d.send(StepFailed(ship, CARRIER_DOWN, attempt=2))
    return d


def test_compensation_starts_in_reverse_completion_order_with_the_failure_recorded() -> None:
    d = _saga_until_shipping_fails()
    [start] = of_type(d.decisions[-1].commands, StartCompensation)
    assert [r.node_id for r in start.records] == ["charge", "reserve"]
    assert start.reason == "failed" and start.error == CARRIER_DOWN and start.node_id == "ship_broken"
    assert d.state.status is InstanceStatus.COMPENSATING
    assert d.state.compensation is not None and d.state.compensation.current is not None
    assert d.state.compensation.current.node_id == "charge"


def test_compensations_run_one_at_a_time_and_a_duplicate_report_is_ignored() -> None:
    d = _saga_until_shipping_fails()
    charge = d.state.compensation.current.step_id  # type: ignore[union-attr]
    after_charge = d.send(CompensationSucceeded(charge, attempt=1))
    [next_one] = of_type(after_charge.commands, ScheduleCompensation)
    assert next_one.node_id == "reserve"
    assert d.send(CompensationSucceeded(charge, attempt=1)).commands == ()
    done = d.send(CompensationSucceeded(next_one.step_id, attempt=1))
    assert of_type(done.commands, CompleteCompensation) == [CompleteCompensation(InstanceStatus.COMPENSATED)]
    assert d.state.status is InstanceStatus.COMPENSATED


def test_a_failed_compensation_is_recorded_and_the_rest_still_run() -> None:
    run = simulate(
        example("order-saga"),
        Scenario(
            input={**SAGA_INPUT, "fail_shipping": True},
            compensations={"charge": Fail("refund API down", "HTTPError", retryable=False)},
        ),
    )
    assert run.status is InstanceStatus.FAILED
    assert run.compensated == ("reserve",)
    assert run.statuses()["charge"] is StepStatus.COMPENSATION_FAILED
    [failed] = [c for c in run.commands if isinstance(c, FailCompensation)]
    assert [(e.node_id, e.error.message) for e in failed.errors] == [("charge", "refund API down")]
    assert run.to_dict()["compensation_errors"][0]["node"] == "charge"


def test_a_retryable_compensation_failure_is_retried_under_its_policy() -> None:
    g = graph(
        [
            node("s", "start"),
            node("pay", "task", action="pay", compensate={"action": "refund", "retry": {"max_attempts": 2}}),
            node("boom", "task", action="core.fail"),
        ],
        [edge("e1", "s", "pay"), edge("e2", "pay", "boom")],
    )
    run = simulate(g, Scenario(compensations={"pay": [Fail("flaky"), Fail("flaky")]}))
    attempts = [c.attempt for c in run.commands if isinstance(c, ScheduleCompensation)]
    assert attempts == [1, 2]
    assert run.status is InstanceStatus.FAILED
    assert [e.error.message for e in run.state.compensation.errors] == ["flaky"]  # type: ignore[union-attr]


def test_a_compensation_that_succeeds_on_retry_leaves_the_instance_compensated() -> None:
    g = graph(
        [
            node("s", "start"),
            node("pay", "task", action="pay", compensate={"action": "refund", "retry": {"max_attempts": 3}}),
            node("boom", "task", action="core.fail"),
        ],
        [edge("e1", "s", "pay"), edge("e2", "pay", "boom")],
    )
    run = simulate(g, Scenario(compensations={"pay": [Fail("flaky"), Succeed()]}))
    assert run.status is InstanceStatus.COMPENSATED and run.compensated == ("pay",)


def test_cancel_with_compensation_undoes_finished_steps_and_ends_cancelled() -> None:
    d = Driver(example("order-saga"), {**SAGA_INPUT, "fail_shipping": False})
    d.start()
    d.send(StepSucceeded(d.live("reserve").id, None, attempt=1))
    charge = d.live("charge").id
    decision = d.send(CancelRequested(compensate=True, reason="customer cancelled"))
    assert of_type(decision.commands, CancelSteps) == [CancelSteps((charge,), "customer cancelled")]
    [undo] = of_type(decision.commands, ScheduleCompensation)
    assert undo.node_id == "reserve"
    assert d.send(StepSucceeded(charge, None, attempt=1)).commands == ()
    d.send(CompensationSucceeded(undo.step_id))
    assert d.state.status is InstanceStatus.CANCELLED


def test_cancel_without_compensation_just_cancels() -> None:
    d = Driver(example("order-saga"), SAGA_INPUT)
    d.start()
    d.send(StepSucceeded(d.live("reserve").id, None, attempt=1))
    decision = d.send(CancelRequested())
    assert not of_type(decision.commands, ScheduleCompensation)
    assert d.state.status is InstanceStatus.CANCELLED and d.state.steps == {}
    assert d.send(CancelRequested(compensate=True)).commands == ()


def test_an_instance_without_compensable_steps_simply_fails() -> None:
    run = simulate(
        example("order-saga"),
        Scenario(input=SAGA_INPUT, tasks={"reserve": Fail("no stock", retryable=False)}),
    )
    assert run.status is InstanceStatus.FAILED and run.compensated == ()
    assert not [c for c in run.commands if isinstance(c, StartCompensation)]


def test_the_saga_progress_round_trips_through_json_for_the_instance_row() -> None:
    import json

    run = simulate(
        example("order-saga"),
        Scenario(
            input={**SAGA_INPUT, "fail_shipping": True},
            compensations={"charge": Fail("down", retryable=False)},
        ),
    )
    saga = run.state.compensation
    assert saga is not None and saga.errors
    assert type(saga).from_dict(json.loads(json.dumps(saga.as_dict()))) == saga
