"""Scripts the designer bench runs in the page (performance observers and input probes)."""

from __future__ import annotations

# Before any page script: collect every long task (> 50 ms) from navigation on.
LONG_TASKS = """
window.__fdBench = { longTasks: [] };
try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__fdBench.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: "longtask", buffered: true });
} catch (e) {
  window.__fdBench.unsupported = String(e);
}
"""

# Resolves once the app has marked the graph painted (an observer, not polling: Playwright's
# selector polling walks the whole DOM of 500 nodes on every frame and would slow what it measures).
GRAPH_PAINTED = """
() => new Promise((resolve) => {
  const mark = "designer:graph-painted";
  const found = () => performance.getEntriesByName(mark)[0];
  if (found()) return resolve(found().startTime);
  new PerformanceObserver((list, observer) => {
    const entry = list.getEntriesByName(mark)[0];
    if (entry) { observer.disconnect(); resolve(entry.startTime); }
  }).observe({ type: "mark" });
})
"""

# Arms the click probe on one node and returns its centre: the probe keeps the time of the
# pointerdown, and of the first frame after the node shows as selected (a MutationObserver on its
# class, then a frame and a task to pass the paint) in the promise `window.__fdBench.selected`.
ARM_CLICK = """
(id) => {
  const b = window.__fdBench;
  const node = document.querySelector(`.react-flow__node[data-id="${CSS.escape(id)}"]`);
  if (!node) throw new Error(`no node ${id} in the page`);
  addEventListener("pointerdown", (e) => { b.downAt ??= e.timeStamp; }, { capture: true, once: true });
  b.selected = new Promise((resolve) => {
    const seen = new MutationObserver(() => {
      if (!node.classList.contains("selected")) return;
      seen.disconnect();
      requestAnimationFrame(() => setTimeout(() => resolve(performance.mark("fdbench:selected").startTime), 0));
    });
    seen.observe(node, { attributes: true, attributeFilter: ["class"] });
  });
  const box = node.getBoundingClientRect();
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}
"""

# Arms the drag probe: the times of the pointerdown and the pointerup that make the drag.
ARM_DRAG = """
() => {
  const b = window.__fdBench;
  b.drag = {};
  addEventListener("pointerdown", (e) => { b.drag.down = e.timeStamp; performance.mark("fdbench:drag-down"); }, { capture: true, once: true });
  addEventListener("pointerup", (e) => { b.drag.up = e.timeStamp; performance.mark("fdbench:drag-up"); }, { capture: true, once: true });
}
"""

# Nodes in the DOM, and how many React Flow has measured and shows (it hides unmeasured ones).
NODES_SHOWN = """
() => {
  const nodes = [...document.querySelectorAll(".react-flow__node")];
  return { inDom: nodes.length, visible: nodes.filter((n) => getComputedStyle(n).visibility !== "hidden").length };
}
"""

# The designer's static files the page loaded (JS and CSS), by URL path.
DESIGNER_ASSETS = """
() => performance.getEntriesByType("resource")
  .map((e) => new URL(e.name).pathname)
  .filter((p) => p.startsWith("/static/designer/"))
"""
