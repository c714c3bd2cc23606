"""A person builds a workflow in the designer from an empty canvas, saves it and publishes it."""

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveApp, login
from tests.e2e.designer_page import DesignerPage
from workflows.models import DefinitionPermission, Role, WorkflowDefinition


@pytest.mark.django_db(transaction=True)
def test_a_workflow_drawn_from_scratch_is_validated_saved_reloaded_and_published(
    page: Page, live_app: LiveApp
) -> None:
    # given a designer and the group the approval goes to
    ann = User.objects.create_user("ann", password="ann-pass-123")
    Group.objects.create(name="managers").user_set.add(User.objects.create_user("mia", password="x-pass-123"))
    login(page, live_app, "ann", "ann-pass-123")
    designer = DesignerPage(page, live_app)
    designer.create_from_list("Expense check", "expense-check")

    # when the canvas is emptied and the workflow is drawn from the palette
    designer.select("start")
    page.keyboard.press("Delete")
    expect(page.get_by_test_id("node-start")).to_have_count(0)
    designer.drop("start", 110, 300)
    designer.drop("task", 330, 300)
    designer.drop("approval", 550, 300)
    designer.drop("end", 760, 180)
    designer.drop("end", 760, 420)
    assert designer.node_ids() == ["start", "task_1", "approval_1", "end_1", "end_2"]
    designer.connect("start", "task_1")
    designer.connect("task_1", "approval_1")
    designer.connect("approval_1", "end_1")
    designer.connect("approval_1", "end_2")

    # then the edges are there, the approval's two edges take its two outcomes
    edges = designer.graph()["edges"]
    assert [(e["source"], e["target"], e.get("outcome")) for e in edges] == [
        ("start", "task_1", None),
        ("task_1", "approval_1", None),
        ("approval_1", "end_1", "approved"),
        ("approval_1", "end_2", "rejected"),
    ]
    # and the server's validation marks the task without an action and the approval without assignees
    expect(designer.problems_badge("task_1")).to_be_visible()
    expect(designer.problems_badge("approval_1")).to_be_visible()
    expect(page.get_by_test_id("btn-publish")).to_be_disabled()

    # when the task gets its action and the approval its group
    designer.select("task_1")
    page.get_by_test_id("field-action").select_option("core.echo")
    designer.select("approval_1")
    page.get_by_test_id("field-assignees.groups-add").click()
    page.get_by_test_id("field-assignees.groups-0").fill("managers")

    # then both problems clear and publishing is allowed
    expect(designer.problems_badge("task_1")).to_have_count(0)
    expect(designer.problems_badge("approval_1")).to_have_count(0)
    expect(page.get_by_test_id("btn-publish")).to_be_enabled()

    # when saved and reloaded
    designer.save()
    drawn = designer.graph()
    page.reload()
    designer.wait_ready()

    # then everything is back exactly, and the database holds the same graph
    assert designer.graph() == drawn
    stored = WorkflowDefinition.objects.get(key="expense-check")
    assert stored.graph == drawn
    assert stored.owner == ann
    assert drawn["nodes"][1]["config"] == {"action": "core.echo"}
    assert drawn["nodes"][2]["config"] == {"assignees": {"groups": ["managers"]}}

    # when published with notes
    page.get_by_test_id("btn-publish").click()
    page.get_by_test_id("publish-notes").fill("First release")
    page.get_by_test_id("publish-confirm").click()

    # then version 1 exists with the drawn graph and shows in the versions panel
    expect(page.get_by_test_id("publish-dialog")).to_have_count(0)
    version = stored.versions.get()
    assert (version.number, version.notes, version.graph) == (1, "First release", drawn)
    page.get_by_test_id("tab-versions").click()
    expect(page.get_by_test_id("version-1")).to_contain_text("First release")


@pytest.mark.django_db(transaction=True)
def test_a_viewer_sees_the_workflow_but_cannot_change_it(page: Page, live_app: LiveApp) -> None:
    # given bob's workflow, which ann may only view
    User.objects.create_user("ann", password="ann-pass-123")
    bob = User.objects.create_user("bob", password="bob-pass-123")
    definition = WorkflowDefinition.objects.create(key="bobs", name="Bob's workflow", owner=bob)
    DefinitionPermission.objects.create(
        definition=definition, user=User.objects.get(username="ann"), role=Role.VIEWER
    )
    login(page, live_app, "ann", "ann-pass-123")

    # when she opens it
    designer = DesignerPage(page, live_app)
    designer.open("bobs")

    # then it is shown read-only: no palette, no save, no edits
    expect(page.get_by_test_id("node-start")).to_be_visible()
    expect(page.get_by_test_id("palette-task")).to_be_disabled()
    expect(page.get_by_test_id("btn-save")).to_have_count(0)
    expect(page.get_by_test_id("btn-publish")).to_be_disabled()
    designer.select("start")
    expect(page.get_by_test_id("field-node-name")).to_be_disabled()
    page.keyboard.press("Delete")
    expect(page.get_by_test_id("node-start")).to_be_visible()
