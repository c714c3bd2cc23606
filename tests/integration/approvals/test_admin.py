"""Admin: reassign and force-decide through the task admin; decisions are read-only."""

from __future__ import annotations

import pytest
from django.test import Client

from approvals.models import Decision, TaskState
from tests.factories import UserFactory
from tests.integration.approvals.conftest import tasks_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(db) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(UserFactory(username="ada", is_staff=True, is_superuser=True))
    return client


def test_staff_force_decide_a_task_with_a_reason_and_the_workflow_moves_on(
    expense, start, admin_client_
) -> None:
    instance = start(5000)
    [task] = tasks_of(instance, "manager")
    assert admin_client_.get("/admin/approvals/approvaltask/").status_code == 200

    missing_reason = admin_client_.post(
        f"/admin/approvals/approvaltask/{task.pk}/force-decide/", {"outcome": "rejected"}
    )
    assert missing_reason.status_code == 200 and not Decision.objects.exists()
    done = admin_client_.post(
        f"/admin/approvals/approvaltask/{task.pk}/force-decide/",
        {"outcome": "rejected", "reason": "duplicate claim"},
    )

    assert done.status_code == 302
    decision = Decision.objects.get(task=task)
    assert (decision.kind, decision.reason, decision.user.username) == ("forced", "duplicate claim", "ada")
    instance.refresh_from_db()
    assert instance.result == "rejected"


def test_staff_reassign_a_task_from_the_admin(expense, start, admin_client_, people) -> None:
    [task] = tasks_of(start(5000), "manager")

    response = admin_client_.post(
        f"/admin/approvals/approvaltask/{task.pk}/reassign/", {"to": "diana", "reason": "holiday cover"}
    )

    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.assignee, task.state) == (people["diana"], TaskState.CLAIMED)


def test_decisions_cannot_be_changed_in_the_admin_or_in_code(expense, start, admin_client_, people) -> None:
    [task] = tasks_of(start(5000), "manager")
    admin_client_.post(
        f"/admin/approvals/approvaltask/{task.pk}/force-decide/", {"outcome": "approved", "reason": "x"}
    )
    decision = Decision.objects.get()

    assert (
        admin_client_.get(f"/admin/approvals/decision/{decision.pk}/change/").status_code == 200
    )  # view only
    assert admin_client_.post(f"/admin/approvals/decision/{decision.pk}/delete/").status_code == 403
    decision.outcome = "rejected"
    with pytest.raises(ValueError, match="immutable"):
        decision.save()


def test_calendars_and_policies_are_managed_in_the_admin(admin_client_) -> None:
    for url in (
        "/admin/approvals/businesscalendar/add/",
        "/admin/approvals/slapolicy/add/",
        "/admin/approvals/slarecord/",
    ):
        assert admin_client_.get(url).status_code == 200
