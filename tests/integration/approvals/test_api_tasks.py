"""The tasks API: inbox list (filters, pagination, constant queries), detail, decide, claim,
unclaim, delegate, comments; the error codes and what stays unwritten."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from approvals.models import Comment, Decision, TaskEvent, TaskState
from tests.integration.approvals.conftest import example_graph, tasks_of, with_node_config

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_inbox_lists_my_groups_open_tasks_and_nobody_else_s(expense, start, people) -> None:
    # given two manager tasks and a finance quorum
    first, second = start(2000, title="Chair"), start(3000, title="Desk")
    big = start(20000, title="Car")
    [manager] = tasks_of(big, "manager")
    client_for(people["manny"]).post(
        f"/api/tasks/{manager.pk}/decide/", {"outcome": "approved"}, format="json"
    )
    # when
    managers = client_for(people["mona"]).get(reverse("api:task-list")).json()
    fiona = client_for(people["fiona"]).get(reverse("api:task-list")).json()
    diana = client_for(people["diana"]).get(reverse("api:task-list")).json()
    # then
    assert {t["instance"]["id"] for t in managers["results"]} == {str(first.pk), str(second.pk)}
    assert [(t["name"], t["assignee"]) for t in fiona["results"]] == [("Finance committee (2 of 3)", "fiona")]
    assert diana["count"] == 0


def test_a_task_i_may_not_see_is_404_on_every_endpoint(expense, start, people) -> None:
    [task] = tasks_of(start(5000), "manager")
    fiona = client_for(people["fiona"])

    for method, suffix, body in [
        ("get", "", None),
        ("post", "decide/", {"outcome": "approved"}),
        ("post", "claim/", None),
        ("post", "unclaim/", None),
        ("post", "delegate/", {"to": "diana"}),
        ("get", "comments/", None),
        ("post", "comments/", {"body": "hello"}),
    ]:
        response = getattr(fiona, method)(f"/api/tasks/{task.pk}/{suffix}", body, format="json")
        assert response.status_code == 404, suffix
        assert response.json()["error"]["code"] == "not_found"
    assert not Decision.objects.exists() and not Comment.objects.exists()


def test_deciding_a_task_claimed_by_someone_else_is_403(expense, start, people) -> None:
    [task] = tasks_of(start(5000), "manager")
    client_for(people["manny"]).post(f"/api/tasks/{task.pk}/claim/")

    response = client_for(people["mona"]).post(
        f"/api/tasks/{task.pk}/decide/", {"outcome": "approved"}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "held_by_someone_else"


def test_four_eyes_refusal_is_403_with_its_code(publish, start, people, groups) -> None:
    people["alice"].groups.add(groups["managers"])
    publish(example_graph("expense-approval"))
    [task] = tasks_of(start(5000), "manager")

    response = client_for(people["alice"]).post(
        f"/api/tasks/{task.pk}/decide/", {"outcome": "approved"}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "self_approval_forbidden"


def test_deciding_an_already_decided_task_is_409_task_already_decided(expense, start, people) -> None:
    [task] = tasks_of(start(5000), "manager")
    assert (
        client_for(people["manny"])
        .post(f"/api/tasks/{task.pk}/decide/", {"outcome": "approved"}, format="json")
        .status_code
        == 200
    )

    response = client_for(people["mona"]).post(
        f"/api/tasks/{task.pk}/decide/", {"outcome": "rejected"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "task_already_decided"
    assert Decision.objects.get(task=task).outcome == "approved"


def test_a_form_missing_required_fields_is_400_and_records_nothing(publish, start, people) -> None:
    form = [
        {"name": "reason", "label": "Reason", "type": "text", "required": True},
        {
            "name": "cost_center",
            "label": "Cost center",
            "type": "choice",
            "choices": ["A", "B"],
            "required": True,
        },
        {"name": "amount_ok", "label": "Amount checked", "type": "boolean"},
    ]
    publish(with_node_config(example_graph("expense-approval"), "manager", form=form))
    [task] = tasks_of(start(5000), "manager")
    events_before = TaskEvent.objects.count()

    response = client_for(people["manny"]).post(
        f"/api/tasks/{task.pk}/decide/",
        {"outcome": "approved", "form": {"cost_center": "Z", "amount_ok": "perhaps"}},
        format="json",
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "form_invalid"
    assert set(error["details"]["form"]) == {"reason", "cost_center", "amount_ok"}
    task.refresh_from_db()
    assert task.state == TaskState.OPEN
    assert not Decision.objects.exists()
    assert TaskEvent.objects.count() == events_before


def test_an_unknown_outcome_is_400_invalid_outcome(expense, start, people) -> None:
    [task] = tasks_of(start(5000), "manager")

    response = client_for(people["manny"]).post(
        f"/api/tasks/{task.pk}/decide/", {"outcome": "maybe"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_outcome"
    assert response.json()["error"]["details"]["allowed"] == ["approved", "rejected"]


def test_a_valid_form_decision_is_stored_and_shown_in_the_detail(publish, start, people) -> None:
    form = [
        {"name": "reason", "label": "Reason", "type": "text", "required": True},
        {"name": "budget", "label": "Budget", "type": "number"},
    ]
    publish(with_node_config(example_graph("expense-approval"), "manager", form=form))
    instance = start(5000)
    [task] = tasks_of(instance, "manager")

    response = client_for(people["manny"]).post(
        f"/api/tasks/{task.pk}/decide/",
        {"outcome": "approved", "form": {"reason": "needed", "budget": "1200.5"}, "comment": "ok"},
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "decided"
    assert body["decisions"] == [
        {
            "task": task.pk,
            "decided_by": "manny",
            "kind": "user",
            "outcome": "approved",
            "form": {"reason": "needed", "budget": 1200.5},
            "comment": "ok",
            "reason": "",
            "decided_at": body["decisions"][0]["decided_at"],
        }
    ]
    assert instance.steps.get(node_id="manager").output == {
        "reason": "needed",
        "budget": 1200.5,
        "decided_by": "manny",
        "outcome": "approved",
    }


def test_claim_unclaim_and_delegate_through_the_api(expense, start, people) -> None:
    [task] = tasks_of(start(5000), "manager")
    manny = client_for(people["manny"])

    claimed = manny.post(f"/api/tasks/{task.pk}/claim/").json()
    again = client_for(people["mona"]).post(f"/api/tasks/{task.pk}/claim/")
    unclaimed = manny.post(f"/api/tasks/{task.pk}/unclaim/").json()
    delegated = manny.post(
        f"/api/tasks/{task.pk}/delegate/", {"to": "diana", "note": "please"}, format="json"
    )

    assert (claimed["state"], claimed["assignee"]) == ("claimed", "manny")
    assert (again.status_code, again.json()["error"]["code"]) == (409, "task_not_claimable")
    assert (unclaimed["state"], unclaimed["assignee"]) == ("open", None)
    assert delegated.status_code == 200
    detail = client_for(people["diana"]).get(f"/api/tasks/{task.pk}/").json()
    assert (detail["assignee"], detail["delegated_by"], detail["delegation_note"]) == (
        "diana",
        "manny",
        "please",
    )
    assert detail["can_decide"] is True
    bad = manny.post(f"/api/tasks/{task.pk}/delegate/", {"note": "no target"}, format="json")
    assert (bad.status_code, bad.json()["error"]["code"]) == (400, "invalid")


def test_comments_are_shared_by_everyone_who_sees_the_step(expense, start, people) -> None:
    [task] = tasks_of(start(5000), "manager")

    created = client_for(people["manny"]).post(
        f"/api/tasks/{task.pk}/comments/", {"body": "Who is the supplier?"}, format="json"
    )
    listed = client_for(people["mona"]).get(f"/api/tasks/{task.pk}/comments/").json()
    empty = client_for(people["mona"]).post(f"/api/tasks/{task.pk}/comments/", {"body": "   "}, format="json")

    assert created.status_code == 201
    assert [(c["author"], c["body"]) for c in listed] == [("manny", "Who is the supplier?")]
    assert empty.status_code == 400


def test_filters_search_sort_and_pagination(expense, start, people) -> None:
    for amount, title in [(2000, "Chair"), (3000, "Desk"), (4000, "Lamp")]:
        start(amount, title=title)
    client = client_for(people["manny"])

    page = client.get("/api/tasks/", {"page_size": 2, "ordering": "-created"}).json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]
    assert client.get("/api/tasks/", {"workflow": "expense-approval"}).json()["count"] == 3
    assert client.get("/api/tasks/", {"workflow": "other"}).json()["count"] == 0
    assert client.get("/api/tasks/", {"sla": "on_track"}).json()["count"] == 3
    assert client.get("/api/tasks/", {"sla": "breached"}).json()["count"] == 0
    assert client.get("/api/tasks/", {"due_before": "2000-01-01"}).json()["count"] == 0
    assert client.get("/api/tasks/", {"q": "expense"}).json()["count"] == 3
    bad = client.get("/api/tasks/", {"sla": "late"})
    assert (bad.status_code, bad.json()["error"]["code"]) == (400, "invalid")


def test_the_inbox_list_takes_the_same_number_of_queries_for_3_or_12_tasks(expense, start, people) -> None:
    client = client_for(people["manny"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/tasks/").status_code == 200
        return len(captured)

    for amount in range(2000, 2003):
        start(amount)
    few = queries()
    for amount in range(3000, 3009):
        start(amount)
    many = queries()

    assert client.get("/api/tasks/").json()["count"] == 12
    assert few == many
    assert many <= 5  # the user's groups, the capped count, the page's ids, its rows, their groups
