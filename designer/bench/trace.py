"""One extra cold open and drag under Chrome's tracing, counted in main-thread CPU time.

The machine the bench runs on is often shared: wall-clock figures then include the time the
renderer waited for a core. Thread CPU time (`tdur` of the renderer main thread's tasks) shows
how much work the page itself did, which load barely changes. Tracing adds some overhead of its
own, so these figures are a little high.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from designer.bench import browser as bench_browser
from designer.bench.fixture import Credentials

CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline", "blink.user_timing"]


@dataclass(frozen=True)
class CpuFigures:
    open_to_interactive_ms: float  # main-thread CPU from the navigation to the clicked node shown selected
    drag_longest_task_ms: float  # the most CPU one main-thread task took while the node was dragged
    drag_tasks_over_50: int


def traced_run(browser: Any, base: str, key: str, credentials: Credentials, nodes: int) -> CpuFigures:
    context = browser.new_context(viewport=bench_browser.VIEWPORT)
    try:
        page = bench_browser.prepared_page(context, base, credentials)
        browser.start_tracing(page=page, categories=CATEGORIES)
        try:
            run = bench_browser.Run()
            bench_browser.open_and_click(page, f"{base}/designer/{key}/", run, nodes)
            bench_browser.drag(page, run)
        finally:
            trace = browser.stop_tracing()
    finally:
        context.close()
    events = json.loads(trace)
    return cpu_figures(events["traceEvents"] if isinstance(events, dict) else events, run.interactive_ms)


def cpu_figures(events: list[dict[str, Any]], selected_at_ms: float) -> CpuFigures:
    """Main-thread CPU figures from a trace holding the probes' user-timing marks; `selected_at_ms`
    is the page's own time of the `fdbench:selected` mark (from its navigation), which places the
    navigation on the trace's clock (a page's trace holds several navigationStart events)."""
    marks = {e["name"]: e for e in events if e.get("name", "").startswith(("designer:", "fdbench:"))}
    missing = {"designer:graph-painted", "fdbench:selected", "fdbench:drag-down", "fdbench:drag-up"} - set(
        marks
    )
    if missing:
        raise RuntimeError(f"the trace lacks the marks {sorted(missing)}")
    thread = (marks["fdbench:selected"]["pid"], marks["fdbench:selected"]["tid"])
    tasks = [
        e
        for e in events
        if e.get("ph") == "X" and e.get("name") == "RunTask" and (e.get("pid"), e.get("tid")) == thread
    ]
    start = marks["fdbench:selected"]["ts"] - selected_at_ms * 1000
    selected = marks["fdbench:selected"]["ts"]
    down, up = marks["fdbench:drag-down"]["ts"], marks["fdbench:drag-up"]["ts"]
    opening = sum(e.get("tdur", 0) for e in tasks if start <= e["ts"] < selected)
    dragging = [e.get("tdur", 0) for e in tasks if e["ts"] < up and e["ts"] + e["dur"] > down]
    return CpuFigures(
        open_to_interactive_ms=round(opening / 1000, 1),
        drag_longest_task_ms=round(max(dragging, default=0) / 1000, 1),
        drag_tasks_over_50=sum(1 for t in dragging if t > 50_000),
    )
