"""Inline SVG charts for the dashboard: no library, no CDN, no script; every label escaped."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from workflows.pages.dashboard import Percentiles, Throughput

STATUS_COLOURS = {
    "running": "#0b5fce", "suspended": "#8250df", "compensating": "#bf8700", "completed": "#1a7f37",
    "failed": "#b42318", "cancelled": "#8c959f", "compensated": "#9a6700",
}  # fmt: skip
ROW, LABEL, WIDTH = 26, 150, 420


def _svg(label: str, width: float, height: float, parts: Sequence[SafeString]) -> SafeString:
    return format_html(
        '<svg class="chart" role="img" aria-label="{}" viewBox="0 0 {} {}" width="100%">{}</svg>',
        label,
        f"{width:.0f}",
        f"{height:.0f}",
        format_html_join("", "{}", ((part,) for part in parts)),
    )


def status_bars(counts: dict[str, int]) -> SafeString:
    """One horizontal bar per instance status."""
    biggest = max(counts.values(), default=0) or 1
    parts = []
    for index, (status, count) in enumerate(counts.items()):
        y = index * ROW
        width = WIDTH * count / biggest
        parts.append(format_html('<text x="0" y="{}" class="chart-label">{}</text>', y + 17, status))
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="18" fill="{}" data-status="{}"><title>{}: {}</title></rect>',
                LABEL,
                y + 4,
                f"{width:.1f}",
                STATUS_COLOURS.get(status, "#8c959f"),
                status,
                status,
                count,
            )
        )
        parts.append(
            format_html(
                '<text x="{}" y="{}" class="chart-value">{}</text>', f"{LABEL + width + 6:.1f}", y + 17, count
            )
        )
    return _svg("Instances by status", LABEL + WIDTH + 80, len(counts) * ROW + 4, parts)


def throughput_columns(data: Throughput) -> SafeString:
    """Per minute over the last hour: started (blue outline), completed (green) and failed
    (red) stacked."""
    height, bottom, step = 160, 140, 10
    width = len(data.minutes) * step + 60
    biggest = (
        max([*data.started, *(c + f for c, f in zip(data.completed, data.failed, strict=True))], default=0)
        or 1
    )
    scale = (bottom - 10) / biggest
    parts = [format_html('<line x1="40" y1="{}" x2="{}" y2="{}" stroke="#d0d7de"/>', bottom, width, bottom)]
    parts.append(format_html('<text x="0" y="14" class="chart-label">{}</text>', biggest))
    parts.append(format_html('<text x="0" y="{}" class="chart-label">0</text>', bottom))
    for i, minute in enumerate(data.minutes):
        x = 40 + i * step
        done, bad, new = data.completed[i] * scale, data.failed[i] * scale, data.started[i] * scale
        label = f"{minute:%H:%M}: {data.started[i]} started, {data.completed[i]} completed, {data.failed[i]} failed"
        if done:
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="#1a7f37"><title>{}</title></rect>',
                    x + 1,
                    f"{bottom - done:.1f}",
                    step - 2,
                    f"{done:.1f}",
                    label,
                )
            )
        if bad:
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="#b42318"><title>{}</title></rect>',
                    x + 1,
                    f"{bottom - done - bad:.1f}",
                    step - 2,
                    f"{bad:.1f}",
                    label,
                )
            )
        if new:
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#0b5fce"><title>{}</title></rect>',
                    x + 1,
                    f"{bottom - new:.1f}",
                    step - 2,
                    f"{new:.1f}",
                    label,
                )
            )
        if i % 10 == 0:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" class="chart-label">{}</text>', x, bottom + 16, f"{minute:%H:%M}"
                )
            )
    return _svg("Throughput per minute, last hour", width, height, parts)


def human_seconds(value: float) -> str:
    if value < 1:
        return f"{value * 1000:.0f} ms"
    if value < 120:
        return f"{value:.1f} s"
    return f"{value / 60:.1f} min"


def duration_bars(rows: Sequence[Percentiles]) -> SafeString:
    """Per action: p99 (lightest), p90 and p50 (darkest) of step durations, one row each."""
    if not rows:
        return mark_safe('<p class="muted">No task steps finished in the last 24 hours.</p>')
    biggest = max(row.p99 for row in rows) or 1
    parts = []
    for index, row in enumerate(rows):
        y = index * ROW
        parts.append(format_html('<text x="0" y="{}" class="chart-label">{}</text>', y + 17, row.action[:24]))
        for value, colour, name in (
            (row.p99, "#cfe2ff", "p99"),
            (row.p90, "#9ec5fe", "p90"),
            (row.p50, "#0b5fce", "p50"),
        ):
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="18" fill="{}"><title>{} {}: {}</title></rect>',
                    LABEL,
                    y + 4,
                    f"{WIDTH * value / biggest:.1f}",
                    colour,
                    row.action,
                    name,
                    human_seconds(value),
                )
            )
        parts.append(
            format_html(
                '<text x="{}" y="{}" class="chart-value">{} / {} / {} ({} steps)</text>',
                f"{LABEL + WIDTH * row.p99 / biggest + 6:.1f}",
                y + 17,
                human_seconds(row.p50),
                human_seconds(row.p90),
                human_seconds(row.p99),
                row.count,
            )
        )
    return _svg("Step duration percentiles per action", LABEL + WIDTH + 260, len(rows) * ROW + 4, parts)
