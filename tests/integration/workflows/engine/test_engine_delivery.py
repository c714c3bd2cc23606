"""At-least-once delivery, exactly-once effects: duplicate, dropped and orphaned messages."""

from __future__ import annotations

import os
import re
import signal
from collections import Counter

import pytest
from engine_support import events, linear, publish, task, wait_finished, wait_for

from workflows.models import StepExecution, WorkflowInstance
from workflows.runtime import dispatcher
from workflows.runtime.units import Dispatch
from workflows.services.instances import instance_start
from workflows.services.steps import step_run

pytestmark = pytest.mark.django_db(transaction=True)


def _start_without_messages(monkeypatch, definition) -> WorkflowInstance:
    """Start an instance while the broker 'loses' every message sent after commit."""
    with monkeypatch.context() as patch:
        patch.setattr(dispatcher, "send_now", lambda dispatches: None)
        return instance_start(definition_key=definition.key, input={}, started_by=definition.owner)


def test_a_step_message_delivered_twice_runs_its_success_path_once(cluster, monkeypatch) -> None:
    # given: a scheduled step whose first message was lost, and a worker
    definition = publish(linear(task("only")))
    instance = _start_without_messages(monkeypatch, definition)
    step = StepExecution.objects.get(instance_id=instance.id, node_id="only")
    cluster.worker("w1")
    # when: the same message arrives twice
    twice = [Dispatch("step", str(step.id), 1, "core.echo")] * 2
    dispatcher.send_now(twice)
    # then
    done = wait_finished(instance.id)
    assert done.status == "completed"
    started = [e for e in events(instance.id, "step_started") if e.node_id == "only"]
    succeeded = [e for e in events(instance.id, "step_succeeded") if e.node_id == "only"]
    assert len(started) == 1 and len(succeeded) == 1
    # both messages were consumed: one ran the step (returns 1), the other found it taken (0)
    returned = wait_for(lambda: _run_step_results(cluster.log("w1")), what="both messages to be consumed")
    assert returned == [0, 1]


def _run_step_results(log: str) -> list[int] | None:
    found = sorted(
        int(n) for n in re.findall(r"workflows\.run_step\[[^\]]+\] succeeded in [0-9.]+s: (\d+)", log)
    )
    return found if len(found) == 2 else None


def test_running_the_task_twice_in_process_claims_the_attempt_once(
    fast_engine, transactional_db, monkeypatch
) -> None:
    # given
    definition = publish(linear(task("only"), task("next")))
    instance = _start_without_messages(monkeypatch, definition)
    step = StepExecution.objects.get(instance_id=instance.id, node_id="only")
    # when
    first = step_run(step_id=str(step.id), attempt=1, worker="here", task_id="m-1", action="core.echo")
    second = step_run(step_id=str(step.id), attempt=1, worker="here", task_id="m-1", action="core.echo")
    # then: the first ran both steps (the second locally); the duplicate did nothing
    assert first.ran == 2 and second.ran == 0
    assert WorkflowInstance.objects.get(pk=instance.id).status == "completed"
    assert Counter(e.node_id for e in events(instance.id, "step_succeeded"))["only"] == 1


def test_a_dropped_message_is_sent_again_by_the_reaper(cluster, monkeypatch) -> None:
    # given: the step exists but its message never reached the broker
    definition = publish(linear(task("only")))
    instance = _start_without_messages(monkeypatch, definition)
    step = StepExecution.objects.get(instance_id=instance.id, node_id="only")
    assert step.status == "scheduled" and step.dispatched_at is not None
    # when: a worker and beat (running the reaper) come up
    cluster.worker("w1")
    cluster.beat()
    # then
    done = wait_finished(instance.id, timeout=20)
    assert done.status == "completed"
    step.refresh_from_db()
    assert step.status == "succeeded" and step.attempt == 1 and step.redeliveries == 0
    assert len([e for e in events(instance.id, "step_started") if e.node_id == "only"]) == 1


@pytest.mark.slow
def test_a_worker_killed_mid_run_leaves_every_instance_completed_and_no_step_succeeded_twice(cluster) -> None:
    # given: 100 instances of three short sleeping steps, running on worker A
    sleepy = linear(*(task(f"s{i}", "core.sleep", {"seconds": 0.05}) for i in range(3)))
    definition = publish(sleepy)
    worker_a = cluster.worker("a", concurrency=4)
    ids = [
        instance_start(definition_key=definition.key, input={}, started_by=definition.owner).id
        for _ in range(100)
    ]
    wait_for(
        lambda: (
            StepExecution.objects.filter(instance_id__in=ids, node_id="s1", status="succeeded").count() >= 20
        )
    )
    # when: A dies without a chance to clean up, then another worker and beat take over
    os.killpg(worker_a.pid, signal.SIGKILL)
    worker_a.wait(timeout=10)
    orphaned = StepExecution.objects.filter(instance_id__in=ids, status__in=["running", "scheduled"]).count()
    cluster.worker("b", concurrency=4)
    cluster.beat()
    # then
    wait_for(
        lambda: WorkflowInstance.objects.filter(pk__in=ids, status="completed").count() == 100,
        timeout=90,
        interval=0.25,
        what="all 100 instances to complete",
    )
    assert orphaned > 0  # the kill really interrupted work
    per_step = Counter(e.step_id for e in events_of(ids, "step_succeeded"))
    assert per_step and max(per_step.values()) == 1
    tasks_done = StepExecution.objects.filter(instance_id__in=ids, node_type="task", status="succeeded")
    assert tasks_done.count() == 300


def events_of(ids, kind):
    from workflows.models import ExecutionEvent

    return ExecutionEvent.objects.filter(instance_id__in=ids, type=kind)
