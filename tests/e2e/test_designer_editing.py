"""Editing comfort in the designer: exact undo/redo, copy/paste, and graph files that round-trip."""

import json

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveApp, login
from tests.e2e.designer_page import DesignerPage
from workflows.models import WorkflowDefinition


@pytest.fixture
def designer(page: Page, live_app: LiveApp) -> DesignerPage:
    User.objects.create_user("ann", password="ann-pass-123")
    login(page, live_app, "ann", "ann-pass-123")
    designer = DesignerPage(page, live_app)
    designer.create_from_list("Editing", "editing")
    return designer


@pytest.mark.django_db(transaction=True)
def test_undo_and_redo_step_through_exactly_the_states_that_were_drawn(designer: DesignerPage) -> None:
    page = designer.page
    # given four states: the new draft, + a task (clicked), + an end (keyboard), + an edge
    states = [designer.graph()]
    page.get_by_test_id("palette-task").click()
    states.append(designer.graph())
    page.get_by_test_id("palette-end").focus()
    page.keyboard.press("Enter")
    states.append(designer.graph())
    designer.connect("start", "task_1")
    states.append(designer.graph())
    assert [len(s["nodes"]) + len(s["edges"]) for s in states] == [1, 2, 3, 4]
    page.locator(".react-flow__pane").click(position={"x": 20, "y": 20})

    # when undone three times, then redone three times (both shortcuts)
    seen_back = []
    for _ in range(3):
        page.keyboard.press("Control+z")
        seen_back.append(designer.graph())
    seen_forward = []
    for shortcut in ("Control+Shift+z", "Control+y", "Control+Shift+z"):
        page.keyboard.press(shortcut)
        seen_forward.append(designer.graph())

    # then every step lands exactly on a drawn state
    assert seen_back == [states[2], states[1], states[0]]
    assert seen_forward == [states[1], states[2], states[3]]
    expect(page.get_by_test_id("btn-redo")).to_be_disabled()


@pytest.mark.django_db(transaction=True)
def test_deleting_a_node_removes_its_edges_and_undo_brings_both_back(designer: DesignerPage) -> None:
    page = designer.page
    page.get_by_test_id("palette-task").click()
    designer.connect("start", "task_1")
    before = designer.graph()

    designer.select("task_1")
    page.keyboard.press("Delete")
    assert designer.node_ids() == ["start"]
    assert designer.graph()["edges"] == []

    page.keyboard.press("Control+z")
    assert designer.graph() == before


@pytest.mark.django_db(transaction=True)
def test_copy_and_paste_clone_the_selection_under_fresh_ids(designer: DesignerPage) -> None:
    page = designer.page
    page.get_by_test_id("palette-task").click()
    designer.select("task_1")
    page.get_by_test_id("field-action").select_option("core.log")
    designer.select("task_1")

    page.keyboard.press("Control+c")
    page.keyboard.press("Control+v")

    nodes = {n["id"]: n for n in designer.graph()["nodes"]}
    assert list(nodes) == ["start", "task_1", "task_2"]
    assert nodes["task_2"]["config"] == nodes["task_1"]["config"] == {"action": "core.log"}
    assert nodes["task_2"]["position"] != nodes["task_1"]["position"]


@pytest.mark.django_db(transaction=True)
def test_an_exported_graph_imports_back_identically_and_exports_the_same_bytes(
    designer: DesignerPage,
) -> None:
    page = designer.page
    # given a graph with an edge, an input and positions
    page.get_by_test_id("palette-end").click()
    designer.connect("start", "end_1")
    page.get_by_test_id("tab-inputs").click()
    page.get_by_test_id("btn-add-input").click()
    exported = designer.export_json()
    assert json.loads(exported) == designer.graph()

    # when the graph is changed, then the file imported
    page.get_by_test_id("palette-task").click()
    assert json.loads(exported) != designer.graph()
    designer.import_text(exported)

    # then the canvas holds exactly the file, and exporting again gives the same bytes
    assert designer.graph() == json.loads(exported)
    assert designer.export_json() == exported


@pytest.mark.django_db(transaction=True)
def test_a_bad_file_is_refused_with_a_readable_message_and_nothing_changes(designer: DesignerPage) -> None:
    page = designer.page
    before = designer.graph()

    designer.import_text("{ this is not json", name="broken.json", expect_ok=False)
    expect(page.get_by_test_id("import-error").first).to_contain_text("broken.json")
    expect(page.get_by_test_id("import-error").first).to_contain_text("not valid JSON")

    designer.import_text(
        json.dumps({"format": "something/else", "nodes": []}), name="other.json", expect_ok=False
    )
    expect(page.get_by_test_id("import-error").last).to_contain_text("not a Flowdesk graph")
    assert designer.graph() == before


@pytest.mark.django_db(transaction=True)
def test_an_edit_saves_itself_after_a_few_idle_seconds_and_leaving_before_warns(
    designer: DesignerPage,
) -> None:
    page = designer.page
    # when a step is added and nothing else happens
    page.get_by_test_id("palette-end").click()
    status = page.get_by_test_id("save-status")
    expect(status).to_have_attribute("data-status", "dirty")

    # then leaving now asks first
    dialogs: list[str] = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]

    # and a few seconds later the draft is saved without asking
    expect(status).to_have_attribute("data-status", "saved", timeout=10_000)
    assert WorkflowDefinition.objects.get(key="editing").graph == designer.graph()


@pytest.mark.django_db(transaction=True)
def test_auto_layout_lines_the_steps_up_left_to_right_in_one_undoable_step(designer: DesignerPage) -> None:
    page = designer.page
    # given three steps dropped in reverse order, right to left
    designer.drop("end", 120, 420)
    designer.drop("task", 420, 120)
    designer.connect("start", "task_1")
    designer.connect("task_1", "end_1")
    before = designer.graph()

    page.get_by_test_id("btn-layout").click()

    x = {n["id"]: n["position"]["x"] for n in designer.graph()["nodes"]}
    assert x["start"] < x["task_1"] < x["end_1"]
    page.locator(".react-flow__pane").click(position={"x": 20, "y": 20})
    page.keyboard.press("Control+z")
    assert designer.graph() == before
