"""Report helpers: percentiles like percentile_cont, and SVG charts that escape labels."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from approvals import clock
from approvals.selectors.reports import DurationRow, OpenRow, percentile
from approvals.views.charts import duration_bars, stacked_bars


def test_percentiles_interpolate_between_values() -> None:
    assert percentile([], 0.5) is None
    assert percentile([10], 0.9) == 10
    assert percentile([1, 2, 3, 4], 0.5) == 2.5
    assert percentile([0, 10], 0.9) == pytest.approx(9.0)


@given(st.lists(st.floats(0, 1e6), min_size=1, max_size=50))
def test_the_median_lies_between_the_extremes_and_below_p90(values: list[float]) -> None:
    median, p90 = percentile(values, 0.5), percentile(values, 0.9)
    assert min(values) <= median <= p90 <= max(values)


def test_chart_labels_are_escaped() -> None:
    row = OpenRow("<script>alert(1)</script>")
    row.counts["breached"] = 2
    svg = str(stacked_bars([row])) + str(duration_bars([DurationRow("<b>x</b>", 1, 60.0, 120.0)]))
    assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg


def test_the_clock_can_be_frozen_in_a_block() -> None:
    moment = datetime(2030, 1, 1, tzinfo=UTC)
    with clock.frozen(moment):
        assert clock.now() == moment
    assert clock.now() != moment


@pytest.mark.parametrize("cell", ["=HYPERLINK(1)", "+1", "-2", "@SUM(A1)"])
def test_csv_cells_that_look_like_formulas_are_neutralised(cell: str) -> None:
    from approvals.selectors.reports import csv_safe

    assert csv_safe(cell) == "'" + cell
    assert csv_safe("Expense approval") == "Expense approval"
