"""Operators' transitions: suspend, resume, cancel (with or without compensation), retry
and skip do what they say, and are refused with 409 invalid_state where they make no sense."""

from __future__ import annotations

import itertools
import time

import pytest
from engine_support import edge, events, graph, linear, node, publish, step_of, task, wait_finished, wait_for

from workflows.models import StepExecution, WorkflowInstance
from workflows.services.instances import instance_start
from workflows.services.steps import step_run

pytestmark = pytest.mark.django_db(transaction=True)


def _timer_then_task(duration: str, *, compensated_first: bool = False) -> dict:
    before = (
        [task("reserve", compensate={"action": "core.log", "params": {"message": "undo"}})]
        if compensated_first
        else []
    )
    nodes = [
        node("start", "start"),
        *before,
        node("wait", "timer", duration=duration),
        task("after"),
        node("end", "end"),
    ]
    edges = [edge(f"e{i}", a["id"], b["id"]) for i, (a, b) in enumerate(itertools.pairwise(nodes))]
    return graph(nodes, edges)


def _url(instance_id, action: str = "") -> str:
    return f"/api/instances/{instance_id}/{action + '/' if action else ''}"


def _run_scheduled(instance_id) -> None:
    """Play the worker in this process for every scheduled step (no broker involved)."""
    for step in StepExecution.objects.filter(instance_id=instance_id, status="scheduled"):
        step_run(step_id=str(step.id), attempt=step.attempt, worker="test", task_id=f"t-{step.attempt}")


def test_suspend_holds_dispatch_until_resume(cluster, staff_client) -> None:
    # given: an instance waiting on a 1 s timer, a worker and beat
    cluster.worker("w1")
    cluster.beat()
    definition = publish(_timer_then_task("PT1S"))
    instance = instance_start(definition_key=definition.key, input={}, started_by=staff_client.user)
    # when: suspended, its timer is held (it does not fire) and so nothing is sent
    response = staff_client.post(_url(instance.id, "suspend"))
    assert response.status_code == 200 and response.json()["status"] == "suspended"
    time.sleep(2.0)
    assert step_of(instance.id, "wait").status == "waiting"
    assert not StepExecution.objects.filter(instance_id=instance.id, node_id="after").exists()
    assert staff_client.post(_url(instance.id, "suspend")).json()["error"]["code"] == "invalid_state"
    # then: resumed, it runs to the end
    response = staff_client.post(_url(instance.id, "resume"))
    assert response.status_code == 200 and response.json()["status"] == "running"
    assert wait_finished(instance.id).status == "completed"
    kinds = [e.type for e in events(instance.id) if e.type.startswith("instance_")]
    assert kinds == ["instance_started", "instance_suspended", "instance_resumed", "instance_completed"]
    refused = staff_client.post(_url(instance.id, "resume"))
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "invalid_state"


def test_a_step_scheduled_while_suspended_is_held_and_sent_on_resume(cluster, staff_client) -> None:
    # given: an instance whose first step is running on a worker
    cluster.worker("w1")
    definition = publish(linear(task("nap", "core.sleep", {"seconds": 1}), task("after")))
    instance = instance_start(definition_key=definition.key, input={}, started_by=staff_client.user)
    wait_for(lambda: step_of(instance.id, "nap").status == "running", what="the first step to start")
    # when: suspended while it runs, the step it leads to is scheduled but not sent
    assert staff_client.post(_url(instance.id, "suspend")).json()["status"] == "suspended"
    held = wait_for(
        lambda: StepExecution.objects.filter(instance_id=instance.id, node_id="after").first(),
        what="the running step to finish",
    )
    time.sleep(0.5)
    held.refresh_from_db()
    assert step_of(instance.id, "nap").status == "succeeded"
    assert held.status == "scheduled" and held.dispatched_at is None
    # then: resume sends it
    assert staff_client.post(_url(instance.id, "resume")).json()["status"] == "running"
    assert wait_finished(instance.id).status == "completed"
    held.refresh_from_db()
    assert held.status == "succeeded" and held.dispatched_at is not None


def test_cancel_stops_a_waiting_instance_and_a_second_cancel_is_refused(cluster, staff_client) -> None:
    # given
    definition = publish(_timer_then_task("PT1H"))
    instance = instance_start(definition_key=definition.key, input={}, started_by=staff_client.user)
    # when
    response = staff_client.post(_url(instance.id, "cancel"), {"reason": "not needed"}, format="json")
    # then
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert step_of(instance.id, "wait").status == "cancelled"
    assert events(instance.id, "instance_cancelled")[0].payload["reason"] == "not needed"
    again = staff_client.post(_url(instance.id, "cancel"), {}, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "invalid_state"
    assert staff_client.post(_url(instance.id, "suspend")).status_code == 409


def test_cancel_with_compensation_undoes_finished_steps_then_cancels(cluster, staff_client) -> None:
    # given: `reserve` (which declares compensation) finished, the timer waits
    cluster.worker("w1")
    definition = publish(_timer_then_task("PT1H", compensated_first=True))
    instance = instance_start(definition_key=definition.key, input={}, started_by=staff_client.user)
    waiting = StepExecution.objects.filter(instance_id=instance.id, node_id="wait", status="waiting")
    wait_for(waiting.exists, what="the timer to wait")
    # when
    response = staff_client.post(_url(instance.id, "cancel"), {"compensate": True}, format="json")
    # then
    assert response.status_code == 200 and response.json()["status"] == "compensating"
    done = wait_finished(instance.id)
    assert done.status == "cancelled"
    assert step_of(instance.id, "reserve").status == "compensated"
    assert [e.node_id for e in events(instance.id, "step_compensated")] == ["reserve"]


def test_retrying_the_failed_step_reopens_the_instance_and_completes_it(cluster, staff_client, flaky) -> None:
    # given: a step that fails for good once (no retries), failing its instance
    flaky.failures, flaky.fatal = 1, True
    definition = publish(linear(task("call", "test.flaky"), task("after")))
    instance = instance_start(definition_key=definition.key, input={}, started_by=staff_client.user)
    _run_scheduled(instance.id)
    failed = WorkflowInstance.objects.get(pk=instance.id)
    assert failed.status == "failed"
    step = step_of(instance.id, "call")
    # when
    response = staff_client.post(f"{_url(instance.id)}steps/{step.id}/retry/")
    # then
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "scheduled" and response.json()["attempt"] == 2
    assert WorkflowInstance.objects.get(pk=instance.id).status == "running"
    _run_scheduled(instance.id)
    assert WorkflowInstance.objects.get(pk=instance.id).status == "completed"
    assert flaky.calls == 2
    kinds = [e.type for e in events(instance.id) if e.node_id in ("call", "")]
    assert kinds[kinds.index("instance_failed") :][:4] == [
        "instance_failed",
        "instance_reopened",
        "step_reopened",
        "step_scheduled",
    ]
    # and a succeeded step of a completed instance cannot be retried
    refused = staff_client.post(f"{_url(instance.id)}steps/{step.id}/retry/")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "invalid_state"


def test_retrying_a_step_waiting_to_retry_runs_it_now(cluster, staff_client, flaky) -> None:
    # given: a retryable failure with a long backoff
    flaky.failures = 1
    retry = {"max_attempts": 3, "backoff_seconds": 3600, "max_backoff_seconds": 3600}
    definition = publish(linear(task("call", "test.flaky", retry=retry)))
    instance = instance_start(definition_key=definition.key, input={}, started_by=staff_client.user)
    _run_scheduled(instance.id)
    step = step_of(instance.id, "call")
    assert step.status == "retrying" and step.attempt == 2
    # when
    response = staff_client.post(f"{_url(instance.id)}steps/{step.id}/retry/")
    # then: attempt 3, now (the old attempt 2 message would be ignored)
    assert response.json()["status"] == "scheduled" and response.json()["attempt"] == 3
    assert step_run(step_id=str(step.id), attempt=2, worker="test", task_id="late").ran == 0
    _run_scheduled(instance.id)
    assert WorkflowInstance.objects.get(pk=instance.id).status == "completed"


def test_skipping_a_waiting_step_continues_with_the_given_output(cluster, staff_client) -> None:
    # given: an instance waiting on an hour-long timer
    definition = publish(_timer_then_task("PT1H"))
    instance = instance_start(definition_key=definition.key, input={}, started_by=staff_client.user)
    waiting = step_of(instance.id, "wait")
    # when
    response = staff_client.post(
        f"{_url(instance.id)}steps/{waiting.id}/skip/", {"output": {"why": "urgent"}}, format="json"
    )
    # then
    assert response.status_code == 200
    assert response.json()["status"] == "skipped" and response.json()["output"] == {"why": "urgent"}
    after = step_of(instance.id, "after")
    assert after.status == "scheduled"
    _run_scheduled(instance.id)
    assert WorkflowInstance.objects.get(pk=instance.id).status == "completed"
    refused = staff_client.post(f"{_url(instance.id)}steps/{after.id}/skip/", {}, format="json")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "invalid_state"


def test_skipping_the_failed_step_reopens_the_instance_past_it(cluster, staff_client, flaky) -> None:
    # given
    flaky.failures, flaky.fatal = 5, True
    definition = publish(linear(task("call", "test.flaky"), task("after")))
    instance = instance_start(definition_key=definition.key, input={}, started_by=staff_client.user)
    _run_scheduled(instance.id)
    step = step_of(instance.id, "call")
    # when
    response = staff_client.post(
        f"{_url(instance.id)}steps/{step.id}/skip/", {"output": {"manual": 1}}, format="json"
    )
    # then
    assert response.status_code == 200 and response.json()["status"] == "skipped"
    _run_scheduled(instance.id)
    done = WorkflowInstance.objects.get(pk=instance.id)
    assert done.status == "completed" and done.error is None
    assert flaky.calls == 1


def test_a_join_cannot_be_skipped(cluster, staff_client) -> None:
    # given: a join waiting for a branch stuck on a long timer
    nodes = [node("start", "start"), node("split", "parallel"), task("quick"), node("slow", "timer", duration="PT1H"),
             node("join", "join"), node("end", "end")]  # fmt: skip
    edges = [edge("a", "start", "split"), edge("b", "split", "quick"), edge("c", "split", "slow"),
             edge("d", "quick", "join"), edge("e", "slow", "join"), edge("f", "join", "end")]  # fmt: skip
    definition = publish(graph(nodes, edges))
    instance = instance_start(definition_key=definition.key, input={}, started_by=staff_client.user)
    _run_scheduled(instance.id)
    join = step_of(instance.id, "join")
    assert join.status == "waiting"
    # when
    response = staff_client.post(f"{_url(instance.id)}steps/{join.id}/skip/", {}, format="json")
    # then
    assert response.status_code == 409 and response.json()["error"]["code"] == "invalid_state"
    assert step_of(instance.id, "join").status == "waiting"
