"""Timers are database rows claimed by beat with SKIP LOCKED: each fires once even with two
beats, survives a full restart, is held while its instance is suspended and disarmed when
it is cancelled."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from waits_support import chain, events, later, node, pending_waits, publish, step_of, wait_finished

from workflows.models import DueWait, StepExecution, WorkflowInstance
from workflows.services.instances import instance_start
from workflows.services.timers import due_waits_fire

pytestmark = pytest.mark.django_db(transaction=True)


def _timer(**config: str) -> dict:
    return chain(
        node("wait", "timer", **config), node("after", "set", assign={"woke": "true"}), result="woke"
    )


def test_timers_due_together_fire_once_each_with_two_beats_and_two_workers(cluster, staff) -> None:
    # given: two workers and, by mistake, two beats
    for name in ("w1", "w2"):
        cluster.worker(name)
    cluster.beat("beat-a")
    cluster.beat("beat-b")
    definition = publish(_timer(duration="PT2S"), owner=staff)
    # when: 40 timers come due at about the same moment
    started = [instance_start(definition_key=definition.key, input={}, started_by=staff) for _ in range(40)]
    # then: every instance completes, each timer fired exactly once
    for instance in started:
        assert wait_finished(instance.pk, timeout=60).status == "completed"
    for instance in started:
        timer = step_of(instance.pk, "wait")
        applied = [e for e in events(instance.pk) if e.step_id == timer.id and e.type == "step_succeeded"]
        assert len(applied) == 1
        assert StepExecution.objects.filter(instance_id=instance.pk, node_id="after").count() == 1
        [wait] = DueWait.objects.filter(instance_id=instance.pk)
        assert wait.fired_at is not None


def test_a_timer_armed_before_a_full_restart_fires_after_it(cluster, staff) -> None:
    # given: a 3 s timer armed while a worker and beat run
    cluster.worker()
    cluster.beat()
    definition = publish(_timer(duration="PT3S"), owner=staff)
    instance = instance_start(definition_key=definition.key, input={}, started_by=staff)
    [armed] = pending_waits(instance.pk)
    # when: everything stops, the due time passes while nothing runs, then it all starts again
    cluster.stop_all()
    time.sleep(max(0.0, (armed.due_at - timezone.now()).total_seconds()) + 1.0)
    assert step_of(instance.pk, "wait").status == "waiting"
    cluster.worker("w-again")
    cluster.beat("beat-again")
    # then
    done = wait_finished(instance.pk, timeout=30)
    assert (done.status, done.result) == ("completed", "woke")


def test_a_suspended_instance_holds_its_timer_and_resume_fires_it(staff_client) -> None:
    # given: a timer that is already due
    definition = publish(_timer(duration="PT1M"), owner=staff_client.user)
    instance = instance_start(definition_key=definition.key, input={}, started_by=staff_client.user)
    assert staff_client.post(f"/api/instances/{instance.pk}/suspend/").status_code == 200
    # when: due waits fire while it is suspended
    due_waits_fire(now=later(minutes=2))
    # then: it is held
    assert step_of(instance.pk, "wait").status == "waiting"
    assert len(pending_waits(instance.pk)) == 1
    # when: resumed, the next check fires it
    assert staff_client.post(f"/api/instances/{instance.pk}/resume/").status_code == 200
    due_waits_fire(now=later(minutes=2))
    # then
    assert WorkflowInstance.objects.get(pk=instance.pk).status == "completed"
    assert pending_waits(instance.pk) == []


def test_cancelling_an_instance_disarms_its_timer(staff_client) -> None:
    definition = publish(_timer(duration="PT1H"), owner=staff_client.user)
    instance = instance_start(definition_key=definition.key, input={}, started_by=staff_client.user)
    assert len(pending_waits(instance.pk)) == 1

    assert staff_client.post(f"/api/instances/{instance.pk}/cancel/", {}, format="json").status_code == 200

    assert pending_waits(instance.pk) == []
    assert due_waits_fire(now=later(hours=2)) == 0


def test_a_timer_until_an_expression_is_due_at_that_moment(staff) -> None:
    # given
    moment = (timezone.now() + timedelta(days=3)).replace(microsecond=0).astimezone(UTC)
    document = _timer(until="input.when")
    document["inputs"] = {"when": {"type": "string", "required": True}}
    definition = publish(document, owner=staff)
    # when
    instance = instance_start(
        definition_key=definition.key, input={"when": moment.isoformat()}, started_by=staff
    )
    # then
    [wait] = pending_waits(instance.pk)
    assert (wait.kind, wait.due_at) == ("timer", moment)
    due_waits_fire(now=moment - timedelta(seconds=1))
    assert step_of(instance.pk, "wait").status == "waiting"
    due_waits_fire(now=moment)
    assert WorkflowInstance.objects.get(pk=instance.pk).status == "completed"


def test_a_timer_until_a_moment_in_the_past_fires_on_the_next_check(staff) -> None:
    document = _timer(until="input.when")
    document["inputs"] = {"when": {"type": "string"}}
    definition = publish(document, owner=staff)

    past = datetime(2020, 1, 1, tzinfo=UTC).isoformat()
    instance = instance_start(definition_key=definition.key, input={"when": past}, started_by=staff)
    due_waits_fire()

    assert WorkflowInstance.objects.get(pk=instance.pk).status == "completed"
