"""Tiny inline SVG charts for the SLA dashboard (no chart library, no script)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from approvals.selectors.reports import DurationRow, OpenRow

COLORS = {"on_track": "#1a7f37", "at_risk": "#bf8700", "breached": "#b42318", "none": "#8c959f"}
ROW, LABEL, WIDTH = 26, 180, 420


def stacked_bars(rows: Sequence[OpenRow]) -> SafeString:
    """One horizontal bar per row, split by SLA state; each part has a <title> for hover."""
    if not rows:
        return mark_safe('<p class="muted">No open tasks.</p>')
    biggest = max(row.total for row in rows) or 1
    parts = []
    for index, row in enumerate(rows):
        y, x = index * ROW, float(LABEL)
        parts.append(format_html('<text x="0" y="{}" class="chart-label">{}</text>', y + 17, row.label[:28]))
        for state, count in row.counts.items():
            if not count:
                continue
            width = WIDTH * count / biggest
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="18" fill="{}"><title>{}: {} {}</title></rect>',
                    _n(x),
                    y + 4,
                    _n(width),
                    COLORS[state],
                    row.label,
                    count,
                    state.replace("_", " "),
                )
            )
            x += width
        parts.append(
            format_html('<text x="{}" y="{}" class="chart-value">{}</text>', _n(x + 6), y + 17, row.total)
        )
    height = len(rows) * ROW + 4
    return format_html(
        '<svg class="chart" role="img" aria-label="Open tasks by SLA state" viewBox="0 0 {} {}" width="100%">{}</svg>',
        LABEL + WIDTH + 40,
        height,
        format_html_join("", "{}", ((p,) for p in parts)),
    )


def _n(value: float) -> str:
    """A coordinate for SVG (format_html escapes its arguments to strings first)."""
    return f"{value:.1f}"


def _human(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 86400 * 2:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


def duration_bars(rows: Sequence[DurationRow]) -> SafeString:
    """Median (dark) and p90 (light) time to decision per workflow."""
    if not rows:
        return mark_safe("")  # the table below says there were none
    biggest = max((row.p90_seconds or 0) for row in rows) or 1
    parts = []
    for index, row in enumerate(rows):
        y = index * ROW
        p90 = WIDTH * (row.p90_seconds or 0) / biggest
        median = WIDTH * (row.median_seconds or 0) / biggest
        parts.append(format_html('<text x="0" y="{}" class="chart-label">{}</text>', y + 17, row.label[:28]))
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="18" fill="#9ec5fe"><title>p90 {}</title></rect>',
                LABEL,
                y + 4,
                _n(p90),
                _human(row.p90_seconds),
            )
        )
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="18" fill="#0b5fce"><title>median {}</title></rect>',
                LABEL,
                y + 4,
                _n(median),
                _human(row.median_seconds),
            )
        )
        parts.append(
            format_html(
                '<text x="{}" y="{}" class="chart-value">{} / {}</text>',
                _n(LABEL + p90 + 6),
                y + 17,
                _human(row.median_seconds),
                _human(row.p90_seconds),
            )
        )
    return format_html(
        '<svg class="chart" role="img" aria-label="Time to decision" viewBox="0 0 {} {}" width="100%">{}</svg>',
        LABEL + WIDTH + 120,
        len(rows) * ROW + 4,
        format_html_join("", "{}", ((p,) for p in parts)),
    )


human_duration = _human
