"""Published versions in the designer: view one read-only, see the diff on the canvas, restore it."""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveApp, login
from tests.e2e.designer_page import DesignerPage
from workflows.models import WorkflowDefinition


@pytest.mark.django_db(transaction=True)
def test_a_version_is_compared_viewed_and_restored_as_the_draft(page: Page, live_app: LiveApp) -> None:
    # given version 1 published: start -> end
    User.objects.create_user("ann", password="ann-pass-123")
    login(page, live_app, "ann", "ann-pass-123")
    designer = DesignerPage(page, live_app)
    designer.create_from_list("Versions", "versions")
    page.get_by_test_id("palette-end").click()
    designer.connect("start", "end_1")
    expect(page.get_by_test_id("btn-publish")).to_be_enabled()
    page.get_by_test_id("btn-publish").click()
    page.get_by_test_id("publish-notes").fill("Start to end")
    page.get_by_test_id("publish-confirm").click()
    expect(page.get_by_test_id("publish-dialog")).to_have_count(0)
    published = WorkflowDefinition.objects.get(key="versions").versions.get(number=1).graph

    # and a draft that renamed the end and added a second end
    designer.select("end_1")
    page.get_by_test_id("field-node-name").fill("Done")
    page.get_by_test_id("palette-end").click()
    draft = designer.graph()

    # when the draft is compared with version 1
    page.get_by_test_id("tab-versions").click()
    page.get_by_test_id("version-1-compare").click()

    # then the canvas marks what changed, read-only
    expect(page.get_by_test_id("view-banner")).to_contain_text("compared with version 1")
    expect(page.get_by_test_id("node-end_1")).to_have_class(re.compile(r"\bdiff-changed\b"))
    expect(page.get_by_test_id("node-end_2")).to_have_class(re.compile(r"\bdiff-added\b"))
    expect(page.get_by_test_id("palette-task")).to_be_disabled()

    # when version 1 is viewed on its own
    page.get_by_test_id("version-1-view").click()
    expect(page.get_by_test_id("view-banner")).to_contain_text("Viewing version 1")
    expect(page.get_by_test_id("node-end_2")).to_have_count(0)
    page.get_by_test_id("banner-close").click()
    assert designer.graph() == draft

    # when it is restored as the draft
    page.get_by_test_id("version-1-restore").click()

    # then the draft is version 1 again, undoable, and it saves
    expect(page.get_by_test_id("node-end_2")).to_have_count(0)
    assert designer.graph() == published
    designer.save()
    assert WorkflowDefinition.objects.get(key="versions").graph == published
    page.locator(".react-flow__pane").click(position={"x": 20, "y": 20})
    page.keyboard.press("Control+z")
    assert designer.graph() == draft
