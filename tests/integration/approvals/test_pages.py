"""The inbox pages, notifications, and the SLA report, through Django's test client."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from approvals.models import Comment, Decision, Notification, TaskState
from tests.factories import UserFactory
from tests.integration.approvals.conftest import example_graph, tasks_of, with_node_config

pytestmark = pytest.mark.django_db


def browser(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_the_inbox_page_shows_my_tasks_and_never_another_user_s(expense, start, people) -> None:
    # given a manager task and a finance task
    start(5000, title="Chair")
    big = start(20000, title="Car")
    [manager] = tasks_of(big, "manager")
    browser(people["manny"]).post(f"/inbox/{manager.pk}/decide/", {"outcome": "approved"})
    fiona_task = next(t for t in tasks_of(big, "finance") if t.assignee.username == "fiona")
    frank_task = next(t for t in tasks_of(big, "finance") if t.assignee.username == "frank")
    # when
    fiona_page = browser(people["fiona"]).get("/inbox/").content.decode()
    mona_page = browser(people["mona"]).get("/inbox/").content.decode()
    # then fiona sees her task, not frank's nor the managers'
    assert f'data-task-id="{fiona_task.pk}"' in fiona_page
    assert f'data-task-id="{frank_task.pk}"' not in fiona_page
    assert "Manager approval" not in fiona_page
    assert "Manager approval" in mona_page and "Finance committee" not in mona_page
    # and frank's task page is a 404 for her
    assert browser(people["fiona"]).get(f"/inbox/{frank_task.pk}/").status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(db) -> None:
    response = Client().get("/inbox/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_deciding_from_the_task_page_with_form_values(publish, start, people) -> None:
    form = [
        {"name": "reason", "label": "Reason", "type": "text", "required": True},
        {"name": "urgent", "label": "Urgent", "type": "boolean"},
    ]
    publish(with_node_config(example_graph("expense-approval"), "manager", form=form))
    [task] = tasks_of(start(5000), "manager")
    manny = browser(people["manny"])
    page = manny.get(f"/inbox/{task.pk}/").content.decode()
    assert 'name="field_reason"' in page and 'value="approved"' in page and 'value="rejected"' in page

    missing = manny.post(f"/inbox/{task.pk}/decide/", {"outcome": "approved", "comment": "hm"})
    assert missing.status_code == 400
    assert "This field is required." in missing.content.decode()
    assert not Decision.objects.exists()

    done = manny.post(
        f"/inbox/{task.pk}/decide/", {"outcome": "approved", "field_reason": "ok", "field_urgent": "on"}
    )
    assert done.status_code == 302
    decision = Decision.objects.get(task=task)
    assert decision.form == {"reason": "ok", "urgent": True}


def test_bulk_decisions_decide_tasks_without_required_fields(expense, start, people) -> None:
    tasks = [tasks_of(start(amount), "manager")[0] for amount in (2000, 3000, 4000)]
    manny = browser(people["manny"])
    page = manny.get("/inbox/").content.decode()
    assert "data-select-all" in page

    response = manny.post("/inbox/bulk/", {"task": [tasks[0].pk, tasks[1].pk], "outcome": "approved"})

    assert response.status_code == 302
    states = [(t.refresh_from_db(), t.state)[1] for t in tasks]
    assert states == [TaskState.DECIDED, TaskState.DECIDED, TaskState.OPEN]


def test_bulk_refuses_tasks_whose_form_needs_input(publish, start, people) -> None:
    form = [{"name": "reason", "label": "Reason", "type": "text", "required": True}]
    publish(with_node_config(example_graph("expense-approval"), "manager", form=form))
    [task] = tasks_of(start(5000), "manager")

    response = browser(people["manny"]).post(
        "/inbox/bulk/", {"task": [task.pk], "outcome": "approved"}, follow=True
    )

    assert "form required" in response.content.decode()
    task.refresh_from_db()
    assert task.state == TaskState.OPEN


def test_claim_comment_and_history_on_the_task_page(expense, start, people) -> None:
    [task] = tasks_of(start(5000), "manager")
    manny = browser(people["manny"])

    manny.post(f"/inbox/{task.pk}/claim/")
    manny.post(f"/inbox/{task.pk}/comment/", {"body": "Checking the invoice"})
    page = manny.get(f"/inbox/{task.pk}/").content.decode()

    assert "Checking the invoice" in page
    assert "Claimed by manny" in page
    assert ">Unclaim<" in page
    assert Comment.objects.get().author == people["manny"]
    mona_page = browser(people["mona"]).get(f"/inbox/{task.pk}/").content.decode()
    assert "Someone else holds this task." in mona_page


def test_the_bell_counts_unread_notifications_and_they_can_be_read(expense, start, people) -> None:
    start(5000)
    manny = browser(people["manny"])

    header = manny.get("/inbox/").content.decode()
    assert 'data-testid="unread-count">1<' in header
    listing = manny.get("/notifications/").content.decode()
    assert "New task: Manager approval · Laptop" in listing

    manny.post("/notifications/read/")
    assert not Notification.objects.filter(user=people["manny"], read_at__isnull=True).exists()
    assert 'data-testid="unread-count"' not in manny.get("/inbox/").content.decode()


def test_the_sla_filter_names_each_state_in_words(db, people) -> None:
    page = browser(people["manny"]).get("/inbox/?sla=at_risk").content.decode()
    assert '<option value="on_track" >On track</option>' in page
    assert '<option value="at_risk" selected>At risk</option>' in page
    assert '<option value="none" >No SLA</option>' in page
    assert "Ontrack" not in page and "Atrisk" not in page


def test_the_rows_fragment_is_the_live_update_hook(expense, start, people) -> None:
    start(5000)
    fragment = browser(people["manny"]).get("/inbox/?partial=rows").content.decode()
    assert "<table" in fragment and "<html" not in fragment


def test_the_sla_report_shows_charts_to_staff_and_exports_csv(expense, start, people) -> None:
    instance = start(5000)
    start(6000)
    [task] = tasks_of(instance, "manager")
    browser(people["manny"]).post(f"/inbox/{task.pk}/decide/", {"outcome": "approved"})
    staff = browser(UserFactory(username="ada", is_staff=True))

    page = staff.get("/reports/sla/").content.decode()
    exported = b"".join(staff.get("/reports/sla.csv").streaming_content).decode()

    assert "<svg" in page and "Expense approval" in page
    rows = list(csv.reader(io.StringIO(exported)))
    assert rows[0][:3] == ["task_id", "workflow", "step"]
    assert {row[0] for row in rows[1:]} == {str(t.pk) for t in tasks_of(instance, "manager")} | {
        str(t.pk) for t in tasks_of(instance.definition.instances.exclude(pk=instance.pk).get(), "manager")
    }
    decided = next(row for row in rows[1:] if row[0] == str(task.pk))
    assert decided[13:15] == ["manny", "approved"]


def test_the_sla_report_refuses_signed_in_non_staff_and_sends_visitors_to_the_login_page(people) -> None:
    refused = browser(people["manny"]).get("/reports/sla/")
    anonymous = Client().get("/reports/sla.csv")

    assert refused.status_code == 403 and "Not allowed" in refused.content.decode()
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
