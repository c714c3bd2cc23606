"""The reaper, driven step by step in this process: lost messages are re-sent, lost workers'
steps are re-dispatched on the same attempt, and after the redelivery cap the step fails
with worker_lost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from engine_support import events, linear, publish, step_of, task

from workflows.models import StepExecution, WorkflowInstance
from workflows.runtime.claims import claim_step
from workflows.services.instances import instance_start
from workflows.services.reaper import steps_reap

pytestmark = pytest.mark.django_db(transaction=True)


def _running_step(definition, *, lease_ago: float, redeliveries: int = 0) -> StepExecution:
    """A step claimed by a worker that then vanished (its lease lapsed `lease_ago` s ago)."""
    instance = instance_start(definition_key=definition.key, input={}, started_by=definition.owner)
    step = step_of(instance.id, "call")
    assert claim_step(step_id=str(step.id), attempt=1, worker="gone", token="t-1", now=timezone.now())
    StepExecution.objects.filter(pk=step.pk).update(
        lease_expires_at=timezone.now() - timedelta(seconds=lease_ago), redeliveries=redeliveries
    )
    return step


def test_a_step_whose_worker_died_is_redispatched_on_the_same_attempt(cluster) -> None:
    # given
    definition = publish(linear(task("call")))
    step = _running_step(definition, lease_ago=1)
    # when
    report = steps_reap()
    # then
    assert report.redelivered == 1
    step.refresh_from_db()
    assert step.status == "scheduled" and step.attempt == 1 and step.redeliveries == 1
    assert step.lease_expires_at is None and step.dispatched_at is not None
    redelivered = events(step.instance_id, "step_redelivered")
    assert [e.payload["redeliveries"] for e in redelivered] == [1]


def test_a_live_lease_is_left_alone(cluster) -> None:
    definition = publish(linear(task("call")))
    step = _running_step(definition, lease_ago=-30)  # expires in 30 s
    assert steps_reap().redelivered == 0
    step.refresh_from_db()
    assert step.status == "running"


def test_after_the_redelivery_cap_the_step_fails_with_worker_lost(cluster, settings) -> None:
    # given: a step already redelivered as often as allowed
    definition = publish(linear(task("call", retry={"max_attempts": 3})))
    step = _running_step(definition, lease_ago=1, redeliveries=settings.FLOWDESK_MAX_REDELIVERIES)
    # when
    report = steps_reap()
    # then: failed for good (no retry: the action may be what kills workers)
    assert report.failed == 1
    step.refresh_from_db()
    assert step.status == "failed" and step.error["type"] == "worker_lost"
    instance = WorkflowInstance.objects.get(pk=step.instance_id)
    assert instance.status == "failed" and instance.error["type"] == "worker_lost"


def test_a_message_that_never_started_is_sent_again_once_it_is_old_enough(cluster, settings) -> None:
    # given: a scheduled step whose message went out long ago
    definition = publish(linear(task("call")))
    instance = instance_start(definition_key=definition.key, input={}, started_by=definition.owner)
    step = step_of(instance.id, "call")
    old = timezone.now() - timedelta(seconds=settings.FLOWDESK_RESEND_AFTER_SECONDS + 1)
    StepExecution.objects.filter(pk=step.pk).update(dispatched_at=old)
    # when
    first, second = steps_reap(), steps_reap()
    # then: sent once (the clock restarts), no status change, no event
    assert (first.resent, second.resent) == (1, 0)
    step.refresh_from_db()
    assert step.status == "scheduled" and step.dispatched_at > old
    assert not events(instance.id, "step_redelivered")


def test_suspended_instances_are_not_resent(cluster, settings, admin_user) -> None:
    from workflows.services.operations import instance_suspend

    definition = publish(linear(task("call")), owner=admin_user)
    instance = instance_start(definition_key=definition.key, input={}, started_by=admin_user)
    instance_suspend(instance_id=instance.id, actor=admin_user)
    old = timezone.now() - timedelta(seconds=settings.FLOWDESK_RESEND_AFTER_SECONDS + 1)
    StepExecution.objects.filter(instance_id=instance.id).update(dispatched_at=old)
    assert steps_reap().resent == 0
