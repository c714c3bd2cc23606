"""A manager finds an expense in the inbox, opens it, and approves it in the browser."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from approvals.models import Decision
from tests.e2e.conftest import LiveApp, login
from tests.factories import PASSWORD, DefinitionFactory, GroupFactory, UserFactory, VersionFactory
from workflows.models import WorkflowInstance

EXAMPLE = Path(__file__).resolve().parents[2] / "workflows" / "demo" / "examples" / "expense-approval.json"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    """The live server knows only the real hashers (tests/conftest.py swaps in a fast one)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]


@pytest.mark.django_db(transaction=True)
def test_a_manager_approves_an_expense_from_the_inbox(page: Page, live_app: LiveApp) -> None:
    # given alice submitted a 5000 EUR expense that waits for a manager
    from workflows.services.instances import instance_start

    managers = GroupFactory(name="managers")
    alice = UserFactory(username="alice")
    UserFactory(username="manny", first_name="Manny", groups=[managers])
    graph = json.loads(EXAMPLE.read_text())
    definition = DefinitionFactory(key="expense-approval", name="Expense approval", owner=alice, graph=graph)
    VersionFactory(definition=definition, graph=graph)
    instance = instance_start(
        definition_key="expense-approval", input={"title": "Team offsite", "amount": 5000}, started_by=alice
    )

    # when manny opens his inbox
    login(page, live_app, "manny", PASSWORD)
    page.goto(live_app("/inbox/"))
    expect(page.get_by_role("heading", name="Inbox")).to_be_visible()
    expect(page.get_by_label("Notifications: 1 unread")).to_be_visible()
    row = page.locator("tr", has_text="Manager approval")
    expect(row).to_contain_text("Expense approval")
    expect(row).to_contain_text("alice")
    row.get_by_role("link", name="Manager approval").click()

    # and approves with a comment
    expect(page.get_by_role("heading", name="Manager approval · Team offsite")).to_be_visible()
    expect(page.get_by_text("5000", exact=True)).to_be_visible()  # the instance's input
    page.get_by_label("Comment", exact=True).first.fill("Enjoy it")
    page.get_by_role("button", name="Approved").click()

    # then he is back in an empty inbox with a confirmation
    expect(page.get_by_text("Recorded: approved.")).to_be_visible()
    expect(page.get_by_text("You have no tasks waiting for a decision.")).to_be_visible()
    decision = Decision.objects.get()
    assert (decision.user.username, decision.outcome) == ("manny", "approved")

    # and the workflow runs on to the end on the worker
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        instance.refresh_from_db()
        if instance.status != "running":
            break
        time.sleep(0.2)
    assert (instance.status, instance.result) == ("completed", "approved")

    # and the decided task is in "Decided by me"
    page.get_by_role("link", name="Decided by me").click()
    expect(page.locator("tr", has_text="Manager approval")).to_contain_text("Decided")
    assert WorkflowInstance.objects.count() == 1
