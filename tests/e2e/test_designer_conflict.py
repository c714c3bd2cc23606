"""Two people edit one draft: the second save meets a conflict dialog and nothing is lost."""

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import LiveApp, login
from tests.e2e.designer_page import DesignerPage
from workflows.models import WorkflowDefinition


def rename_start(designer: DesignerPage, name: str) -> None:
    designer.select("start")
    designer.page.get_by_test_id("field-node-name").fill(name)


@pytest.fixture
def two_editors(page: Page, browser: Browser, live_app: LiveApp):  # type: ignore[no-untyped-def]
    """Ann and Bob (staff, so an editor of everything) with the same draft open."""
    User.objects.create_user("ann", password="ann-pass-123")
    User.objects.create_user("bob", password="bob-pass-123", is_staff=True)
    login(page, live_app, "ann", "ann-pass-123")
    ann = DesignerPage(page, live_app)
    ann.create_from_list("Shared draft", "shared")
    context = browser.new_context()
    bob = DesignerPage(context.new_page(), live_app)
    login(bob.page, live_app, "bob", "bob-pass-123")
    bob.open("shared")
    yield ann, bob
    context.close()


@pytest.mark.django_db(transaction=True)
def test_a_stale_save_opens_the_conflict_dialog_and_reload_takes_the_other_draft(two_editors) -> None:  # type: ignore[no-untyped-def]
    ann, bob = two_editors
    # given Bob saved first
    rename_start(bob, "Begin (Bob)")
    bob.save()

    # when Ann, who loaded the older revision, saves her change
    rename_start(ann, "Kick-off (Ann)")
    ann.page.keyboard.press("Control+s")

    # then she is told, can see what differs, and nothing of Bob's was overwritten
    dialog = ann.page.get_by_test_id("conflict-dialog")
    expect(dialog).to_be_visible()
    ann.page.get_by_test_id("conflict-compare").click()
    expect(ann.page.get_by_test_id("conflict-diff")).to_contain_text("start")
    assert WorkflowDefinition.objects.get(key="shared").graph["nodes"][0]["name"] == "Begin (Bob)"

    # when she reloads theirs
    ann.page.get_by_test_id("conflict-reload").click()

    # then her canvas shows Bob's draft, saved, and her next edit saves normally
    expect(dialog).to_have_count(0)
    assert ann.graph() == WorkflowDefinition.objects.get(key="shared").graph
    expect(ann.page.get_by_test_id("save-status")).to_have_attribute("data-status", "saved")
    rename_start(ann, "Kick-off (Ann, again)")
    ann.save()
    assert WorkflowDefinition.objects.get(key="shared").graph["nodes"][0]["name"] == "Kick-off (Ann, again)"


@pytest.mark.django_db(transaction=True)
def test_keeping_mine_as_a_copy_saves_it_under_a_new_key_and_opens_it(two_editors) -> None:  # type: ignore[no-untyped-def]
    ann, bob = two_editors
    rename_start(bob, "Begin (Bob)")
    bob.save()
    rename_start(ann, "Kick-off (Ann)")
    mine = ann.graph()
    ann.page.keyboard.press("Control+s")

    ann.page.get_by_test_id("conflict-keep-mine").click()

    ann.page.wait_for_url("**/designer/shared-copy-1/")
    ann.wait_ready()
    assert ann.graph() == mine
    copy = WorkflowDefinition.objects.get(key="shared-copy-1")
    assert (copy.graph, copy.owner.username) == (mine, "ann")
    assert WorkflowDefinition.objects.get(key="shared").graph["nodes"][0]["name"] == "Begin (Bob)"
