"""Task nodes: scheduling with rendered params, outputs, retries, timeouts and error edges."""

from __future__ import annotations

from datetime import timedelta

from engine_testkit import NOW, Driver, chain, edge, graph, node, of_type

from workflows.engine import ErrorInfo, InstanceStatus, StepStatus
from workflows.engine.commands import (
    CompleteInstance,
    CreateStep,
    FailInstance,
    FailStep,
    ScheduleRetry,
    ScheduleStep,
    SetVariables,
)
from workflows.engine.events import StepFailed, StepRetryRequested, StepSkipped, StepSucceeded, StepTimedOut

BOOM = ErrorInfo("ConnectionError", "connection refused", retryable=True)


def _task_graph(with_error_edge: bool = False, **config: object) -> Driver:
    task = {
        "action": "http.post",
        "params": {"to": "{{ input.email }}", "n": "{{ input.n }}"},
        "output": "sent",
    }
    task.update(config)
    nodes = [node("s", "start"), node("t", "task", **task), node("done", "end", result="{{ vars.sent.id }}")]
    edges = chain("s", "t", "done")
    if with_error_edge:
        nodes.append(node("oops", "end", result="{{ steps.t.error.message }}"))
        edges.append(edge("err", "t", "oops", on_error=True))
    return Driver(graph(nodes, edges), {"email": "ann@example.com", "n": 3})


def test_a_task_is_scheduled_with_params_rendered_at_activation() -> None:
    d = _task_graph(timeout_seconds=20)
    decision = d.start()
    create = of_type(decision.commands, CreateStep)[-1]
    [schedule] = of_type(decision.commands, ScheduleStep)
    assert create.status is StepStatus.SCHEDULED and create.attempt == 1
    assert schedule == ScheduleStep(
        create.step_id, "t", "http.post", {"to": "ann@example.com", "n": 3}, 1, None, 20.0
    )
    assert d.live("t").params == {"to": "ann@example.com", "n": 3}


def test_success_stores_the_output_variable_and_continues() -> None:
    d = _task_graph()
    d.start()
    step = d.live("t")
    decision = d.send(StepSucceeded(step.id, {"id": "m-1"}, attempt=1))
    assert SetVariables({"sent": {"id": "m-1"}}) in decision.commands
    assert decision.commands[-1] == CompleteInstance("m-1")
    assert d.state.results["t"] == {"output": {"id": "m-1"}}


def test_a_retryable_failure_is_retried_with_backoff_until_attempts_run_out() -> None:
    d = _task_graph(retry={"max_attempts": 3, "backoff_seconds": 10, "max_backoff_seconds": 15})
    d.start()
    step_id = d.live("t").id
    # when attempt 1 fails
    first = d.send(StepFailed(step_id, BOOM, attempt=1))
    # then attempt 2 waits between 5s and 10s (equal jitter of 10s)
    [retry] = of_type(first.commands, ScheduleRetry)
    assert retry.attempt == 2 and retry.error == BOOM
    assert NOW + timedelta(seconds=5) <= retry.not_before <= NOW + timedelta(seconds=10)
    assert d.live("t").status is StepStatus.RETRYING
    # when attempt 2 fails, the wait doubles but is capped at 15s
    second = d.send(StepFailed(step_id, BOOM, attempt=2))
    [retry] = of_type(second.commands, ScheduleRetry)
    assert retry.attempt == 3
    assert NOW + timedelta(seconds=7.5) <= retry.not_before <= NOW + timedelta(seconds=15)
    # when the last attempt fails, the instance fails
    last = d.send(StepFailed(step_id, BOOM, attempt=3))
    assert of_type(last.commands, FailInstance) == [FailInstance(BOOM, step_id, "t")]
    assert d.state.status is InstanceStatus.FAILED and d.state.error == BOOM


def test_a_non_retryable_failure_skips_the_remaining_attempts() -> None:
    d = _task_graph(retry={"max_attempts": 5})
    d.start()
    fatal = ErrorInfo("ValidationError", "bad address", retryable=False)
    decision = d.send(StepFailed(d.live("t").id, fatal, attempt=1))
    assert not of_type(decision.commands, ScheduleRetry)
    assert d.state.status is InstanceStatus.FAILED


def test_a_failure_after_retries_takes_the_error_edge_with_the_error_in_the_context() -> None:
    d = _task_graph(with_error_edge=True)
    d.start()
    step_id = d.live("t").id
    decision = d.send(StepFailed(step_id, BOOM, attempt=1))
    assert FailStep(step_id, "t", BOOM, handled=True) in decision.commands
    assert d.state.status is InstanceStatus.COMPLETED
    assert d.state.result == "connection refused"
    assert d.state.results["t"] == {"output": None, "error": BOOM.as_dict()}


def test_a_timed_out_attempt_counts_as_a_retryable_failure() -> None:
    d = _task_graph(timeout_seconds=30, retry={"max_attempts": 2, "backoff_seconds": 1})
    d.start()
    step_id = d.live("t").id
    decision = d.send(StepTimedOut(step_id, attempt=1))
    [retry] = of_type(decision.commands, ScheduleRetry)
    assert retry.error.type == "timeout" and "limit 30s" in retry.error.message
    d.send(StepTimedOut(step_id, attempt=2))
    assert d.state.status is InstanceStatus.FAILED and d.state.error is not None
    assert d.state.error.type == "timeout"


def test_params_that_fail_to_render_fail_the_step_without_running_it() -> None:
    g = graph(
        [
            node("s", "start"),
            node("t", "task", action="x", params={"n": "{{ input.n + 1 }}"}, retry={"max_attempts": 3}),
        ],
        chain("s", "t"),
    )
    d = Driver(g, {"n": "text"})
    decision = d.start()
    assert not of_type(decision.commands, ScheduleStep)
    assert of_type(decision.commands, CreateStep)[-1].status is StepStatus.FAILED
    assert d.state.status is InstanceStatus.FAILED and d.state.error is not None
    assert "params of t" in d.state.error.message


def test_a_report_for_an_older_attempt_is_ignored() -> None:
    d = _task_graph(retry={"max_attempts": 3, "backoff_seconds": 1})
    d.start()
    step_id = d.live("t").id
    d.send(StepFailed(step_id, BOOM, attempt=1))
    late = d.send(StepSucceeded(step_id, {"id": "late"}, attempt=1))
    assert late.commands == () and "stale report for attempt 1" in (late.ignored or "")
    assert d.live("t").attempt == 2


def test_a_report_without_attempt_is_ignored_while_the_step_waits_to_retry() -> None:
    d = _task_graph(retry={"max_attempts": 3, "backoff_seconds": 1})
    d.start()
    step_id = d.live("t").id
    d.send(StepFailed(step_id, BOOM))
    ignored = d.send(StepSucceeded(step_id, {"id": "x"}))
    assert ignored.commands == () and ignored.ignored is not None


def test_an_operator_retry_runs_the_step_now_under_a_new_attempt() -> None:
    d = _task_graph(retry={"max_attempts": 3, "backoff_seconds": 600})
    d.start()
    step_id = d.live("t").id
    d.send(StepFailed(step_id, BOOM, attempt=1))
    decision = d.send(StepRetryRequested(step_id))
    [schedule] = of_type(decision.commands, ScheduleStep)
    assert schedule.attempt == 3 and schedule.not_before is None
    assert schedule.params == {"to": "ann@example.com", "n": 3}
    assert d.send(StepSucceeded(step_id, {"id": "old"}, attempt=2)).commands == ()
    assert d.send(StepSucceeded(step_id, {"id": "new"}, attempt=3)).commands[-1] == CompleteInstance("new")


def test_an_operator_skip_finishes_the_step_with_the_given_output_and_continues() -> None:
    d = _task_graph()
    d.start()
    decision = d.send(StepSkipped(d.live("t").id, {"id": "manual"}))
    assert d.state.status is InstanceStatus.COMPLETED and d.state.result == "manual"
    assert SetVariables({"sent": {"id": "manual"}}) in decision.commands


def test_only_task_steps_can_be_retried() -> None:
    g = graph([node("s", "start"), node("w", "timer", duration="PT1H")], chain("s", "w"))
    d = Driver(g)
    d.start()
    decision = d.send(StepRetryRequested(d.live("w").id))
    assert decision.commands == () and decision.ignored == "a timer step cannot be retried"


def test_a_retry_after_hint_delays_the_next_attempt_at_least_that_long() -> None:
    d = _task_graph(retry={"max_attempts": 2, "backoff_seconds": 1})
    d.start()
    decision = d.send(StepFailed(d.live("t").id, BOOM, attempt=1, retry_after=120))
    [retry] = of_type(decision.commands, ScheduleRetry)
    assert retry.not_before == NOW + timedelta(seconds=120)
