"""Headless Debian chromium (Playwright, sync API) opening the 500-node graph and dragging a node.

"Interactive" is honest and strict: the app marks `designer:graph-painted` once React Flow has
measured every node and a frame has passed (all 500 nodes in the DOM and shown); the bench then
clicks a node with real input and the time counted is when that node shows as selected (after the
next frame), from the navigation's start. Playwright's own round trips between the marker and the
click are inside that figure, so it is an upper bound.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from designer.bench import probes
from designer.bench.fixture import Credentials

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1440, "height": 900}
CLICKED_NODE, DRAGGED_NODE = "task_120", "set_133"
DRAG_STEPS, DRAG_SECONDS, DRAG_BY = 60, 1.0, (160, 90)
AFTER_DROP_MS = 1500


@dataclass
class Run:
    """One cold open (fresh browser context: empty cache) followed by a node drag."""

    painted_ms: float = 0.0
    interactive_ms: float = 0.0
    click_ms: float = 0.0
    nodes_in_dom: int = 0
    open_long_tasks: list[float] = field(default_factory=list)
    drag_long_tasks: list[float] = field(default_factory=list)
    after_drop_long_tasks: list[float] = field(default_factory=list)
    assets: list[str] = field(default_factory=list)


def prepared_page(context: Any, base: str, credentials: Credentials) -> Any:
    """A page of `context` signed in as the bench user, collecting long tasks from its navigation on."""
    context.add_cookies([{"name": credentials.session_cookie, "value": credentials.session_key, "url": base}])
    context.add_init_script(probes.LONG_TASKS)
    return context.new_page()


def cold_open_and_drag(browser: Any, base: str, key: str, credentials: Credentials, nodes: int) -> Run:
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = prepared_page(context, base, credentials)
        run = Run()
        open_and_click(page, f"{base}/designer/{key}/", run, nodes)
        drag(page, run)
        return run
    finally:
        context.close()


def _centre(page: Any, node_id: str) -> tuple[float, float]:
    box = page.locator(f'.react-flow__node[data-id="{node_id}"]').bounding_box()
    if box is None:
        raise RuntimeError(f"node {node_id} is not on the canvas")
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def open_and_click(page: Any, url: str, run: Run, nodes: int) -> None:
    page.goto(url, wait_until="commit")
    painted = page.evaluate(probes.GRAPH_PAINTED)
    centre = page.evaluate(probes.ARM_CLICK, CLICKED_NODE)
    page.mouse.click(centre["x"], centre["y"])
    selected = page.evaluate("window.__fdBench.selected")
    probe = page.evaluate(
        "() => ({ down: window.__fdBench.downAt, longTasks: window.__fdBench.longTasks, "
        "unsupported: window.__fdBench.unsupported })"
    )
    if probe["unsupported"]:
        raise RuntimeError(f"this chromium does not report long tasks: {probe['unsupported']}")
    shown = page.evaluate(probes.NODES_SHOWN)
    if shown["inDom"] != nodes or shown["visible"] != nodes:
        raise RuntimeError(f"expected {nodes} nodes shown, found {shown}")
    run.painted_ms = painted
    run.interactive_ms = selected
    run.click_ms = selected - probe["down"]
    run.nodes_in_dom = shown["inDom"]
    run.open_long_tasks = [t["duration"] for t in probe["longTasks"] if t["start"] < selected]
    run.assets = page.evaluate(probes.DESIGNER_ASSETS)


def drag(page: Any, run: Run) -> None:
    """Drag a node by DRAG_BY pixels over about a second in many small moves, like a hand would."""
    page.wait_for_load_state("networkidle")  # the first validation round trip is over
    before = _position(page, DRAGGED_NODE)
    page.evaluate(probes.ARM_DRAG)
    x, y = _centre(page, DRAGGED_NODE)
    page.mouse.move(x, y)
    page.mouse.down()
    started = time.perf_counter()
    for step in range(1, DRAG_STEPS + 1):
        page.mouse.move(x + DRAG_BY[0] * step / DRAG_STEPS, y + DRAG_BY[1] * step / DRAG_STEPS)
        pause = started + DRAG_SECONDS * step / DRAG_STEPS - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
    page.mouse.up()
    page.wait_for_timeout(AFTER_DROP_MS)
    if _position(page, DRAGGED_NODE) == before:
        raise RuntimeError(f"dragging {DRAGGED_NODE} did not move it")
    probe = page.evaluate("() => ({ drag: window.__fdBench.drag, longTasks: window.__fdBench.longTasks })")
    down, up = probe["drag"]["down"], probe["drag"]["up"]
    for task in probe["longTasks"]:
        start, end = task["start"], task["start"] + task["duration"]
        if end > down and start < up:
            run.drag_long_tasks.append(task["duration"])
        elif start >= up:
            run.after_drop_long_tasks.append(task["duration"])


def _position(page: Any, node_id: str) -> dict[str, float]:
    return page.evaluate("(id) => window.designer.toJSON().nodes.find((n) => n.id === id).position", node_id)


def browse(
    base: str, key: str, credentials: Credentials, *, runs: int, nodes: int, between: Any
) -> tuple[list[Run], Any]:
    """`runs` cold opens with a drag each, in one chromium, then one more under tracing (main-thread
    CPU figures); `between()` runs after each."""
    from playwright.sync_api import sync_playwright

    from designer.bench.trace import traced_run

    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for _ in range(runs):
                results.append(cold_open_and_drag(browser, base, key, credentials, nodes))
                between()
            cpu = traced_run(browser, base, key, credentials, nodes)
            between()
        finally:
            browser.close()
    return results, cpu
