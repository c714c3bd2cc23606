"""Compensations run as their own attempts: a failed one is retried after its backoff
(a durable wait), and one that keeps failing is recorded while the saga goes on."""

from __future__ import annotations

import time

import pytest
from engine_support import events, linear, publish, step_of, task

from workflows.models import DueWait, StepExecution, WorkflowInstance
from workflows.services.instances import instance_start
from workflows.services.steps import compensation_run, step_run
from workflows.services.timers import due_waits_fire

pytestmark = pytest.mark.django_db(transaction=True)


def _saga(compensation_retry: dict) -> dict:
    undo = {
        "action": "test.flaky",
        "params": {"undo": "{{ steps.reserve.output.node }}"},
        "retry": compensation_retry,
    }
    return linear(task("reserve", compensate=undo), task("charge", "core.fail", {"message": "card declined"}))


def _run_scheduled(instance_id) -> None:
    for step in StepExecution.objects.filter(instance_id=instance_id, status="scheduled"):
        step_run(step_id=str(step.id), attempt=step.attempt, worker="w", task_id="t")


def _run_compensations(instance_id) -> int:
    ran = 0
    for step in StepExecution.objects.filter(
        instance_id=instance_id, status="compensating", not_before__isnull=True
    ):
        ran += compensation_run(
            step_id=str(step.id), attempt=step.compensation_attempt, worker="w", task_id="c"
        )
    return ran


def test_a_failed_compensation_is_retried_after_its_backoff(cluster, flaky) -> None:
    # given: the compensation fails once, and may be tried twice, 0.2 s apart
    flaky.failures = 1
    definition = publish(_saga({"max_attempts": 2, "backoff_seconds": 0.2, "max_backoff_seconds": 0.2}))
    instance = instance_start(definition_key=definition.key, input={}, started_by=definition.owner)
    _run_scheduled(instance.id)
    assert WorkflowInstance.objects.get(pk=instance.id).status == "compensating"
    # when: the first attempt fails, a durable wait holds the second
    assert _run_compensations(instance.id) == 1
    reserve = step_of(instance.id, "reserve")
    assert reserve.status == "compensating" and reserve.compensation_attempt == 2
    assert DueWait.objects.filter(step_id=reserve.id, kind="compensation", attempt=2).exists()
    time.sleep(0.3)
    assert due_waits_fire() == 1
    assert _run_compensations(instance.id) == 1
    # then
    done = WorkflowInstance.objects.get(pk=instance.id)
    assert done.status == "compensated"
    assert step_of(instance.id, "reserve").status == "compensated"
    assert flaky.calls == 2
    assert [e.payload["attempt"] for e in events(instance.id, "step_compensating")] == [1, 2]


def test_a_compensation_that_keeps_failing_is_recorded_and_the_instance_fails(cluster, flaky) -> None:
    # given
    flaky.failures, flaky.fatal = 5, True
    definition = publish(_saga({"max_attempts": 1}))
    instance = instance_start(definition_key=definition.key, input={}, started_by=definition.owner)
    _run_scheduled(instance.id)
    # when
    assert _run_compensations(instance.id) == 1
    # then
    done = WorkflowInstance.objects.get(pk=instance.id)
    assert done.status == "failed"
    assert done.error["message"] == "card declined"
    assert done.error["compensation_errors"][0]["node_id"] == "reserve"
    reserve = step_of(instance.id, "reserve")
    assert reserve.status == "compensation_failed" and "traceback" in reserve.compensation["error"]
