"""Approval, timer, signal and subworkflow nodes: the engine side of every wait."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from engine_testkit import NOW, Driver, chain, edge, graph, node, of_type

from workflows.engine import InstanceStatus, StepStatus
from workflows.engine.commands import (
    ArmTimer,
    CompleteStep,
    FailStep,
    OpenApproval,
    SetVariables,
    StartChild,
    WaitForSignal,
)
from workflows.engine.events import (
    ApprovalDecided,
    ChildFinished,
    SignalReceived,
    StepSkipped,
    StepTimedOut,
    TimerFired,
)


def _approval(**config: object) -> Driver:
    g = graph(
        [
            node("s", "start"),
            node("ok", "approval", **config),
            node("yes", "end", result="{{ steps.ok.output.comment }}"),
            node("no", "end", result="rejected"),
            node("late", "end", result="timed out"),
        ],
        [
            edge("e1", "s", "ok"),
            edge("e2", "ok", "yes", outcome="approved"),
            edge("e3", "ok", "no", outcome="rejected"),
            edge("e4", "ok", "late", timeout=True),
        ],
    )
    return Driver(g, {"manager": "bob"})


def test_an_approval_opens_a_task_with_rendered_assignees_and_waits() -> None:
    d = _approval(assignees={"users": ["{{ input.manager }}"]}, policy="any", sla={"due_in": "PT4H"})
    decision = d.start()
    [opened] = of_type(decision.commands, OpenApproval)
    assert opened.assignees == {"users": ["bob"]} and opened.outcomes == ("approved", "rejected")
    assert opened.config["policy"] == "any" and opened.config["sla"] == {"due_in": "PT4H"}
    assert d.live("ok").status is StepStatus.WAITING and d.state.status is InstanceStatus.RUNNING


def test_the_decided_outcome_chooses_the_edge_and_the_form_lands_in_the_step_output() -> None:
    d = _approval()
    d.start()
    step_id = d.live("ok").id
    decision = d.send(ApprovalDecided(step_id, "approved", {"comment": "fine", "decided_by": "bob"}))
    [done] = of_type(decision.commands, CompleteStep)
    assert done.outcome == "approved"
    assert done.output == {"comment": "fine", "decided_by": "bob", "outcome": "approved"}
    assert d.state.status is InstanceStatus.COMPLETED and d.state.result == "fine"


def test_a_rejection_takes_the_rejected_edge() -> None:
    d = _approval()
    d.start()
    d.send(ApprovalDecided(d.live("ok").id, "rejected", {"decided_by": "bob"}))
    assert d.state.result == "rejected"


def test_an_outcome_without_an_edge_fails_the_instance_clearly() -> None:
    d = _approval(outcomes=["approved", "rejected", "escalated"])
    d.start()
    d.send(ApprovalDecided(d.live("ok").id, "escalated"))
    assert d.state.status is InstanceStatus.FAILED and d.state.error is not None
    assert d.state.error.type == "no_outcome_edge" and "'escalated'" in d.state.error.message


def test_an_approval_timeout_takes_the_timeout_edge() -> None:
    d = _approval()
    d.start()
    step_id = d.live("ok").id
    decision = d.send(StepTimedOut(step_id))
    [failed] = of_type(decision.commands, FailStep)
    assert failed.handled and failed.error.type == "timeout"
    assert d.state.result == "timed out"
    assert d.send(ApprovalDecided(step_id, "approved")).commands == ()


def test_a_skipped_approval_follows_the_outcome_given_by_the_operator() -> None:
    d = _approval()
    d.start()
    decision = d.send(StepSkipped(d.live("ok").id, {"outcome": "approved", "comment": "skipped"}))
    [done] = of_type(decision.commands, CompleteStep)
    assert done.status is StepStatus.SKIPPED and d.state.result == "skipped"


def test_a_timer_with_a_duration_is_armed_relative_to_now_and_continues_when_fired() -> None:
    g = graph(
        [node("s", "start"), node("w", "timer", duration="P1DT2H"), node("e", "end")], chain("s", "w", "e")
    )
    d = Driver(g)
    decision = d.start()
    [armed] = of_type(decision.commands, ArmTimer)
    assert armed.due_at == NOW + timedelta(days=1, hours=2)
    d.send(TimerFired(armed.step_id))
    assert d.state.status is InstanceStatus.COMPLETED
    assert d.send(TimerFired(armed.step_id)).commands == ()


def test_a_timer_until_an_expression_is_armed_at_that_moment() -> None:
    g = graph(
        [node("s", "start"), node("w", "timer", until="input.when"), node("e", "end")], chain("s", "w", "e")
    )
    d = Driver(g, {"when": "2030-03-01T12:00:00+00:00"})
    [armed] = of_type(d.start().commands, ArmTimer)
    assert armed.due_at == datetime(2030, 3, 1, 12, tzinfo=UTC)


def test_a_timer_until_something_that_is_not_a_date_fails_the_instance() -> None:
    g = graph([node("s", "start"), node("w", "timer", until="input.when")], chain("s", "w"))
    d = Driver(g, {"when": 12})
    d.start()
    assert d.state.status is InstanceStatus.FAILED and d.state.error is not None
    assert d.state.error.type == "bad_timer"


def _signal(timeout: str | None) -> Driver:
    config = {"name": "edr_confirmed"} | ({"timeout": timeout} if timeout else {})
    g = graph(
        [
            node("s", "start"),
            node("sig", "signal", **config),
            node("got", "end", result="{{ steps.sig.output.host }}"),
            node("late", "end", result="late"),
        ],
        [edge("e1", "s", "sig"), edge("e2", "sig", "got"), edge("e3", "sig", "late", timeout=True)],
    )
    return Driver(g)


def test_a_signal_wait_records_its_name_and_timeout_and_continues_with_the_payload() -> None:
    d = _signal("PT30M")
    [wait] = of_type(d.start().commands, WaitForSignal)
    assert wait.name == "edr_confirmed" and wait.timeout_at == NOW + timedelta(minutes=30)
    d.send(SignalReceived(wait.step_id, {"host": "web-1"}))
    assert d.state.result == "web-1" and d.state.results["sig"] == {"output": {"host": "web-1"}}


def test_a_signal_timeout_takes_the_timeout_edge_and_a_late_signal_is_ignored() -> None:
    d = _signal("PT30M")
    step_id = d.start().state.live_steps_of("sig")[0].id
    d.send(StepTimedOut(step_id))
    assert d.state.result == "late"
    assert d.send(SignalReceived(step_id, {"host": "web-1"})).commands == ()


def test_a_signal_without_timeout_waits_without_a_deadline() -> None:
    d = _signal(None)
    [wait] = of_type(d.start().commands, WaitForSignal)
    assert wait.timeout_at is None


def _child() -> Driver:
    g = graph(
        [
            node("s", "start"),
            node(
                "sub",
                "subworkflow",
                definition="kyc",
                version=3,
                input={"who": "{{ input.name }}"},
                output="kyc",
            ),
            node("e", "end", result="{{ vars.kyc.result }}"),
        ],
        chain("s", "sub", "e"),
    )
    return Driver(g, {"name": "Ann"})


def test_a_subworkflow_starts_a_child_and_continues_with_its_result_and_vars() -> None:
    d = _child()
    [start] = of_type(d.start().commands, StartChild)
    assert (start.definition, start.version, start.input) == ("kyc", 3, {"who": "Ann"})
    decision = d.send(ChildFinished(start.step_id, "completed", "verified", {"score": 9}))
    assert SetVariables({"kyc": {"result": "verified", "vars": {"score": 9}}}) in decision.commands
    assert d.state.result == "verified"


def test_a_failed_child_fails_the_parent_step() -> None:
    d = _child()
    [start] = of_type(d.start().commands, StartChild)
    d.send(ChildFinished(start.step_id, "failed"))
    assert d.state.status is InstanceStatus.FAILED and d.state.error is not None
    assert d.state.error.type == "child_failed" and "kyc ended failed" in d.state.error.message


def test_an_event_of_the_wrong_kind_for_a_step_is_ignored() -> None:
    d = _child()
    [start] = of_type(d.start().commands, StartChild)
    decision = d.send(TimerFired(start.step_id))
    assert decision.commands == () and decision.ignored == "TimerFired does not apply to a subworkflow step"
