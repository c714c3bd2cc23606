"""A 500-node workflow in the designer: it opens whole, and moving one node is one saved, undoable change."""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from designer.bench.fixture import bench_graph
from tests.e2e.conftest import LiveApp, login
from tests.e2e.designer_page import DesignerPage
from workflows.models import WorkflowDefinition
from workflows.services.definitions import definition_create

MOVED = "set_133"


def drag_node(
    page: Page, node_id: str, dx: float, dy: float, steps: int = 30, held: Callable[[], None] | None = None
) -> None:
    """Move a node as a hand would: press, many small moves, release (`held()` runs before the release)."""
    box = page.locator(f'.react-flow__node[data-id="{node_id}"]').bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, steps + 1):
        page.mouse.move(x + dx * step / steps, y + dy * step / steps)
    if held:
        held()
    page.mouse.up()


# Whether a node, and how many edges, are on compositor layers of their own (will-change) right now.
LAYERS = """(id) => ({
  node: getComputedStyle(document.querySelector(`.react-flow__node[data-id="${id}"]`)).willChange,
  movingEdges: [...document.querySelectorAll(".fd-edge-moving")].filter((e) => getComputedStyle(e).willChange === "transform").length,
})"""


@pytest.mark.django_db(transaction=True)
def test_a_500_node_graph_opens_whole_and_a_moved_node_saves_in_one_undo_step(
    page: Page, live_app: LiveApp
) -> None:
    # given a 500-node workflow
    ann = User.objects.create_user("ann", password="ann-pass-123")
    graph = bench_graph(500)
    definition_create(owner=ann, key="big", name="Big", graph=graph)
    login(page, live_app, "ann", "ann-pass-123")
    designer = DesignerPage(page, live_app)

    # when it is opened, then every node is drawn, the canvas says so, and the minimap follows
    designer.open("big")
    expect(page.get_by_test_id("canvas")).to_have_attribute("data-graph-ready", "true", timeout=30_000)
    expect(page.locator(".react-flow__node")).to_have_count(500)
    expect(page.locator(".react-flow__minimap")).to_be_visible(timeout=15_000)
    before = next(n["position"] for n in designer.graph()["nodes"] if n["id"] == MOVED)

    # when one node is dragged across the canvas and the draft saved
    held = []
    drag_node(page, MOVED, 160, 90, held=lambda: held.append(page.evaluate(LAYERS, MOVED)))
    after = next(n["position"] for n in designer.graph()["nodes"] if n["id"] == MOVED)
    dropped = page.evaluate(LAYERS, MOVED)
    designer.save()

    # then while it was held, it and its edges (and only they) were layers of their own, and not after
    touching = sum(1 for e in graph["edges"] if MOVED in (e["source"], e["target"]))
    assert held == [{"node": "transform", "movingEdges": touching}]
    assert dropped == {"node": "auto", "movingEdges": 0}
    # and it moved (only it), the server holds the move, and one undo puts it back
    assert after != before
    moved = [n["id"] for n, m in zip(graph["nodes"], designer.graph()["nodes"], strict=True) if n != m]
    assert moved == [MOVED]
    stored = WorkflowDefinition.objects.get(key="big").graph
    assert next(n["position"] for n in stored["nodes"] if n["id"] == MOVED) == after
    page.keyboard.press("Control+z")
    assert designer.graph() == graph
