"""Four eyes, claiming, unclaiming, delegating and reassigning tasks."""

from __future__ import annotations

import pytest

from approvals.models import Decision, TaskEvent, TaskState
from approvals.services.assignment import task_claim, task_delegate, task_reassign, task_unclaim
from approvals.services.deciding import task_decide
from approvals.services.errors import (
    DelegationRefused,
    SelfApprovalForbidden,
    TaskForbidden,
    TaskNotClaimable,
    TaskNotFound,
)
from tests.factories import UserFactory
from tests.integration.approvals.conftest import example_graph, tasks_of, with_node_config

pytestmark = pytest.mark.django_db


def test_whoever_started_an_instance_cannot_decide_its_approval(publish, start, people, groups) -> None:
    # given alice is a manager too, and starts the expense herself
    people["alice"].groups.add(groups["managers"])
    publish(example_graph("expense-approval"))
    [task] = tasks_of(start(5000, by="alice"), "manager")
    # when / then
    with pytest.raises(SelfApprovalForbidden):
        task_decide(task_id=task.pk, actor=people["alice"], outcome="approved")
    task.refresh_from_db()
    assert task.state == TaskState.OPEN
    assert not Decision.objects.filter(task=task).exists()


def test_allow_self_approval_lets_the_starter_decide(publish, start, people, groups) -> None:
    people["alice"].groups.add(groups["managers"])
    publish(with_node_config(example_graph("expense-approval"), "manager", allow_self_approval=True))
    [task] = tasks_of(start(5000, by="alice"), "manager")

    task_decide(task_id=task.pk, actor=people["alice"], outcome="approved")

    task.refresh_from_db()
    assert task.state == TaskState.DECIDED


def test_the_starter_gets_no_task_of_their_own_in_a_group_quorum(publish, start, people, groups) -> None:
    people["fiona"].groups.add(groups["managers"])  # fiona can pass the manager step...
    publish(example_graph("expense-approval"))
    instance = start(20000, by="fiona")  # ...but she started this one
    [manager] = tasks_of(instance, "manager")
    task_decide(task_id=manager.pk, actor=people["manny"], outcome="approved")

    assert sorted(t.assignee.username for t in tasks_of(instance, "finance")) == ["fatima", "frank"]


def test_a_group_member_claims_a_task_and_then_only_they_can_decide_it(expense, start, people) -> None:
    [task] = tasks_of(start(5000), "manager")

    task_claim(task_id=task.pk, actor=people["manny"])

    task.refresh_from_db()
    assert (task.state, task.assignee.username) == (TaskState.CLAIMED, "manny")
    with pytest.raises(TaskForbidden):
        task_decide(task_id=task.pk, actor=people["mona"], outcome="approved")
    with pytest.raises(TaskNotClaimable):
        task_claim(task_id=task.pk, actor=people["mona"])


def test_unclaiming_gives_the_task_back_to_the_group(expense, start, people) -> None:
    [task] = tasks_of(start(5000), "manager")
    task_claim(task_id=task.pk, actor=people["manny"])

    with pytest.raises(TaskForbidden):
        task_unclaim(task_id=task.pk, actor=people["mona"])
    task_unclaim(task_id=task.pk, actor=people["manny"])

    task.refresh_from_db()
    assert (task.state, task.assignee) == (TaskState.OPEN, None)
    task_decide(task_id=task.pk, actor=people["mona"], outcome="approved")
    assert list(TaskEvent.objects.filter(task=task).values_list("kind", flat=True)) == [
        "opened",
        "claimed",
        "unclaimed",
        "decided",
        "sla_met",
    ]


def test_a_personal_task_cannot_be_claimed(expense, start, people) -> None:
    instance = start(20000)
    [manager] = tasks_of(instance, "manager")
    task_decide(task_id=manager.pk, actor=people["manny"], outcome="approved")
    fiona_task = next(t for t in tasks_of(instance, "finance") if t.assignee.username == "fiona")

    with pytest.raises(TaskNotClaimable):
        task_claim(task_id=fiona_task.pk, actor=people["fiona"])


def test_delegating_passes_the_task_with_a_note(expense, start, people) -> None:
    # given manny holds the manager task
    [task] = tasks_of(start(5000), "manager")
    task_claim(task_id=task.pk, actor=people["manny"])
    # when he delegates it to diana (not a manager)
    task_delegate(task_id=task.pk, actor=people["manny"], to="diana", note="you know this supplier")
    # then diana holds it, sees the note, and may decide it; manny may not
    task.refresh_from_db()
    assert task.assignee.username == "diana"
    assert (task.delegated_by.username, task.delegation_note) == ("manny", "you know this supplier")
    with pytest.raises(TaskForbidden):
        task_decide(task_id=task.pk, actor=people["manny"], outcome="approved")
    task_decide(task_id=task.pk, actor=people["diana"], outcome="approved")


def test_delegation_refuses_unknown_people_the_starter_and_someone_else_s_task(
    expense, start, people
) -> None:
    [task] = tasks_of(start(5000), "manager")

    with pytest.raises(DelegationRefused) as unknown:
        task_delegate(task_id=task.pk, actor=people["manny"], to="nobody")
    assert unknown.value.error_code == "unknown_user"
    with pytest.raises(DelegationRefused) as starter:
        task_delegate(task_id=task.pk, actor=people["manny"], to="alice")
    assert starter.value.error_code == "self_approval_forbidden"
    with pytest.raises(TaskNotFound):  # fiona cannot even see the managers' task
        task_delegate(task_id=task.pk, actor=people["fiona"], to="diana")


def test_a_quorum_member_cannot_delegate_to_someone_who_already_votes(expense, start, people) -> None:
    instance = start(20000)
    [manager] = tasks_of(instance, "manager")
    task_decide(task_id=manager.pk, actor=people["manny"], outcome="approved")
    fiona_task = next(t for t in tasks_of(instance, "finance") if t.assignee.username == "fiona")

    with pytest.raises(DelegationRefused) as refused:
        task_delegate(task_id=fiona_task.pk, actor=people["fiona"], to="frank")
    assert refused.value.error_code == "already_assigned"


def test_staff_reassign_a_task(expense, start, people) -> None:
    admin = UserFactory(username="ada", is_staff=True)
    [task] = tasks_of(start(5000), "manager")

    with pytest.raises(TaskForbidden):
        task_reassign(task_id=task.pk, actor=people["manny"], to="diana")
    task_reassign(task_id=task.pk, actor=admin, to="diana", reason="manny is away")

    task.refresh_from_db()
    assert task.assignee.username == "diana"
    assert TaskEvent.objects.filter(task=task, kind="reassigned", actor=admin).exists()
