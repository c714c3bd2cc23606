"""ISO 8601 durations (`PT2H`, `P1D`, `P1M`, `P2W`) applied to aware datetimes."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

_PATTERN = re.compile(
    r"^P(?!$)(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)


@dataclass(frozen=True, slots=True)
class Duration:
    """A calendar-aware duration: months and years move the calendar, the rest is exact time."""

    months: int
    delta: timedelta

    @classmethod
    def parse(cls, text: str) -> Duration:
        """Parse an ISO 8601 duration. Raises ValueError naming the text when it is not one."""
        match = _PATTERN.match(text.strip().upper()) if isinstance(text, str) else None
        if match is None:
            raise ValueError(f"not an ISO 8601 duration: {text!r}")
        part = {k: (v or "0") for k, v in match.groupdict().items()}
        delta = timedelta(
            weeks=int(part["weeks"]),
            days=int(part["days"]),
            hours=int(part["hours"]),
            minutes=int(part["minutes"]),
            seconds=float(part["seconds"]),
        )
        return cls(months=int(part["years"]) * 12 + int(part["months"]), delta=delta)

    def after(self, moment: datetime) -> datetime:
        """Return `moment` plus this duration; a month step clamps to the month's last day."""
        if self.months:
            total = moment.year * 12 + (moment.month - 1) + self.months
            year, month = divmod(total, 12)
            day = min(moment.day, calendar.monthrange(year, month + 1)[1])
            moment = moment.replace(year=year, month=month + 1, day=day)
        return moment + self.delta
