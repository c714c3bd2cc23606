"""A small server-side SVG picture of a graph: nodes at their positions, edges as arrows.

Pure and defensive: any graph (even a malformed draft) renders, and every piece of
text is escaped, so a node named `<script>` is shown, never run.
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

NODE_WIDTH, NODE_HEIGHT, PADDING, GRID = 168, 52, 24, 220
MAX_ITEMS = 2_000
LABEL_AT = 0.35
COLOURS = {
    "start": "#d1fae5", "end": "#e2e8f0", "task": "#dbeafe", "approval": "#fef3c7", "condition": "#ede9fe",
    "parallel": "#e0e7ff", "join": "#e0e7ff", "timer": "#f3f4f6", "signal": "#f3f4f6", "subworkflow": "#cffafe",
    "set": "#ecfccb",
}  # fmt: skip


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _short(text: Any, limit: int) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _edge_label(edge: dict[str, Any]) -> str:
    if isinstance(edge.get("label"), str):
        return edge["label"]
    if edge.get("condition") is not None:
        return str(edge["condition"])
    if edge.get("outcome") is not None:
        return str(edge["outcome"])
    for kind, text in (("default", "default"), ("on_error", "on error"), ("timeout", "timeout")):
        if edge.get(kind) is True:
            return text
    return ""


def graph_svg(graph: Any) -> str:
    """Return an `<svg>` element drawing `graph`."""
    raw_nodes = graph.get("nodes") if isinstance(graph, dict) else None
    raw_edges = graph.get("edges") if isinstance(graph, dict) else None
    nodes = [n for n in (raw_nodes if isinstance(raw_nodes, list) else [])[:MAX_ITEMS] if isinstance(n, dict)]
    edges = [e for e in (raw_edges if isinstance(raw_edges, list) else [])[:MAX_ITEMS] if isinstance(e, dict)]
    boxes: dict[str, tuple[float, float]] = {}
    for index, node in enumerate(nodes):
        position = node.get("position") if isinstance(node.get("position"), dict) else {}
        x, y = _number(position.get("x")), _number(position.get("y"))
        if x is None or y is None:
            x, y = (index % 6) * GRID, (index // 6) * GRID / 2
        boxes.setdefault(str(node.get("id")), (x, y))
    if not boxes:
        return '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><text x="10" y="25">(empty graph)</text></svg>'
    left = min(x for x, _ in boxes.values()) - PADDING
    top = min(y for _, y in boxes.values()) - PADDING
    width = max(x for x, _ in boxes.values()) + NODE_WIDTH + PADDING - left
    height = max(y for _, y in boxes.values()) + NODE_HEIGHT + PADDING - top
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="flowdesk-graph" role="img" '
        f'viewBox="{left:.1f} {top:.1f} {width:.1f} {height:.1f}" width="{min(width, 1200):.0f}" '
        f'style="max-width:100%;height:auto;font-family:sans-serif">',
        "<title>Workflow graph</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
    ]
    for edge in edges:
        source, target = boxes.get(str(edge.get("source"))), boxes.get(str(edge.get("target")))
        if source is None or target is None:
            continue
        x1, y1 = source[0] + NODE_WIDTH, source[1] + NODE_HEIGHT / 2
        x2, y2 = target[0], target[1] + NODE_HEIGHT / 2
        dashed = (
            ' stroke-dasharray="5,4"' if edge.get("on_error") is True or edge.get("timeout") is True else ""
        )
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#555" stroke-width="1.5"'
            f'{dashed} marker-end="url(#arrow)"><title>{escape(str(edge.get("id")))}</title></line>'
        )
        label = _edge_label(edge)
        if label:
            # A third of the way along, on a white halo: the labels of a node's outgoing
            # edges fan out with their edges instead of meeting at crossing midpoints.
            lx, ly = x1 + (x2 - x1) * LABEL_AT, y1 + (y2 - y1) * LABEL_AT
            parts.append(
                f'<text x="{lx:.1f}" y="{ly - 4:.1f}" font-size="10" fill="#333" text-anchor="middle" '
                f'stroke="#fff" stroke-width="3" paint-order="stroke">{escape(_short(label, 28))}</text>'
            )
    for node in nodes:
        node_id = str(node.get("id"))
        x, y = boxes[node_id]
        node_type = str(node.get("type"))
        name = node.get("name") if isinstance(node.get("name"), str) and node.get("name") else node_id
        parts.append(
            f'<g class="node" data-node-id="{escape(node_id)}" data-node-type="{escape(node_type)}">'
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{NODE_WIDTH}" height="{NODE_HEIGHT}" rx="8" '
            f'fill="{COLOURS.get(node_type, "#ffffff")}" stroke="#333"/>'
            f'<text x="{x + 10:.1f}" y="{y + 21:.1f}" font-size="13">{escape(_short(name, 22))}</text>'
            f'<text x="{x + 10:.1f}" y="{y + 39:.1f}" font-size="10" fill="#555">'
            f"{escape(_short(node_type, 14))} · {escape(_short(node_id, 18))}</text>"
            f"<title>{escape(node_id)}: {escape(_short(name, 200))}</title></g>"
        )
    parts.append("</svg>")
    return "".join(parts)
