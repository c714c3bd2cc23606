"""The engine seam: tasks follow their step when the engine cancels or finishes it."""

from __future__ import annotations

import pytest

from approvals.models import RequestState, SlaRecord, SlaState, TaskState
from approvals.services.deciding import task_decide
from approvals.services.errors import TaskAlreadyDecided
from tests.integration.approvals.conftest import request_of, tasks_of

pytestmark = pytest.mark.django_db


def test_cancelling_the_instance_cancels_its_open_tasks(expense, start, people) -> None:
    from workflows.services.operations import instance_cancel

    instance = start(20000)
    [manager] = tasks_of(instance, "manager")
    task_decide(task_id=manager.pk, actor=people["manny"], outcome="approved")

    instance_cancel(instance_id=instance.pk, actor=people["alice"], reason="withdrawn")

    assert {t.state for t in tasks_of(instance, "finance")} == {TaskState.CANCELLED}
    assert request_of(instance, "finance").state == RequestState.CANCELLED
    assert set(
        SlaRecord.objects.filter(task__request__node_id="finance").values_list("state", flat=True)
    ) == {SlaState.CANCELLED}
    fiona_task = next(t for t in tasks_of(instance, "finance") if t.assignee.username == "fiona")
    with pytest.raises(TaskAlreadyDecided):
        task_decide(task_id=fiona_task.pk, actor=people["fiona"], outcome="approved")


def test_a_staff_operator_skipping_the_approval_step_expires_its_task(expense, start, people) -> None:
    from django.contrib.auth.models import User

    from workflows.services.operations import step_skip

    instance = start(5000)
    [task] = tasks_of(instance, "manager")
    step = instance.steps.get(node_id="manager")
    operator = User.objects.create_user("operator", is_staff=True)

    step_skip(instance_id=instance.pk, step_id=step.pk, actor=operator, output={"outcome": "rejected"})

    task.refresh_from_db()
    assert task.state == TaskState.EXPIRED
    assert request_of(instance, "manager").outcome == "rejected"
    instance.refresh_from_db()
    assert instance.result == "rejected"


def test_opening_the_same_step_twice_opens_one_request(expense, start) -> None:
    from approvals.services.opening import approval_open
    from workflows.engine.commands import OpenApproval

    instance = start(5000)
    request = request_of(instance, "manager")

    again = approval_open(
        instance=instance,
        command=OpenApproval(
            str(request.step_id),
            "manager",
            "Manager approval",
            {"groups": ["managers"]},
            ("approved", "rejected"),
            {},
        ),
    )

    assert again.pk == request.pk
    assert len(tasks_of(instance, "manager")) == 1
