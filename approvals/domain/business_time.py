"""Deadlines in business time: working days, working hours, holidays, a time zone.

`add_business_time(start, duration, calendar)` answers "when is `duration` of
working time used up, starting at `start`?". Arithmetic is done in UTC between
window bounds built in the calendar's zone, so a daylight-saving change inside a
working day gives that day its real length.

Guarantees (property-tested in tests/unit/approvals/test_business_time.py):
the result is never earlier than `start + duration`; for a positive duration it
falls inside a working window (a working weekday, not a holiday, between the
day's start and end); and the working time between `start` and the result is
exactly `duration`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MIDNIGHT = time(0, 0)
ALL_WEEK = frozenset(range(7))
MAX_SEARCH_DAYS = 366 * 20
"""A calendar whose holidays swallow twenty years of working days is refused, not looped on."""


@dataclass(frozen=True, slots=True)
class CalendarSpec:
    """A working-time calendar. `workdays` uses Monday=0; `day_end` of 00:00 means midnight (24:00)."""

    time_zone: str = "UTC"
    workdays: frozenset[int] = ALL_WEEK
    day_start: time = MIDNIGHT
    day_end: time = MIDNIGHT
    holidays: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if not self.workdays or not self.workdays <= ALL_WEEK:
            raise ValueError("a calendar needs at least one working weekday (0=Monday .. 6=Sunday)")
        if self.day_end != MIDNIGHT and self.day_end <= self.day_start:
            raise ValueError("the working day must end after it starts")
        ZoneInfo(self.time_zone)  # raises ZoneInfoNotFoundError (a KeyError) for an unknown zone

    @classmethod
    def always(cls) -> CalendarSpec:
        """The default calendar: every hour of every day counts (24x7)."""
        return cls()

    @property
    def is_continuous(self) -> bool:
        return (
            self.workdays == ALL_WEEK
            and self.day_start == MIDNIGHT
            and self.day_end == MIDNIGHT
            and not self.holidays
        )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.workdays and day not in self.holidays

    def window(self, day: date) -> tuple[datetime, datetime]:
        """The working window of `day` as aware UTC datetimes (the day need not be a working day)."""
        zone = self.zone
        opens = datetime.combine(day, self.day_start, tzinfo=zone)
        if self.day_end == MIDNIGHT:
            closes = datetime.combine(day + timedelta(days=1), MIDNIGHT, tzinfo=zone)
        else:
            closes = datetime.combine(day, self.day_end, tzinfo=zone)
        return opens.astimezone(UTC), closes.astimezone(UTC)

    def windows_from(self, moment: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working windows (UTC) that end after `moment`, in order, starting on `moment`'s local day."""
        day = moment.astimezone(self.zone).date() - timedelta(days=1)  # a window may span midnight UTC
        for _ in range(MAX_SEARCH_DAYS):
            if self.is_working_day(day):
                opens, closes = self.window(day)
                if closes > moment:
                    yield max(opens, moment), closes
            day += timedelta(days=1)
        raise ValueError("the calendar has no working time in the next twenty years")


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("business time needs an aware datetime")
    return moment.astimezone(UTC)


def add_business_time(start: datetime, duration: timedelta, calendar: CalendarSpec) -> datetime:
    """Return the moment at which `duration` of working time, counted from `start`, is used up.

    A zero duration returns `start` unchanged. The result is an aware UTC datetime.
    """
    if duration < timedelta(0):
        raise ValueError("a business duration cannot be negative")
    start = _aware(start)
    if duration == timedelta(0) or calendar.is_continuous:
        return start + duration
    remaining = duration
    for opens, closes in calendar.windows_from(start):
        available = closes - opens
        if remaining <= available:
            return opens + remaining
        remaining -= available
    raise AssertionError("unreachable: windows_from raises when it runs out")  # pragma: no cover


def business_time_between(start: datetime, end: datetime, calendar: CalendarSpec) -> timedelta:
    """The working time in [start, end); zero when end <= start."""
    start, end = _aware(start), _aware(end)
    if end <= start:
        return timedelta(0)
    if calendar.is_continuous:
        return end - start
    total = timedelta(0)
    for opens, closes in calendar.windows_from(start):
        if opens >= end:
            break
        total += min(closes, end) - opens
    return total


def holidays_from(dates: Iterable[date]) -> frozenset[date]:
    return frozenset(dates)
