"""Cron schedules in a time zone: checking, next due times, and what a late check does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from workflows.waits.cron import ScheduleError, check_cron, check_timezone, next_after, plan

MINUTE = timedelta(seconds=60)


def at(hour: int, minute: int, second: int = 0, day: int = 1) -> datetime:
    return datetime(2030, 1, day, hour, minute, second, tzinfo=UTC)


@pytest.mark.parametrize("text", ["", "* * * *", "* * * * * *", "61 * * * *", "every minute", None, 5])
def test_a_cron_expression_needs_five_valid_fields(text: object) -> None:
    with pytest.raises(ScheduleError) as raised:
        check_cron(text)
    assert raised.value.field == "cron"


def test_a_cron_expression_is_normalised_to_single_spaces() -> None:
    assert check_cron("  */5   9-17 * *  1-5 ") == "*/5 9-17 * * 1-5"


def test_an_unknown_time_zone_is_refused_naming_the_field() -> None:
    with pytest.raises(ScheduleError) as raised:
        check_timezone("Mars/Olympus_Mons")
    assert raised.value.field == "timezone"


def test_the_next_due_time_is_strictly_after_the_moment() -> None:
    assert next_after("* * * * *", "UTC", at(12, 0)) == at(12, 1)
    assert next_after("* * * * *", "UTC", at(12, 0, 1)) == at(12, 1)


def test_due_times_follow_the_schedules_time_zone_across_daylight_saving() -> None:
    # 09:00 in Berlin is 08:00 UTC in winter and 07:00 UTC in summer
    winter = next_after("0 9 * * *", "Europe/Berlin", datetime(2030, 1, 10, 12, tzinfo=UTC))
    summer = next_after("0 9 * * *", "Europe/Berlin", datetime(2030, 7, 10, 12, tzinfo=UTC))
    assert (winter.hour, summer.hour) == (8, 7)


def test_a_check_on_time_starts_the_due_run_and_waits_for_the_next_minute() -> None:
    result = plan("* * * * *", "UTC", due=at(12, 0), now=at(12, 0, 2), run_missed_once=False, grace=MINUTE)
    assert (result.scheduled_for, result.start, result.missed, result.next_run_at) == (
        at(12, 0),
        True,
        0,
        at(12, 1),
    )


def test_after_an_outage_the_latest_due_time_runs_if_recent_and_earlier_ones_count_as_missed() -> None:
    result = plan("* * * * *", "UTC", due=at(11, 0), now=at(12, 0, 30), run_missed_once=False, grace=MINUTE)
    assert (result.scheduled_for, result.start, result.missed) == (at(12, 0), True, 60)


def test_skip_policy_records_a_long_outage_as_skipped_without_starting() -> None:
    result = plan("0 * * * *", "UTC", due=at(9, 0), now=at(12, 30), run_missed_once=False, grace=MINUTE)
    assert (result.scheduled_for, result.start, result.missed, result.next_run_at) == (
        at(12, 0),
        False,
        4,
        at(13, 0),
    )


def test_run_once_policy_starts_a_single_run_for_a_long_outage() -> None:
    result = plan("0 * * * *", "UTC", due=at(9, 0), now=at(12, 30), run_missed_once=True, grace=MINUTE)
    assert (result.scheduled_for, result.start, result.missed) == (at(12, 0), True, 4)
