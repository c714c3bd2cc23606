"""The circuit breaker per action: opens after N failures in a row, parks steps without
using attempts, lets one probe through after the cool-down, closes on its success."""

from __future__ import annotations

import time

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from engine_support import events, linear, publish, step_of, task

from workflows.models import ActionCircuit, DueWait, WorkflowInstance
from workflows.runtime import circuits
from workflows.services.instances import instance_start
from workflows.services.steps import step_run
from workflows.services.timers import due_waits_fire

pytestmark = pytest.mark.django_db(transaction=True)


def _start_and_run(definition) -> tuple[WorkflowInstance, object]:
    instance = instance_start(definition_key=definition.key, input={}, started_by=definition.owner)
    step = step_of(instance.id, "call")
    report = step_run(
        step_id=str(step.id), attempt=step.attempt, worker="w", task_id="t", action="test.flaky"
    )
    return instance, report


def test_circuit_opens_after_consecutive_failures_and_parks_steps_without_using_attempts(
    cluster, flaky
) -> None:
    # given: the threshold is 3 (fast_engine); three instances fail on the action
    flaky.failures = 3
    definition = publish(linear(task("call", "test.flaky")))
    for _ in range(3):
        instance, report = _start_and_run(definition)
        assert report.ran == 1 and WorkflowInstance.objects.get(pk=instance.id).status == "failed"
    circuit = ActionCircuit.objects.get(action="test.flaky")
    assert circuit.state == "open" and circuit.consecutive_failures == 3
    # when: a fourth instance's step arrives while the circuit is open
    parked_instance, report = _start_and_run(definition)
    # then: it waits for the circuit, no attempt used, the action not called
    assert report.ran == 0 and report.parked_until == circuit.open_until
    step = step_of(parked_instance.id, "call")
    assert step.status == "scheduled" and step.attempt == 1 and flaky.calls == 3
    assert DueWait.objects.filter(step_id=step.id, kind="circuit", fired_at__isnull=True).exists()
    assert not events(parked_instance.id, "step_started")

    # when: the cool-down passes and the durable wait re-sends the step; it is the probe
    time.sleep(max(0.0, (circuit.open_until - step.created_at).total_seconds()) + 0.2)
    assert due_waits_fire() >= 1
    report = step_run(step_id=str(step.id), attempt=1, worker="w", task_id="t2", action="test.flaky")
    # then: the probe succeeded, the circuit is closed, the instance completes
    assert report.ran == 1
    assert WorkflowInstance.objects.get(pk=parked_instance.id).status == "completed"
    circuit.refresh_from_db()
    assert circuit.state == "closed" and circuit.consecutive_failures == 0


def test_half_open_circuit_lets_exactly_one_probe_through(cluster, settings) -> None:
    # given: an open circuit whose cool-down is over
    circuits.record_failure("demo.action", "boom")
    circuits.record_failure("demo.action", "boom")
    circuits.record_failure("demo.action", "boom")
    circuit = ActionCircuit.objects.get(action="demo.action")
    assert circuit.state == "open"
    time.sleep(settings.FLOWDESK_CIRCUIT_COOLDOWN_SECONDS + 0.2)
    circuits.forget_cache()
    # when
    first = circuits.gate("demo.action")
    second = circuits.gate("demo.action")
    # then
    assert first is None  # the probe
    assert second is not None  # everyone else waits for the probe's result
    assert ActionCircuit.objects.get(action="demo.action").state == "half_open"
    # and a failing probe opens it again
    circuits.record_failure("demo.action", "still down")
    assert ActionCircuit.objects.get(action="demo.action").state == "open"


def test_admin_reset_closes_a_circuit(cluster, admin_user) -> None:
    # given
    for _ in range(3):
        circuits.record_failure("demo.reset", "boom")
    circuit = ActionCircuit.objects.get(action="demo.reset")
    request = RequestFactory().post("/admin/workflows/actioncircuit/")
    request.user = admin_user
    request._messages = _Messages()
    # when
    site._registry[ActionCircuit].reset(request, ActionCircuit.objects.filter(pk=circuit.pk))
    # then
    circuit.refresh_from_db()
    assert circuit.state == "closed" and circuit.consecutive_failures == 0
    assert circuits.is_closed("demo.reset")


class _Messages:
    def __init__(self) -> None:
        self.sent: list[str] = []

    def add(self, level: int, message: str, extra_tags: str = "") -> None:
        self.sent.append(message)
