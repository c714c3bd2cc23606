"""A page object for the workflow designer, shared by the test_designer_* browser tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveApp

MANIFEST = Path(settings.BASE_DIR) / "static" / "designer" / ".vite" / "manifest.json"


def require_bundle() -> None:
    """Fail loudly (not time out) when the front end was not built."""
    if not MANIFEST.exists():
        pytest.fail("the designer bundle is missing: run `npm ci && npm run build` in designer/frontend")


class DesignerPage:
    def __init__(self, page: Page, live_app: LiveApp) -> None:
        self.page = page
        self.live_app = live_app
        page.set_viewport_size({"width": 1440, "height": 900})

    def create_from_list(self, name: str, key: str) -> None:
        """Create a workflow with the New workflow form of /designer/ and land in the designer."""
        require_bundle()
        self.page.goto(self.live_app("/designer/"))
        self.page.get_by_test_id("new-name").fill(name)
        self.page.get_by_test_id("new-key").fill(key)
        self.page.get_by_test_id("new-submit").click()
        self.page.wait_for_url(f"**/designer/{key}/")
        self.wait_ready()

    def open(self, key: str) -> None:
        require_bundle()
        self.page.goto(self.live_app(f"/designer/{key}/"))
        self.wait_ready()

    def wait_ready(self) -> None:
        expect(self.page.get_by_test_id("palette-task")).to_be_visible(timeout=15_000)

    def graph(self) -> dict[str, Any]:
        return self.page.evaluate("window.designer.toJSON()")

    def node_ids(self) -> list[str]:
        return [n["id"] for n in self.graph()["nodes"]]

    def drop(self, node_type: str, x: int, y: int) -> None:
        """Drag a palette item onto the canvas at (x, y) in canvas pixels."""
        pane = self.page.locator(".react-flow__pane")
        self.page.get_by_test_id(f"palette-{node_type}").drag_to(pane, target_position={"x": x, "y": y})

    def connect(self, source: str, target: str) -> None:
        self.page.get_by_test_id(f"handle-{source}-out").drag_to(
            self.page.get_by_test_id(f"handle-{target}-in")
        )

    def select(self, node_id: str) -> None:
        self.page.get_by_test_id(f"node-{node_id}").click()

    def problems_badge(self, node_id: str):  # type: ignore[no-untyped-def]
        return self.page.get_by_test_id(f"node-{node_id}-problems")

    def save(self) -> None:
        self.page.keyboard.press("Control+s")
        expect(self.page.get_by_test_id("save-status")).to_have_attribute("data-status", "saved")

    def export_json(self) -> str:
        self.page.get_by_test_id("btn-export").click()
        with self.page.expect_download() as download:
            self.page.get_by_test_id("btn-export-json").click()
        return Path(download.value.path()).read_text(encoding="utf-8")

    def import_text(self, text: str, name: str = "graph.json", *, expect_ok: bool = True) -> None:
        """Pick `text` as a graph file; wait for the import (or its error) to be announced."""
        outcome = "import-done" if expect_ok else "import-error"
        count = self.page.get_by_test_id(outcome).count()
        self.page.get_by_test_id("import-file").set_input_files(
            files=[{"name": name, "mimeType": "application/json", "buffer": text.encode()}]
        )
        expect(self.page.get_by_test_id(outcome)).to_have_count(count + 1)


def pretty(graph: dict[str, Any]) -> str:
    return json.dumps(graph, indent=2, sort_keys=True)
