"""ISO 8601 durations for timers and signal timeouts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from workflows.engine.durations import Duration

T0 = datetime(2030, 1, 31, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "delta"),
    [
        ("PT2H", timedelta(hours=2)),
        ("P1D", timedelta(days=1)),
        ("PT15M", timedelta(minutes=15)),
        ("PT1.5S", timedelta(seconds=1.5)),
        ("P2W", timedelta(weeks=2)),
        ("P1DT2H3M4S", timedelta(days=1, hours=2, minutes=3, seconds=4)),
        ("pt30m", timedelta(minutes=30)),
    ],
)
def test_exact_durations_add_exact_time(text: str, delta: timedelta) -> None:
    assert Duration.parse(text).after(T0) == T0 + delta


def test_months_and_years_move_the_calendar_and_clamp_to_the_month_end() -> None:
    assert Duration.parse("P1M").after(T0) == datetime(2030, 2, 28, 10, tzinfo=UTC)
    assert Duration.parse("P1Y2M").after(T0) == datetime(2031, 3, 31, 10, tzinfo=UTC)
    assert Duration.parse("P11M").after(T0) == datetime(2030, 12, 31, 10, tzinfo=UTC)


@pytest.mark.parametrize("text", ["", "P", "PT", "2H", "P1H", "PT1D", "P-1D", "soon"])
def test_anything_else_is_rejected(text: str) -> None:
    with pytest.raises(ValueError, match="ISO 8601"):
        Duration.parse(text)
