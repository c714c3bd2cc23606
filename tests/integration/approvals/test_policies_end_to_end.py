"""Each approval policy driven through the real engine adapter with the expense example."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User

from approvals.models import Decision, RequestState, TaskState
from approvals.services.deciding import task_decide
from tests.integration.approvals.conftest import (
    example_graph,
    request_of,
    step_statuses,
    tasks_of,
    with_node_config,
)
from workflows.models import WorkflowDefinition, WorkflowInstance

pytestmark = pytest.mark.django_db

Start = Callable[..., WorkflowInstance]


def test_a_large_expense_opens_one_shared_manager_task_for_the_managers_group(expense, start: Start) -> None:
    # when
    instance = start(5000)
    # then
    [task] = tasks_of(instance, "manager")
    assert task.state == TaskState.OPEN
    assert task.assignee is None
    assert [g.name for g in task.candidate_groups.all()] == ["managers"]
    assert request_of(instance, "manager").policy == "any"
    assert step_statuses(instance)["manager"] == "waiting"


def test_any_policy_the_first_manager_decision_moves_the_workflow_on(expense, start: Start, people) -> None:
    # given
    instance = start(5000)
    [task] = tasks_of(instance, "manager")
    # when
    task_decide(task_id=task.pk, actor=people["manny"], outcome="approved", form={"comment": "fine"})
    # then the approval step succeeded with the form values, outcome and decider
    step = instance.steps.get(node_id="manager")
    assert step.status == "succeeded"
    assert step.output == {"comment": "fine", "decided_by": "manny", "outcome": "approved"}
    # and the expense (<= 10k) goes straight to notifying the submitter
    assert step_statuses(instance)["notify"] in ("scheduled", "running")
    assert request_of(instance, "manager").state == RequestState.DECIDED


def test_a_rejection_takes_the_rejected_edge_and_completes_the_instance(
    expense, start: Start, people
) -> None:
    instance = start(5000)
    [task] = tasks_of(instance, "manager")

    task_decide(task_id=task.pk, actor=people["mona"], outcome="rejected", comment="too expensive")

    instance.refresh_from_db()
    assert instance.status == "completed"
    assert instance.result == "rejected"
    decision = Decision.objects.get(task=task)
    assert (decision.user.username, decision.outcome, decision.comment) == (
        "mona",
        "rejected",
        "too expensive",
    )


def _through_manager(instance: WorkflowInstance, people: dict[str, User]) -> None:
    [task] = tasks_of(instance, "manager")
    task_decide(task_id=task.pk, actor=people["manny"], outcome="approved")


def test_quorum_two_of_three_in_finance_needs_two_matching_decisions(expense, start: Start, people) -> None:
    # given an expense over 10k past the manager
    instance = start(20000)
    _through_manager(instance, people)
    finance = tasks_of(instance, "finance")
    assert [t.assignee.username for t in finance] == ["fatima", "fiona", "frank"]
    by_name = {t.assignee.username: t for t in finance}
    # when one approves and one rejects, the step is still open
    task_decide(task_id=by_name["fiona"].pk, actor=people["fiona"], outcome="approved")
    task_decide(task_id=by_name["frank"].pk, actor=people["frank"], outcome="rejected")
    assert request_of(instance, "finance").state == RequestState.OPEN
    assert step_statuses(instance)["finance"] == "waiting"
    # when the third approves, two approvals settle it
    task_decide(task_id=by_name["fatima"].pk, actor=people["fatima"], outcome="approved")
    # then
    step = instance.steps.get(node_id="finance")
    assert step.status == "succeeded"
    assert step.output["outcome"] == "approved"
    assert step.output["decided_by"] == "fatima"
    assert [d["user"] for d in step.output["decisions"]] == ["fiona", "frank", "fatima"]
    assert "notify" in step_statuses(instance)


def test_quorum_reached_early_expires_the_remaining_finance_task(expense, start: Start, people) -> None:
    instance = start(20000)
    _through_manager(instance, people)
    by_name = {t.assignee.username: t for t in tasks_of(instance, "finance")}

    task_decide(task_id=by_name["fiona"].pk, actor=people["fiona"], outcome="rejected")
    task_decide(task_id=by_name["frank"].pk, actor=people["frank"], outcome="rejected")

    by_name["fatima"].refresh_from_db()
    assert by_name["fatima"].state == TaskState.EXPIRED
    instance.refresh_from_db()
    assert (instance.status, instance.result) == ("completed", "rejected")


def test_all_policy_needs_every_approval(
    publish: Callable[..., WorkflowDefinition], start: Start, people
) -> None:
    publish(with_node_config(example_graph("expense-approval"), "finance", policy="all", quorum=None))
    instance = start(20000)
    _through_manager(instance, people)
    finance = tasks_of(instance, "finance")
    assert len(finance) == 3

    for task in finance[:2]:
        task_decide(task_id=task.pk, actor=task.assignee, outcome="approved")
    assert request_of(instance, "finance").state == RequestState.OPEN

    task_decide(task_id=finance[2].pk, actor=finance[2].assignee, outcome="approved")
    assert instance.steps.get(node_id="finance").output["outcome"] == "approved"


def test_all_policy_one_rejection_rejects_at_once(publish, start: Start, people) -> None:
    publish(with_node_config(example_graph("expense-approval"), "finance", policy="all", quorum=None))
    instance = start(20000)
    _through_manager(instance, people)
    finance = tasks_of(instance, "finance")

    task_decide(task_id=finance[1].pk, actor=finance[1].assignee, outcome="rejected")

    assert request_of(instance, "finance").outcome == "rejected"
    assert {t.state for t in tasks_of(instance, "finance")} == {TaskState.DECIDED, TaskState.EXPIRED}
    instance.refresh_from_db()
    assert instance.result == "rejected"


def test_sequential_policy_asks_one_assignee_after_another_in_order(publish, start: Start, people) -> None:
    graph = with_node_config(
        example_graph("expense-approval"),
        "finance",
        policy="sequential",
        quorum=None,
        assignees={"users": ["frank", "fiona"], "groups": []},
    )
    graph = with_node_config(graph, "finance", assignees={"users": ["frank", "fiona"]})
    publish(graph)
    instance = start(20000)
    _through_manager(instance, people)
    # only frank's turn is open
    [first] = tasks_of(instance, "finance")
    assert first.assignee.username == "frank"

    task_decide(task_id=first.pk, actor=people["frank"], outcome="approved")

    first_then_second = tasks_of(instance, "finance")
    assert [(t.assignee.username, t.state) for t in first_then_second] == [
        ("frank", TaskState.DECIDED),
        ("fiona", TaskState.OPEN),
    ]
    task_decide(task_id=first_then_second[1].pk, actor=people["fiona"], outcome="approved")
    assert instance.steps.get(node_id="finance").output["outcome"] == "approved"


def test_sequential_policy_stops_at_the_first_rejection(publish, start: Start, people) -> None:
    publish(with_node_config(example_graph("expense-approval"), "finance", policy="sequential", quorum=None))
    instance = start(20000)
    _through_manager(instance, people)
    [first] = tasks_of(instance, "finance")

    task_decide(task_id=first.pk, actor=first.assignee, outcome="rejected")

    assert len(tasks_of(instance, "finance")) == 1
    instance.refresh_from_db()
    assert instance.result == "rejected"


def test_an_assignee_expression_over_the_input_is_rendered_by_the_engine(publish, people) -> None:
    from workflows.services.instances import instance_start

    graph = example_graph("expense-approval")
    graph["inputs"]["manager"] = {"type": "string"}
    graph = with_node_config(graph, "manager", assignees={"users": ["{{ input.manager }}"]})
    publish(graph)

    instance = instance_start(
        definition_key="expense-approval",
        input={"title": "Desk", "amount": 3000, "manager": "diana"},
        started_by=people["alice"],
    )

    [task] = tasks_of(instance, "manager")
    assert task.assignee.username == "diana"
