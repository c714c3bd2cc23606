"""What keeps the inbox fast with millions of tasks stored: the live-candidate rows follow
the candidates of live tasks, the count stops at a cap, the workflow menu reads live tasks."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from rest_framework.test import APIClient

from approvals.models import ApprovalTask, LiveCandidate
from approvals.services.deciding import task_decide
from tests.integration.approvals.conftest import tasks_of

pytestmark = pytest.mark.django_db


def live_rows(task: ApprovalTask) -> set[tuple[str, Any]]:
    rows = LiveCandidate.objects.filter(task=task)
    return {("user", r.user_id) if r.user_id else ("group", r.group_id) for r in rows}


def inbox_ids(user: Any, **params: str) -> list[int]:
    client = APIClient()
    client.force_authenticate(user)
    return [row["id"] for row in client.get("/api/tasks/", params).json()["results"]]


def test_a_group_task_has_live_rows_until_it_is_decided(expense, start, people, groups) -> None:
    [task] = tasks_of(start(5000), "manager")
    assert live_rows(task) == {("group", groups["managers"].pk)}

    task_decide(task_id=task.pk, actor=people["manny"], outcome="approved")

    assert live_rows(task) == set()
    assert task.pk not in inbox_ids(people["mona"])


def test_per_person_tasks_are_found_through_their_holder_row(expense, start, people) -> None:
    big = start(20000)
    [manager] = tasks_of(big, "manager")
    task_decide(task_id=manager.pk, actor=people["manny"], outcome="approved")
    fiona_task = next(t for t in tasks_of(big, "finance") if t.assignee.username == "fiona")

    assert live_rows(fiona_task) == {("user", people["fiona"].pk)}
    assert inbox_ids(people["fiona"]) == [fiona_task.pk]


def test_changing_the_candidates_of_a_live_task_changes_who_finds_it(expense, start, people, groups) -> None:
    [task] = tasks_of(start(5000), "manager")

    task.candidate_groups.set([groups["directors"]])  # as a moving escalation does
    groups["finance"].candidate_approval_tasks.add(task)  # from the group's side
    task.candidate_users.add(people["sam"])

    assert live_rows(task) == {
        ("group", groups["directors"].pk),
        ("group", groups["finance"].pk),
        ("user", people["sam"].pk),
    }
    assert task.pk in inbox_ids(people["diana"]) and task.pk in inbox_ids(people["fiona"])
    assert task.pk in inbox_ids(people["sam"])
    assert task.pk not in inbox_ids(people["mona"])
    task.candidate_users.clear()
    assert task.pk not in inbox_ids(people["sam"])


def test_a_member_joining_a_group_finds_its_live_tasks(expense, start, people, groups) -> None:
    [task] = tasks_of(start(5000), "manager")

    people["sofia"].groups.add(groups["managers"])

    assert task.pk in inbox_ids(people["sofia"])
    assert task.pk in inbox_ids(people["sofia"], scope="group")


def test_the_count_stops_at_the_cap_and_says_so(expense, start, people, monkeypatch) -> None:
    from approvals.selectors import inbox

    for amount in (2000, 3000, 4000):
        start(amount)
    monkeypatch.setattr(inbox, "COUNT_CAP", 2)
    client = APIClient()
    client.force_authenticate(people["mona"])

    capped = client.get("/api/tasks/", {"page_size": 2}).json()
    monkeypatch.setattr(inbox, "COUNT_CAP", 10)
    exact = client.get("/api/tasks/", {"page_size": 2}).json()

    assert (capped["count"], capped["count_exact"], len(capped["results"])) == (2, False, 2)
    assert (exact["count"], exact["count_exact"]) == (3, True)
    assert [r["id"] for r in capped["results"]] == [r["id"] for r in exact["results"]]


def test_pages_follow_the_ordering_across_page_boundaries(expense, start, people) -> None:
    for amount in range(2000, 2007):
        start(amount)
    client = APIClient()
    client.force_authenticate(people["mona"])

    everything = [r["id"] for r in client.get("/api/tasks/", {"ordering": "-created"}).json()["results"]]
    pages = [
        r["id"]
        for page in (1, 2, 3)
        for r in client.get("/api/tasks/", {"ordering": "-created", "page_size": 3, "page": page}).json()[
            "results"
        ]
    ]

    assert pages == everything == sorted(everything, reverse=True)


def test_the_workflow_menu_lists_workflows_of_live_tasks_and_the_one_filtered_on(
    expense, publish, start, people
) -> None:
    from tests.integration.approvals.conftest import example_graph

    publish(example_graph("expense-approval"), key="travel", name="Travel approval")
    start(5000)
    page = Client()
    page.force_login(people["mona"])

    default = page.get("/inbox/").content.decode()
    filtered = page.get("/inbox/", {"workflow": "travel", "scope": "all"}).content.decode()

    assert '<option value="expense-approval"' in default and '<option value="travel"' not in default
    assert '<option value="travel" selected>' in filtered


def test_a_group_left_by_everyone_keeps_no_live_rows(expense, start, groups) -> None:
    [task] = tasks_of(start(5000), "manager")

    Group.objects.filter(pk=groups["managers"].pk).delete()

    assert live_rows(task) == set()


@pytest.mark.parametrize("ordering", ["due", "-due", "priority", "-priority", "created", "-created"])
def test_the_live_rows_list_what_the_tasks_themselves_list_in_every_order(
    expense, start, people, ordering
) -> None:
    from approvals.selectors.inbox import InboxFilters, InboxQuery, inbox_for_user, live_entries
    from approvals.services.assignment import task_claim

    for amount in (2000, 3000, 4000, 5000):
        start(amount)
    big = start(20000)  # a manager task, then per-person finance tasks once approved
    [manager] = tasks_of(big, "manager")
    task_decide(task_id=manager.pk, actor=people["manny"], outcome="approved")
    [claimed, *_] = tasks_of(start(6000), "manager")
    task_claim(task_id=claimed.pk, actor=people["mona"])
    ApprovalTask.objects.filter(pk=tasks_of(start(7000), "manager")[0].pk).update(priority=3)  # no signal
    live_candidates_sync_all()

    for user, scope, q in itertools.product(
        ("mona", "manny", "fiona"),
        ("actionable", "mine", "group"),
        ("", "laptop", "EXPENSE-APP", "committee"),
    ):
        filters = InboxFilters(scope=scope, ordering=ordering, q=q)
        query = InboxQuery(people[user], filters)
        assert query.entries is not None
        expected = [t.pk for t in inbox_for_user(people[user], filters)]
        assert inbox_ids(people[user], scope=scope, ordering=ordering, q=q) == expected, (user, scope, q)
        assert live_entries(people[user], filters).values("task_id").distinct().count() == len(expected)


def live_candidates_sync_all() -> None:
    from approvals.services.candidates import live_candidates_sync

    live_candidates_sync(ApprovalTask.objects.values_list("pk", flat=True))
