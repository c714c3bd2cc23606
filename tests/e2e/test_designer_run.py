"""Trying a workflow from the designer: a dry run replayed on the canvas, and a real run."""

import json
import re

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveApp, login
from tests.e2e.designer_page import DesignerPage
from workflows.models import WorkflowInstance

GRAPH = {
    "format": "flowdesk.graph/v1",
    "inputs": {"amount": {"type": "number", "required": True}},
    "nodes": [
        {"id": "start", "type": "start", "name": "Start", "position": {"x": 0, "y": 100}, "config": {}},
        {
            "id": "boss",
            "type": "approval",
            "name": "Boss approves",
            "position": {"x": 260, "y": 100},
            "config": {"assignees": {"groups": ["managers"]}},
        },
        {
            "id": "yes",
            "type": "end",
            "name": "Yes",
            "position": {"x": 520, "y": 0},
            "config": {"result": "yes"},
        },
        {
            "id": "no",
            "type": "end",
            "name": "No",
            "position": {"x": 520, "y": 200},
            "config": {"result": "no"},
        },
    ],
    "edges": [
        {"id": "e1", "source": "start", "target": "boss"},
        {"id": "e2", "source": "boss", "target": "yes", "outcome": "approved"},
        {"id": "e3", "source": "boss", "target": "no", "outcome": "rejected"},
    ],
}


@pytest.fixture
def designer(page: Page, live_app: LiveApp) -> DesignerPage:
    User.objects.create_user("ann", password="ann-pass-123")
    Group.objects.create(name="managers")
    login(page, live_app, "ann", "ann-pass-123")
    designer = DesignerPage(page, live_app)
    designer.create_from_list("Boss says", "boss-says")
    designer.import_text(json.dumps(GRAPH))
    return designer


@pytest.mark.django_db(transaction=True)
def test_a_dry_run_with_a_chosen_outcome_lights_up_its_path(designer: DesignerPage) -> None:
    page = designer.page
    page.get_by_test_id("btn-simulate").click()
    page.get_by_test_id("run-input-amount").fill("120")
    page.get_by_test_id("simulate-outcome-boss").select_option("rejected")
    page.get_by_test_id("simulate-run").click()

    banner = page.get_by_test_id("simulation-banner")
    expect(banner).to_contain_text("finished: completed")
    expect(banner).to_contain_text('"no"')
    for node in ("start", "boss", "no"):
        expect(page.get_by_test_id(f"node-{node}")).to_have_class(re.compile(r"\bsim-visited\b"))
    expect(page.get_by_test_id("node-yes")).not_to_have_class(re.compile(r"\bsim-"))


@pytest.mark.django_db(transaction=True)
def test_running_the_published_version_starts_an_instance_and_opens_its_page(designer: DesignerPage) -> None:
    page = designer.page
    expect(page.get_by_test_id("btn-publish")).to_be_enabled()
    page.get_by_test_id("btn-publish").click()
    page.get_by_test_id("publish-confirm").click()
    expect(page.get_by_test_id("publish-dialog")).to_have_count(0)

    page.get_by_test_id("btn-run").click()
    page.get_by_test_id("run-confirm").click()
    expect(page.get_by_test_id("run-dialog")).to_contain_text("amount is required")
    page.get_by_test_id("run-input-amount").fill("120")
    page.get_by_test_id("run-confirm").click()

    page.wait_for_url(re.compile(r"/instances/[0-9a-f-]+/$"))
    instance = WorkflowInstance.objects.get()
    assert page.url.endswith(f"/instances/{instance.pk}/")
    assert instance.input == {"amount": 120}
    assert instance.definition.key == "boss-says"
