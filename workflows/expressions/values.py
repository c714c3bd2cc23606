"""The value model: what expressions compute with, and how values become text.

Values are JSON data (None, bool, int, float, str, list, dict with string keys) plus
timezone-aware `datetime` and `timedelta`. Anything read from the context is normalised
on access (`from_data`); anything returned to a caller is copied and checked (`export`),
so no other Python object ever reaches an expression or leaves one.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, NoReturn
from uuid import UUID

from .errors import EVALUATION_FAILED, ExpressionError

MAX_INT = 10**18
"""Largest absolute value of an integer literal or result."""
MAX_SIZE = 100_000
"""Longest string (characters) or list (items) an operation may produce."""
MAX_VALUE_DEPTH = 100
"""Deepest nesting of lists/objects accepted when copying or walking a value."""
MAX_EXPORT_ITEMS = 1_000_000
"""Most values (containers and scalars) a result may hold."""

_MICROS_PER = {"D": 86_400_000_000, "H": 3_600_000_000, "M": 60_000_000}
_DURATION = re.compile(
    r"^(?P<sign>-)?P(?:(?P<weeks>\d{1,9})W)?(?:(?P<days>\d{1,9})D)?"
    r"(?:T(?:(?P<hours>\d{1,11})H)?(?:(?P<minutes>\d{1,12})M)?(?:(?P<seconds>\d{1,14}(?:[.,]\d{1,6})?)S)?)?$"
)


def fail(message: str) -> NoReturn:
    """Raise an `evaluation_failed` error (the evaluator adds the offset)."""
    raise ExpressionError(EVALUATION_FAILED, message)


def type_name(value: Any) -> str:
    """Name a value's type the way a workflow author would."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "list"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, datetime):
        return "datetime"
    if isinstance(value, timedelta):
        return "duration"
    return type(value).__name__


def is_number(value: Any) -> bool:
    """True for int and float, not bool (booleans are not numbers here)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def check_number(value: Any) -> int | float:
    """Return `value` if it is a finite number within the integer bound, else fail."""
    if isinstance(value, int):
        if -MAX_INT <= value <= MAX_INT:
            return value
        fail("integer result out of range (limit is 10**18)")
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        fail("number result out of range")
    fail(f"result is a {type_name(value)}, not a number")


def check_size(size: int, what: str) -> None:
    """Fail before building a string or list longer than `MAX_SIZE`."""
    if size > MAX_SIZE:
        fail(f"{what} would be longer than {MAX_SIZE} (got {size})")


def aware(value: datetime) -> datetime:
    """Return `value` with a timezone; naive date-times are taken as UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def from_data(value: Any) -> Any:
    """Normalise one value read from the context (shallow; containers are read lazily)."""
    if value is None or isinstance(value, str | bool | int | float | list | Mapping | timedelta):
        return value
    if isinstance(value, datetime):
        return aware(value)
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            fail("number in the data is not finite")
        return int(value) if value == value.to_integral_value() else float(value)
    fail(f"a value of type {type(value).__name__} cannot be used in an expression")


def export(value: Any) -> Any:
    """Return a fresh, checked copy of a result: JSON data, datetimes and durations only.

    Containers are always copied, so a result never shares lists or dicts with the context.
    At most `MAX_EXPORT_ITEMS` values are copied, however the containers alias each other.
    """
    return _Exporter().copy(value, 0)


class _Exporter:
    __slots__ = ("budget",)

    def __init__(self) -> None:
        self.budget = MAX_EXPORT_ITEMS

    def copy(self, value: Any, depth: int) -> Any:
        self.budget -= 1
        if self.budget < 0:
            fail(f"result holds more than {MAX_EXPORT_ITEMS} values")
        if depth > MAX_VALUE_DEPTH:
            fail("value nested too deeply")
        value = from_data(value)
        if isinstance(value, list):
            return [self.copy(item, depth + 1) for item in value]
        if isinstance(value, Mapping):
            return {_key(key): self.copy(item, depth + 1) for key, item in value.items()}
        return value


def _key(key: Any) -> str:
    if isinstance(key, str):
        return key
    if is_number(key) or isinstance(key, bool | UUID):
        return to_text(key)
    fail(f"object keys must be strings, not {type_name(key)}")


def to_text(value: Any) -> str:
    """Convert a value to text: null is "", booleans are true/false, datetimes and
    durations are ISO 8601, lists and objects are JSON."""
    value = from_data(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, timedelta):
        return format_duration(value)
    text = json.dumps(export(value), ensure_ascii=False, default=_json_default)
    check_size(len(text), "text")
    return text


def to_json(value: Any) -> Any:
    """Return `value` as plain JSON data, for storing: datetimes become ISO 8601 text,
    durations ISO 8601 durations, tuples lists. Other values are returned unchanged
    (results of evaluation are already checked copies)."""
    if isinstance(value, datetime):
        return aware(value).isoformat()
    if isinstance(value, timedelta):
        return format_duration(value)
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    if isinstance(value, Mapping):
        return {key: to_json(item) for key, item in value.items()}
    return value


def _json_default(value: Any) -> str:
    if isinstance(value, datetime | timedelta):
        return to_text(value)
    fail(f"cannot convert {type_name(value)} to JSON")


def format_duration(value: timedelta) -> str:
    """Format a duration as ISO 8601 (`P1DT2H30M`, `PT0.5S`, `-PT1H`)."""
    micros = value // timedelta(microseconds=1)
    sign = "-" if micros < 0 else ""
    micros = abs(micros)
    days, micros = divmod(micros, _MICROS_PER["D"])
    hours, micros = divmod(micros, _MICROS_PER["H"])
    minutes, micros = divmod(micros, _MICROS_PER["M"])
    seconds, micros = divmod(micros, 1_000_000)
    time = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    if seconds or micros:
        time += f"{seconds}.{micros:06d}".rstrip("0") + "S" if micros else f"{seconds}S"
    date = f"{days}D" if days else ""
    if not date and not time:
        return "PT0S"
    return f"{sign}P{date}" + (f"T{time}" if time else "")


def parse_duration(text: str) -> timedelta:
    """Parse an ISO 8601 duration of weeks, days, hours, minutes and seconds (`PT2H`, `P1W`).

    Years and months are rejected: their length depends on the calendar.
    """
    match = _DURATION.match(text.strip()) if len(text) <= 64 else None
    if match is None or text.strip() in ("P", "-P") or text.strip().endswith("T"):
        fail(f"{text[:64]!r} is not an ISO 8601 duration such as 'PT2H' or 'P1DT30M'")
    parts = match.groupdict()
    seconds = float(parts["seconds"].replace(",", ".")) if parts["seconds"] else 0.0
    result = timedelta(
        weeks=int(parts["weeks"] or 0),
        days=int(parts["days"] or 0),
        hours=int(parts["hours"] or 0),
        minutes=int(parts["minutes"] or 0),
        seconds=seconds,
    )
    return -result if parts["sign"] else result
