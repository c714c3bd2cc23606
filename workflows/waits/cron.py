"""Cron schedules in a time zone, as pure functions (croniter and zoneinfo, no Django).

A schedule is due at each time its five-field cron expression names, in its time zone
(so "0 9 * * 1-5" is 09:00 local time through daylight-saving changes). `plan` decides
what one check does at `now` given the due time the schedule was waiting for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter

MAX_COUNTED = 10_000
"""Missed due times are counted up to this many (a per-minute schedule down for a week)."""


class ScheduleError(ValueError):
    """A cron expression or time zone that cannot be used; `field` names which."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def check_cron(expression: object) -> str:
    """The expression, normalised; five fields (minute granularity). Raises ScheduleError."""
    if not isinstance(expression, str) or not expression.strip():
        raise ScheduleError("cron", "must be a cron expression such as '*/5 * * * *'")
    normalised = " ".join(expression.split())
    if len(normalised.split(" ")) != 5:
        raise ScheduleError("cron", "must have five fields: minute hour day-of-month month day-of-week")
    if not croniter.is_valid(normalised):
        raise ScheduleError("cron", f"{normalised!r} is not a valid cron expression")
    return normalised


def check_timezone(name: object) -> ZoneInfo:
    """The zone named `name` (IANA, e.g. Europe/Berlin). Raises ScheduleError."""
    if not isinstance(name, str) or not name or len(name) > 64:
        raise ScheduleError("timezone", "must be an IANA time zone name such as Europe/Berlin")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError("timezone", f"{name!r} is not a known time zone") from None


def next_after(expression: str, zone: str, moment: datetime) -> datetime:
    """The first due time strictly after `moment` (aware), in UTC."""
    local = moment.astimezone(check_timezone(zone))
    found: datetime = croniter(expression, local).get_next(datetime)
    return found.astimezone(UTC)


def latest_at_or_before(expression: str, zone: str, moment: datetime) -> datetime:
    """The last due time at or before `moment`, in UTC."""
    local = (moment + timedelta(seconds=1)).astimezone(check_timezone(zone))
    found: datetime = croniter(expression, local).get_prev(datetime)
    return found.astimezone(UTC)


@dataclass(frozen=True)
class Plan:
    """What one check does: start an instance for `scheduled_for` (`start`), or record it
    skipped; `missed` earlier due times passed unchecked; then wait for `next_run_at`."""

    scheduled_for: datetime
    start: bool
    missed: int
    next_run_at: datetime


def plan(
    expression: str, zone: str, *, due: datetime, now: datetime, run_missed_once: bool, grace: timedelta
) -> Plan:
    """Decide a check at `now` of a schedule that was due at `due` (<= now).

    The latest due time at or before `now` runs when it is within `grace` of `now` (a
    beat a little late is on time); the due times before it were missed. When even the
    latest is older than `grace`, all were missed: `run_missed_once` starts one run for
    the latest, otherwise it is recorded as skipped. Never more than one run per check.
    """
    latest = latest_at_or_before(expression, zone, now)
    latest = max(latest, due)
    count = 1
    times = croniter(expression, due.astimezone(check_timezone(zone)))
    while count <= MAX_COUNTED and times.get_next(datetime).astimezone(UTC) <= latest:
        count += 1
    on_time = now - latest <= grace
    missed = count - 1 if on_time else count
    return Plan(
        scheduled_for=latest,
        start=on_time or run_missed_once,
        missed=missed,
        next_run_at=next_after(expression, zone, now),
    )
