"""Business-time deadlines: working days and hours, holidays, time zones, never early."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from approvals.domain.business_time import CalendarSpec, add_business_time, business_time_between

BERLIN = ZoneInfo("Europe/Berlin")
OFFICE = CalendarSpec(
    time_zone="Europe/Berlin",
    workdays=frozenset(range(5)),
    day_start=time(9),
    day_end=time(17),
    holidays=frozenset({date(2030, 12, 25), date(2030, 12, 26)}),
)


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)  # type: ignore[misc]


def test_the_default_calendar_counts_every_hour() -> None:
    start = datetime(2030, 3, 2, 22, 0, tzinfo=UTC)  # a Saturday night
    assert add_business_time(start, timedelta(hours=4), CalendarSpec.always()) == start + timedelta(hours=4)


def test_four_hours_from_friday_afternoon_end_on_monday_morning() -> None:
    # given Friday 2030-03-08 15:00 in Berlin, two working hours left that day
    start = berlin(2030, 3, 8, 15, 0)
    # when
    due = add_business_time(start, timedelta(hours=4), OFFICE)
    # then the other two hours are Monday 09:00-11:00
    assert due == berlin(2030, 3, 11, 11, 0)


def test_a_start_outside_working_hours_waits_for_the_next_window() -> None:
    assert add_business_time(berlin(2030, 3, 5, 20, 0), timedelta(hours=1), OFFICE) == berlin(2030, 3, 6, 10)
    assert add_business_time(berlin(2030, 3, 5, 7, 0), timedelta(hours=1), OFFICE) == berlin(2030, 3, 5, 10)


def test_holidays_are_skipped() -> None:
    # Tuesday 24 December 16:00 + 2h: one hour that day, Wed 25 and Thu 26 are holidays
    due = add_business_time(berlin(2030, 12, 24, 16, 0), timedelta(hours=2), OFFICE)
    assert due == berlin(2030, 12, 27, 10, 0)


def test_a_deadline_landing_on_the_close_of_day_stays_on_that_day() -> None:
    assert add_business_time(berlin(2030, 3, 5, 9, 0), timedelta(hours=8), OFFICE) == berlin(2030, 3, 5, 17)


def test_a_working_day_across_a_daylight_saving_change_has_its_real_length() -> None:
    # Night shift calendar 00:00-24:00 on Sundays only; 2030-03-31 is 23 hours long in Berlin
    sundays = CalendarSpec(time_zone="Europe/Berlin", workdays=frozenset({6}))
    start = berlin(2030, 3, 31, 0, 0)
    assert business_time_between(start, start + timedelta(days=2), sundays) == timedelta(hours=23)


def test_a_calendar_without_working_days_is_refused() -> None:
    with pytest.raises(ValueError, match="working weekday"):
        CalendarSpec(workdays=frozenset())


def test_a_naive_start_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        add_business_time(datetime(2030, 1, 1), timedelta(hours=1), OFFICE)


calendars = st.builds(
    CalendarSpec,
    time_zone=st.sampled_from(["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"]),
    workdays=st.frozensets(st.integers(0, 6), min_size=1),
    day_start=st.sampled_from([time(0), time(8), time(9, 30)]),
    day_end=st.sampled_from([time(0), time(17), time(18, 45)]),
    holidays=st.frozensets(st.dates(date(2029, 12, 1), date(2031, 3, 1)), max_size=40),
)
starts = st.datetimes(datetime(2030, 1, 1), datetime(2030, 12, 31), timezones=st.just(UTC))
durations = st.timedeltas(timedelta(0), timedelta(days=10)).map(
    lambda d: timedelta(seconds=int(d.total_seconds()))
)


@settings(max_examples=300, deadline=None)
@given(calendar=calendars, start=starts, duration=durations)
def test_a_business_deadline_is_never_earlier_than_the_calendar_deadline(
    calendar: CalendarSpec, start: datetime, duration: timedelta
) -> None:
    assert add_business_time(start, duration, calendar) >= start + duration


@settings(max_examples=300, deadline=None)
@given(calendar=calendars, start=starts, duration=durations.filter(lambda d: d > timedelta(0)))
def test_a_business_deadline_falls_on_a_working_day_inside_working_hours(
    calendar: CalendarSpec, start: datetime, duration: timedelta
) -> None:
    due = add_business_time(start, duration, calendar)
    # the instant just before the deadline is working time: a working day, not a holiday
    just_before = due - timedelta(microseconds=1)
    local_day = just_before.astimezone(calendar.zone).date()
    assert calendar.is_working_day(local_day)
    opens, closes = calendar.window(local_day)
    assert opens <= just_before < closes


@settings(max_examples=300, deadline=None)
@given(calendar=calendars, start=starts, duration=durations)
def test_the_working_time_up_to_the_deadline_is_exactly_the_duration(
    calendar: CalendarSpec, start: datetime, duration: timedelta
) -> None:
    due = add_business_time(start, duration, calendar)
    assert business_time_between(start, due, calendar) == duration


@settings(max_examples=200, deadline=None)
@given(calendar=calendars, start=starts, shorter=durations, extra=durations)
def test_a_longer_duration_never_gives_an_earlier_deadline(
    calendar: CalendarSpec, start: datetime, shorter: timedelta, extra: timedelta
) -> None:
    assert add_business_time(start, shorter, calendar) <= add_business_time(start, shorter + extra, calendar)
