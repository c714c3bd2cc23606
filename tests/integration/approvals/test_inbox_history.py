"""The history scopes ("decided by me", "everything I can see"): sorted by their own time
(newest decision, newest task), read off indexes (`selectors.history`), with the same rows,
order and capped count as the general query; and the decide page's one-statement lookup."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from approvals import clock
from approvals.models import ApprovalTask, Decision
from approvals.selectors.inbox import InboxFilters, InboxQuery, inbox_for_user
from approvals.services.deciding import task_decide
from tests.integration.approvals.conftest import tasks_of

pytestmark = pytest.mark.django_db


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def ids(user: Any, **params: Any) -> list[int]:
    response = api(user).get("/api/tasks/", params)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def general_order(user: Any, scope: str) -> list[int]:
    """What the general query (a sort of every visible task) lists, in the scope's ordering."""
    return [task.pk for task in inbox_for_user(user, InboxFilters(scope=scope))]


def test_decided_by_me_lists_my_decisions_latest_first(expense, start, people) -> None:
    first, second, third = (tasks_of(start(amount), "manager")[0] for amount in (2000, 3000, 4000))
    base = clock.now()
    for task, hours in ((third, 1), (first, 2), (second, 3)):  # decided in another order than created
        task_decide(
            task_id=task.pk, actor=people["manny"], outcome="approved", now=base + timedelta(hours=hours)
        )

    assert InboxFilters(scope="done").ordering == "-decided"
    assert InboxQuery(people["manny"], InboxFilters(scope="done")).history
    assert ids(people["manny"], scope="done") == [second.pk, first.pk, third.pk]
    assert general_order(people["manny"], "done") == [second.pk, first.pk, third.pk]
    assert ids(people["manny"], scope="done", page_size=2, page=2) == [third.pk]
    assert ids(people["mona"], scope="done") == []
    assert ids(people["manny"], scope="done", ordering="created") == [first.pk, second.pk, third.pk]


def test_everything_i_can_see_lists_newest_tasks_first_however_i_see_them(expense, start, people) -> None:
    big = start(20000)  # a manager (group) task, then per-person finance tasks
    [manager] = tasks_of(big, "manager")
    task_decide(task_id=manager.pk, actor=people["manny"], outcome="approved")
    for amount in (2000, 3000, 4000, 5000):
        start(amount)
    # creation times out of id order, so the order is the time's, not the ids'
    for n, task in enumerate(ApprovalTask.objects.order_by("pk")):
        ApprovalTask.objects.filter(pk=task.pk).update(created_at=clock.now() - timedelta(hours=(n * 7) % 5))

    for name in ("manny", "mona", "fiona", "alice"):
        user = people[name]
        assert InboxQuery(user, InboxFilters(scope="all")).history
        expected = general_order(user, "all")
        pages = [pk for page in (1, 2, 3, 4) for pk in _page(user, page)]
        assert ids(user, scope="all") == expected, name
        assert pages == expected, name
    assert len(general_order(people["mona"], "all")) == 5
    fiona_task = next(t for t in tasks_of(big, "finance") if t.assignee.username == "fiona")
    assert fiona_task.pk in ids(people["fiona"], scope="all")


def _page(user: Any, page: int) -> list[int]:
    response = api(user).get("/api/tasks/", {"scope": "all", "page_size": 2, "page": page})
    return [row["id"] for row in response.json()["results"]] if response.status_code == 200 else []


def test_the_history_counts_stop_at_the_cap_and_say_so(expense, start, people, monkeypatch) -> None:
    from approvals.selectors import inbox

    tasks = [tasks_of(start(amount), "manager")[0] for amount in (2000, 3000, 4000)]
    for task in tasks:
        task_decide(task_id=task.pk, actor=people["manny"], outcome="approved")
    client = api(people["manny"])

    monkeypatch.setattr(inbox, "COUNT_CAP", 2)
    capped = {scope: client.get("/api/tasks/", {"scope": scope}).json() for scope in ("all", "done")}
    monkeypatch.setattr(inbox, "COUNT_CAP", 10)
    exact = {scope: client.get("/api/tasks/", {"scope": scope}).json() for scope in ("all", "done")}

    for scope in ("all", "done"):
        assert (capped[scope]["count"], capped[scope]["count_exact"]) == (2, False), scope
        assert (exact[scope]["count"], exact[scope]["count_exact"]) == (3, True), scope


def test_a_history_first_page_takes_the_same_statements_for_3_or_12_tasks(expense, start, people) -> None:
    client = api(people["manny"])

    def statements(scope: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/tasks/", {"scope": scope}).status_code == 200
        return len(captured)

    def decided(amounts: range) -> None:
        for amount in amounts:
            [task] = tasks_of(start(amount), "manager")
            task_decide(task_id=task.pk, actor=people["manny"], outcome="approved")

    decided(range(2000, 2003))
    few = {scope: statements(scope) for scope in ("all", "done")}
    decided(range(3000, 3009))
    many = {scope: statements(scope) for scope in ("all", "done")}

    assert few == many
    assert many["all"] <= 5  # the user's groups, the capped count, the page's ids, its rows, their groups
    assert many["done"] <= 4  # the capped count, the page's ids, its rows, their groups


def test_filtered_history_and_the_decided_ordering_elsewhere(expense, start, people) -> None:
    [task] = tasks_of(start(2000, title="Chair"), "manager")
    task_decide(task_id=task.pk, actor=people["manny"], outcome="approved")

    assert not InboxQuery(people["manny"], InboxFilters(scope="all", q="chair")).history
    assert ids(people["manny"], scope="all", q="chair") == [task.pk]
    assert ids(people["manny"], scope="done", workflow="expense-approval") == [task.pk]
    refused = api(people["manny"]).get("/api/tasks/", {"scope": "all", "ordering": "-decided"})
    assert (refused.status_code, refused.json()["error"]["code"]) == (400, "invalid")


def test_the_sort_control_shows_each_history_scope_s_default(expense, start, people) -> None:
    browser = Client()
    browser.force_login(people["manny"])

    done = browser.get("/inbox/", {"scope": "done"}).content.decode()
    everything = browser.get("/inbox/", {"scope": "all"}).content.decode()
    to_decide = browser.get("/inbox/").content.decode()

    assert '<option value="-decided" selected>' in done
    assert '<option value="-created" selected>' in everything
    assert '<option value="due" selected>' in to_decide and 'value="-decided"' not in to_decide


def test_the_decide_page_looks_the_task_up_in_one_statement(expense, start, people) -> None:
    """The page reads the form of a visible task in one statement, then decides as the API
    does (it was six: the task, its groups and users, and three candidacy checks)."""
    browser = Client()
    browser.force_login(people["manny"])
    [through_api, task] = (tasks_of(start(amount), "manager")[0] for amount in (2000, 2500))
    [hidden] = tasks_of(start(3000), "manager")
    ApprovalTask.candidate_groups.through.objects.filter(approvaltask_id=hidden.pk).delete()

    with CaptureQueriesContext(connection) as by_page:
        response = browser.post(f"/inbox/{task.pk}/decide/", {"outcome": "approved"})
    page_sql = [q["sql"] for q in by_page.captured_queries]  # now: the next request resets the log
    with CaptureQueriesContext(connection) as by_api:
        api(people["manny"]).post(
            f"/api/tasks/{through_api.pk}/decide/", {"outcome": "approved"}, format="json"
        )
    api_statements = len(by_api.captured_queries)
    missing = browser.post(f"/inbox/{hidden.pk}/decide/", {"outcome": "approved"})
    malformed = browser.post("/inbox/abc/decide/", {"outcome": "approved"})

    assert response.status_code == 302 and Decision.objects.filter(task=task).exists()
    assert (
        len([sql for sql in page_sql if sql.startswith('SELECT "approvals_approvalrequest"."form" AS')]) == 1
    )
    # the API's response reads the task back (6 statements); the page has its session,
    # user and messages instead, plus the form lookup
    assert len(page_sql) <= api_statements
    assert missing.status_code == 404 and not Decision.objects.filter(task=hidden).exists()
    assert malformed.status_code == 404
