"""The reconciler: when the after-commit message is lost (no worker, a purged queue), the
sweep still settles a parent whose child ended, cancels a child whose parent step was
cancelled, and settles a pending internal trigger run."""

from __future__ import annotations

import pytest
from waits_support import chain, later, node, publish, step_of

from config.celery import app
from workflows.models import Trigger, TriggerRun, WorkflowInstance
from workflows.services.instances import instance_start
from workflows.services.operations import instance_cancel
from workflows.waits.sweep import waits_sweep
from workflows.waits.triggers import trigger_save

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def no_worker(fast_waits):
    """Messages sent after commit go nowhere: the queue is purged before and after."""
    app.control.purge()
    yield
    app.control.purge()


def test_the_sweep_settles_a_parent_whose_child_ended_while_the_message_was_lost(no_worker, staff) -> None:
    # given: the child completes inside the parent's start, but nobody hears about it
    publish(chain(result="child done"), owner=staff, key="quick-child")
    parent_definition = publish(chain(node("sub", "subworkflow", definition="quick-child")), owner=staff)
    parent = instance_start(definition_key=parent_definition.key, input={}, started_by=staff)
    app.control.purge()
    assert WorkflowInstance.objects.get(parent=parent).status == "completed"
    assert step_of(parent.pk, "sub").status == "waiting"
    # when: before the grace nothing happens, after it the sweep settles the parent
    assert waits_sweep().parents_settled == 0
    report = waits_sweep(now=later(60))
    # then
    assert report.parents_settled == 1
    assert WorkflowInstance.objects.get(pk=parent.pk).status == "completed"
    assert step_of(parent.pk, "sub").output == {"result": "child done", "vars": {}}
    assert waits_sweep(now=later(60)).parents_settled == 0


def test_the_sweep_cancels_a_child_whose_parent_step_was_cancelled(no_worker, staff) -> None:
    publish(chain(node("hold", "signal", name="never")), owner=staff, key="slow-child")
    parent_definition = publish(chain(node("sub", "subworkflow", definition="slow-child")), owner=staff)
    parent = instance_start(definition_key=parent_definition.key, input={}, started_by=staff)
    instance_cancel(instance_id=parent.pk, actor=staff)
    app.control.purge()
    child = WorkflowInstance.objects.get(parent=parent)
    assert child.status == "running"

    report = waits_sweep(now=later(60))

    assert report.children_cancelled == 1
    assert WorkflowInstance.objects.get(pk=child.pk).status == "cancelled"


def test_the_sweep_settles_a_pending_internal_trigger_run(no_worker, staff) -> None:
    source = publish(chain(result="done"), owner=staff, key="first")
    target = publish(chain(result="second done"), owner=staff, key="second")
    trigger_save(Trigger(key="then-second", name="then", kind="instance_finished", definition=target, run_as=staff,
                         source_definition=source))  # fmt: skip
    instance_start(definition_key=source.key, input={}, started_by=staff)
    app.control.purge()
    [run] = TriggerRun.objects.all()
    assert run.status == "pending"

    report = waits_sweep(now=later(60))

    assert report.trigger_runs_settled == 1
    run.refresh_from_db()
    assert run.status == "started"
    assert WorkflowInstance.objects.get(pk=run.instance_id).definition_id == target.pk
