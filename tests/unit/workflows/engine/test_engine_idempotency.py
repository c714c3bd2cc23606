"""Duplicate, late and misaddressed events change nothing; decide() is pure and deterministic."""

from __future__ import annotations

import random
import uuid
from datetime import datetime

import pytest
from engine_testkit import NOW, Driver, example

from workflows.engine import ErrorInfo, InstanceStatus, apply, decide
from workflows.engine.events import (
    ApprovalDecided,
    CancelRequested,
    CompensationSucceeded,
    Event,
    SignalReceived,
    StepFailed,
    StepSkipped,
    StepSucceeded,
    StepTimedOut,
    TimerFired,
)
from workflows.engine.simulate import Decide, Scenario, simulate


def _saga_at_charge() -> tuple[Driver, str]:
    d = Driver(example("order-saga"), {"order_id": "o-1", "amount": 5})
    d.start()
    reserve = d.live("reserve").id
    d.send(StepSucceeded(reserve, {"reserved": "o-1"}, attempt=1))
    return d, reserve


@pytest.mark.parametrize(
    "late",
    [
        lambda step: StepSucceeded(step, {"again": True}, attempt=1),
        lambda step: StepSucceeded(step, {"again": True}),
        lambda step: StepFailed(step, ErrorInfo("X", "late failure"), attempt=1),
        lambda step: StepTimedOut(step, attempt=1),
        lambda step: StepSkipped(step),
        lambda step: ApprovalDecided(step, "approved"),
        lambda step: TimerFired(step),
        lambda step: SignalReceived(step, {}),
    ],
)
def test_a_late_event_for_a_step_that_moved_on_produces_no_commands(late: object) -> None:
    # given the reserve step already succeeded
    d, reserve = _saga_at_charge()
    before = d.state
    # when any report about it arrives again
    decision = d.send(late(reserve))  # type: ignore[operator]
    # then nothing happens
    assert decision.commands == () and decision.state is before
    assert decision.ignored == f"step {reserve} is not live"


def test_an_event_for_an_unknown_step_is_ignored() -> None:
    d, _ = _saga_at_charge()
    assert d.send(StepSucceeded(str(uuid.uuid4()), None)).commands == ()


def test_every_event_for_a_finished_instance_is_ignored() -> None:
    d, _ = _saga_at_charge()
    charge = d.live("charge").id
    d.send(StepSucceeded(charge, None, attempt=1))
    d.send(StepSucceeded(d.live("ship").id, None, attempt=1))
    assert d.state.status is InstanceStatus.COMPLETED
    for event in (
        StepSucceeded(charge, None),
        CancelRequested(compensate=True),
        CompensationSucceeded(charge),
    ):
        decision = d.send(event)
        assert decision.commands == () and decision.ignored == "instance is completed"


def test_the_same_inputs_give_the_same_decision() -> None:
    g = example("employee-onboarding")
    scenario = Scenario(
        input={"employee": "Ann", "email": "a@example.com"}, approvals={"buddy": Decide("assigned")}
    )
    assert simulate(g, scenario).commands == simulate(g, scenario).commands


def test_step_ids_are_fresh_uuid4_strings_from_the_injected_random_source() -> None:
    d = Driver(example("order-saga"), {"order_id": "o-1", "amount": 5})
    step_id = d.start().state.live_steps_of("reserve")[0].id
    assert uuid.UUID(step_id).version == 4
    again = Driver(example("order-saga"), {"order_id": "o-1", "amount": 5})
    assert again.start().state.live_steps_of("reserve")[0].id == step_id


def test_decide_refuses_a_naive_now() -> None:
    d, _ = _saga_at_charge()
    with pytest.raises(ValueError, match="aware"):
        decide(d.graph, d.state, CancelRequested(), now=datetime(2030, 1, 1), rng=random.Random(1))


def test_applying_the_commands_reproduces_the_state_an_adapter_would_store() -> None:
    # given every decision of a run with retries, a join, a timer and an approval
    g = example("employee-onboarding")
    run = simulate(
        g,
        Scenario(
            input={"employee": "Ann", "email": "a@example.com"},
            approvals={"buddy": Decide("assigned", {"buddy": "Bob"})},
        ),
    )
    # when the commands are replayed from the initial state
    from workflows.engine import new_instance

    initial = new_instance(g, run.state.info, {"employee": "Ann", "email": "a@example.com"})
    # then they rebuild exactly the final state
    assert apply(initial, run.commands) == run.state


def test_decisions_never_share_mutable_containers_with_their_input() -> None:
    d, _ = _saga_at_charge()
    before_vars = dict(d.state.vars)
    event: Event = StepSucceeded(d.live("charge").id, {"charged": 5}, attempt=1)
    decision = decide(d.graph, d.state, event, now=NOW, rng=random.Random(3))
    assert decision.state.vars is not d.state.vars and d.state.vars == before_vars
    assert decision.state.steps is not d.state.steps
