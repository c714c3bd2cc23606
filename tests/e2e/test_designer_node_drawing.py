"""How the designer draws a node: the icon as an image, and text clipped only when it may not fit."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveApp, login
from tests.e2e.designer_page import DesignerPage
from workflows.services.definitions import definition_create

LONG = "Send the quarterly reconciliation report to every regional finance lead"


def graph() -> dict[str, Any]:
    return {
        "format": "flowdesk.graph/v1",
        "nodes": [
            {"id": "start", "type": "start", "name": "Start", "position": {"x": 0, "y": 0}},
            {
                "id": "long",
                "type": "task",
                "name": LONG,
                "config": {"action": "core.echo", "params": {}},
                "position": {"x": 260, "y": 0},
            },
            {"id": "end", "type": "end", "name": "End", "position": {"x": 520, "y": 0}},
        ],
        "edges": [
            {"id": "e1", "source": "start", "target": "long"},
            {"id": "e2", "source": "long", "target": "end"},
        ],
    }


# The name line of a node: whether it is clipped, its text-overflow, and whether its text overflows it.
NAME = """(id) => {
  const el = document.querySelector(`[data-testid="node-${id}"] .fd-node__name`);
  return { clipped: el.classList.contains("fd-clip"), ellipsis: getComputedStyle(el).textOverflow === "ellipsis",
           overflows: el.scrollWidth > el.clientWidth + 1 };
}"""

ICON = """(id) => {
  const node = document.querySelector(`[data-testid="node-${id}"]`);
  return { image: getComputedStyle(node.querySelector(".fd-node__icon")).backgroundImage.slice(0, 29),
           inlineSvgs: node.querySelectorAll(".fd-node__icon svg").length };
}"""


@pytest.mark.django_db(transaction=True)
def test_a_node_name_is_clipped_with_an_ellipsis_only_when_it_may_not_fit(
    page: Page, live_app: LiveApp
) -> None:
    # given a workflow whose task has a long name, between a start and an end with short ones
    ann = User.objects.create_user("ann", password="ann-pass-123")
    definition_create(owner=ann, key="names", name="Names", graph=graph())
    login(page, live_app, "ann", "ann-pass-123")

    # when it is opened
    DesignerPage(page, live_app).open("names")
    expect(page.get_by_test_id("canvas")).to_have_attribute("data-graph-ready", "true", timeout=15_000)

    # then the long name ends in an ellipsis inside its node, and the short ones are drawn unclipped
    assert page.evaluate(NAME, "long") == {"clipped": True, "ellipsis": True, "overflows": True}
    assert page.evaluate(NAME, "start") == {"clipped": False, "ellipsis": False, "overflows": False}
    assert page.evaluate(NAME, "end") == {"clipped": False, "ellipsis": False, "overflows": False}
    # and each icon is an image, not an inline SVG
    assert page.evaluate(ICON, "long") == {"image": 'url("data:image/svg+xml,%3Csv', "inlineSvgs": 0}
