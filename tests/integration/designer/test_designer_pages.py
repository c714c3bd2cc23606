"""The designer pages: login required, only visible workflows listed, the right config handed to React."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from workflows.models import DefinitionPermission, Role, WorkflowDefinition

pytestmark = pytest.mark.django_db


@pytest.fixture
def ann() -> User:
    return User.objects.create_user("ann", password="ann-pass-123")


@pytest.fixture
def bob() -> User:
    return User.objects.create_user("bob", password="bob-pass-123")


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def designer_config(html: str) -> dict:
    match = re.search(r'<script id="designer-config" type="application/json">(.*?)</script>', html, re.S)
    assert match, "the page has no designer-config script"
    return json.loads(match.group(1))


def test_both_pages_send_anonymous_visitors_to_the_login_page(ann: User) -> None:
    WorkflowDefinition.objects.create(key="expense", name="Expense", owner=ann)

    for url in ("/designer/", "/designer/expense/"):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_the_list_shows_only_the_workflows_the_user_may_see(ann: User, bob: User) -> None:
    # given one workflow of ann's, one of bob's shared with ann, one of bob's private
    WorkflowDefinition.objects.create(key="mine", name="Mine", owner=ann)
    shared = WorkflowDefinition.objects.create(key="shared", name="Shared with Ann", owner=bob)
    DefinitionPermission.objects.create(definition=shared, user=ann, role=Role.VIEWER)
    WorkflowDefinition.objects.create(key="hidden", name="Bob only", owner=bob)

    # when ann opens the list
    html = client_for(ann).get("/designer/").content.decode()

    # then she sees hers under "Yours", the shared one apart, links into the designer, and the form
    yours, shared_section = html.split('id="shared-title"')
    assert 'href="/designer/mine/"' in yours and "/designer/shared/" not in yours
    assert "Shared with you" in shared_section and 'href="/designer/shared/"' in shared_section
    assert "/designer/hidden/" not in html
    assert "Bob only" not in html
    assert 'id="new-workflow"' in html
    assert 'data-api="/api/"' in html


def test_the_designer_page_hands_react_its_config_and_the_bundle(ann: User) -> None:
    WorkflowDefinition.objects.create(key="expense", name="Expense approval", owner=ann)

    response = client_for(ann).get("/designer/expense/")

    assert response.status_code == 200
    html = response.content.decode()
    config = designer_config(html)
    assert config.pop("csrfToken")
    assert config == {"key": "expense", "apiBase": "/api/", "user": "ann", "readOnly": False}
    assert 'id="designer-root"' in html
    assert "<title>Expense approval · Designer · Flowdesk</title>" in html


def test_a_viewer_gets_the_designer_read_only(ann: User, bob: User) -> None:
    definition = WorkflowDefinition.objects.create(key="expense", name="Expense", owner=bob)
    DefinitionPermission.objects.create(definition=definition, user=ann, role=Role.STARTER)

    html = client_for(ann).get("/designer/expense/").content.decode()

    assert designer_config(html)["readOnly"] is True


def test_a_hidden_or_missing_workflow_is_a_404(ann: User, bob: User) -> None:
    WorkflowDefinition.objects.create(key="private", name="Private", owner=bob)

    assert client_for(ann).get("/designer/private/").status_code == 404
    assert client_for(ann).get("/designer/nothing-here/").status_code == 404
