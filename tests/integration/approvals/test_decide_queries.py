"""Deciding a task costs a bounded number of SQL statements, whatever the history around it."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from approvals.models import ApprovalTask
from tests.integration.approvals.conftest import tasks_of
from workflows.models import StepExecution

pytestmark = pytest.mark.django_db


def approval_then_echo_graph() -> dict[str, Any]:
    """start -> approval (any, managers, with an SLA) -> core.echo task -> end."""
    return {
        "format": "flowdesk.graph/v1",
        "inputs": {"title": {"type": "string"}, "amount": {"type": "number"}},
        "nodes": [
            {"id": "start", "type": "start", "name": "Start", "position": {"x": 0, "y": 0}},
            {
                "id": "approve",
                "type": "approval",
                "name": "Approve",
                "position": {"x": 200, "y": 0},
                "config": {
                    "assignees": {"groups": ["managers"]},
                    "policy": "any",
                    "outcomes": ["approved", "rejected"],
                    "sla": {"due_in": "PT4H", "warn_at": 0.8},
                },
            },
            {
                "id": "after",
                "type": "task",
                "name": "After",
                "position": {"x": 400, "y": 0},
                "config": {"action": "core.echo", "params": {"ok": True}},
            },
            {"id": "end", "type": "end", "name": "End", "position": {"x": 600, "y": 0}},
        ],
        "edges": [
            {"id": "e1", "source": "start", "target": "approve"},
            {"id": "e2", "source": "approve", "target": "after"},
            {"id": "e3", "source": "after", "target": "end"},
        ],
    }


def _decide(client: APIClient, task_id: int) -> None:
    response = client.post(f"/api/tasks/{task_id}/decide/", {"outcome": "approved"}, format="json")
    assert response.status_code == 200, response.content


def test_deciding_through_the_api_takes_at_most_21_statements_whatever_the_history(
    publish, start, people, django_assert_max_num_queries
) -> None:
    """Lock (visible-task lookup, instance, request, task with the viewer's candidacy and
    votes), write (task, decision, SLA read and write, request, history in one INSERT, the
    live-candidate rows), the engine (steps, one write), then the response's reads (task,
    groups, users, decisions, comments, history). It was 36 before."""
    publish(approval_then_echo_graph(), key="approve-echo", name="Approve then echo")
    client = APIClient()
    client.force_authenticate(people["manny"])
    for _ in range(3):  # history around: decided tasks, decisions, events of the same group
        [earlier] = tasks_of(start(1, key="approve-echo"), "approve")
        _decide(client, earlier.pk)
    [task] = tasks_of(start(1, key="approve-echo"), "approve")

    with django_assert_max_num_queries(21):
        _decide(client, task.pk)

    assert step_statuses_of(task)["after"] == "scheduled"  # the next step is there, to be run


def test_a_decision_locks_the_instance_once_and_hands_that_row_to_the_engine(publish, start, people) -> None:
    publish(approval_then_echo_graph(), key="approve-echo", name="Approve then echo")
    [task] = tasks_of(start(1, key="approve-echo"), "approve")
    client = APIClient()
    client.force_authenticate(people["manny"])

    with CaptureQueriesContext(connection) as captured:
        _decide(client, task.pk)

    instance_locks = [
        q["sql"]
        for q in captured.captured_queries
        if "FOR UPDATE" in q["sql"] and "workflowinstance" in q["sql"]
    ]
    assert len(instance_locks) == 1
    assert step_statuses_of(task) == {"start": "succeeded", "approve": "succeeded", "after": "scheduled"}


def test_deciding_a_task_i_cannot_see_is_404_and_locks_nothing(publish, start, people) -> None:
    publish(approval_then_echo_graph(), key="approve-echo", name="Approve then echo")
    [task] = tasks_of(start(1, key="approve-echo"), "approve")
    client = APIClient()
    client.force_authenticate(people["fiona"])  # finance, not a manager

    with CaptureQueriesContext(connection) as captured:
        response = client.post(f"/api/tasks/{task.pk}/decide/", {"outcome": "approved"}, format="json")

    assert response.status_code == 404
    assert not [q for q in captured.captured_queries if "FOR UPDATE" in q["sql"]]


def step_statuses_of(task: ApprovalTask) -> dict[str, str]:
    return dict(StepExecution.objects.filter(instance_id=task.instance_id).values_list("node_id", "status"))
