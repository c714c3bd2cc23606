"""Stopping every path: a failing branch or a cancel cancels the other live steps."""

from __future__ import annotations

from engine_testkit import Driver, edge, graph, node, of_type

from workflows.engine import ErrorInfo, InstanceStatus
from workflows.engine.commands import CancelInstance, CancelSteps, FailInstance
from workflows.engine.events import ApprovalDecided, CancelRequested, StepFailed, TimerFired


def _three_branches() -> Driver:
    g = graph(
        [
            node("s", "start"),
            node("p", "parallel"),
            node("t", "task", action="x"),
            node("a", "approval"),
            node("w", "timer", duration="PT1H"),
            node("j", "join"),
        ],
        [
            edge("e1", "s", "p"),
            edge("e2", "p", "t"),
            edge("e3", "p", "a"),
            edge("e4", "p", "w"),
            edge("e5", "t", "j"),
            edge("e6", "a", "j", outcome="approved"),
            edge("e7", "w", "j"),
        ],
    )
    return Driver(g)


def test_a_branch_that_fails_for_good_cancels_the_other_branches_and_fails_the_instance() -> None:
    d = _three_branches()
    d.start()
    approval, timer = d.live("a").id, d.live("w").id
    d.send(TimerFired(timer))
    join = d.live("j").id
    error = ErrorInfo("Boom", "no", retryable=False)
    decision = d.send(StepFailed(d.live("t").id, error, attempt=1))
    [cancel] = of_type(decision.commands, CancelSteps)
    assert set(cancel.step_ids) == {approval, join} and cancel.reason == "instance failed"
    assert of_type(decision.commands, FailInstance)[0].node_id == "t"
    assert d.state.status is InstanceStatus.FAILED and d.state.steps == {}
    assert d.send(ApprovalDecided(approval, "approved")).commands == ()


def test_cancel_closes_every_live_step_and_later_reports_are_ignored() -> None:
    d = _three_branches()
    d.start()
    live = tuple(d.state.steps)
    decision = d.send(CancelRequested(reason="duplicate request"))
    assert decision.commands == (CancelSteps(live, "duplicate request"), CancelInstance("duplicate request"))
    assert d.state.status is InstanceStatus.CANCELLED
    assert (
        d.send(TimerFired(d.decisions[0].state.live_steps_of("w")[0].id)).ignored == "instance is cancelled"
    )
