"""The allow-listed functions. Nothing else can be called from an expression.

Each function takes plain values and returns a value of the model in `values.py`.
String functions pass null through (`lower(null)` is null) so a missing field reads as
"not equal" rather than failing; `len(null)` is 0.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .operators import contains
from .values import aware, check_number, check_size, fail, is_number, parse_duration, to_text, type_name


@dataclass(frozen=True, slots=True)
class Function:
    """One allow-listed function: its arity (checked when compiling) and its help text."""

    name: str
    impl: Callable[..., Any]
    min_args: int
    max_args: int | None
    signature: str
    summary: str
    uses_clock: bool = False

    def arity_problem(self, count: int) -> str | None:
        """Describe what is wrong with calling this function with `count` arguments."""
        if self.min_args <= count and (self.max_args is None or count <= self.max_args):
            return None
        if self.max_args is None:
            wanted = f"at least {self.min_args}"
        elif self.min_args == self.max_args:
            wanted = str(self.min_args)
        else:
            wanted = f"{self.min_args} to {self.max_args}"
        return f"{self.signature} takes {wanted} argument{'s' if wanted != '1' else ''}, got {count}"


def _text(name: str, value: Any) -> str:
    if not isinstance(value, str):
        fail(f"{name}() needs a string, not {type_name(value)}")
    return value


def _len(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, str | list | Mapping):
        return len(value)
    fail(f"len() needs a string, list or object, not {type_name(value)}")


def _string_function(name: str, method: Callable[[str], str]) -> Callable[[Any], str | None]:
    def apply(value: Any) -> str | None:
        if value is None:
            return None
        result = method(_text(name, value))
        check_size(len(result), "string")
        return result

    return apply


def _duration_unit(unit: str) -> Callable[[Any], timedelta]:
    def make(amount: Any) -> timedelta:
        if not is_number(amount):
            fail(f"{unit}() needs a number, not {type_name(amount)}")
        return timedelta(**{unit: amount})

    return make


def _str(value: Any) -> str:
    text = to_text(value)
    check_size(len(text), "string")
    return text


def _int(value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            fail("int() needs a finite number")
        return int(check_number(int(value)))
    if isinstance(value, str):
        text = value.strip()
        try:
            number = int(text) if len(text) <= 40 else None
        except ValueError:
            number = None
        if number is None:
            fail(f"int() cannot read {value[:40]!r} as an integer")
        return int(check_number(number))
    fail(f"int() needs a number or string, not {type_name(value)}")


def _float(value: Any) -> float:
    if is_number(value) or isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            number = float(value) if len(value) <= 64 else math.nan
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            fail(f"float() cannot read {value[:40]!r} as a finite number")
        return number
    fail(f"float() needs a number or string, not {type_name(value)}")


def _round(value: Any, digits: Any = None) -> int | float:
    if not is_number(value):
        fail(f"round() needs a number, not {type_name(value)}")
    if digits is None:
        return check_number(round(value))
    if not isinstance(digits, int) or isinstance(digits, bool) or not -18 <= digits <= 18:
        fail("round() needs a number of digits between -18 and 18")
    return check_number(round(value, digits))


def _abs(value: Any) -> int | float | timedelta:
    if is_number(value):
        return check_number(abs(value))
    if isinstance(value, timedelta):
        return abs(value)
    fail(f"abs() needs a number or duration, not {type_name(value)}")


def _extreme(name: str, pick: Callable[[list[Any]], Any]) -> Callable[..., Any]:
    def apply(*args: Any) -> Any:
        if len(args) == 1:
            if not isinstance(args[0], list):
                fail(f"{name}() needs a list or at least two values")
            items = args[0]
        else:
            items = list(args)
        if not items:
            fail(f"{name}() of an empty list")
        try:
            return pick(items)
        except TypeError:
            fail(f"{name}() cannot compare values of different types")

    return apply


def _sum(items: Any) -> int | float:
    if not isinstance(items, list):
        fail(f"sum() needs a list, not {type_name(items)}")
    total: int | float = 0
    for item in items:
        if not is_number(item):
            fail(f"sum() needs a list of numbers, found {type_name(item)}")
        total = check_number(total + item)
    return total


def _affix(name: str, test: Callable[[str, str], bool]) -> Callable[[Any, Any], bool]:
    def apply(value: Any, affix: Any) -> bool:
        if value is None:
            return False
        return test(_text(name, value), _text(name, affix))

    return apply


def _join(items: Any, separator: Any = "") -> str:
    if items is None:
        return ""
    if not isinstance(items, list):
        fail(f"join() needs a list, not {type_name(items)}")
    glue = _text("join", separator)
    parts: list[str] = []
    size = 0
    for item in items:
        part = to_text(item)
        size += len(part) + len(glue)
        check_size(size, "joined string")
        parts.append(part)
    return glue.join(parts)


def _datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return aware(value)
    text = _text("datetime", value).strip()
    try:
        parsed = datetime.fromisoformat(text) if len(text) <= 64 else None
    except ValueError:
        parsed = None
    if parsed is None:
        fail(f"datetime() cannot read {text[:40]!r} as an ISO 8601 date-time")
    return aware(parsed)


def _duration(value: Any) -> timedelta:
    if isinstance(value, timedelta):
        return value
    return parse_duration(_text("duration", value))


_TABLE = [
    Function("len", _len, 1, 1, "len(x)", "Length of a string, list or object; 0 for null."),
    Function(
        "lower",
        _string_function("lower", str.lower),
        1,
        1,
        "lower(s)",
        "Lower-case string (null stays null).",
    ),
    Function(
        "upper",
        _string_function("upper", str.upper),
        1,
        1,
        "upper(s)",
        "Upper-case string (null stays null).",
    ),
    Function(
        "trim", _string_function("trim", str.strip), 1, 1, "trim(s)", "String without surrounding whitespace."
    ),
    Function(
        "now", lambda clock: clock, 0, 0, "now()", "Current time (timezone-aware, UTC).", uses_clock=True
    ),
    Function("days", _duration_unit("days"), 1, 1, "days(n)", "Duration of n days."),
    Function("hours", _duration_unit("hours"), 1, 1, "hours(n)", "Duration of n hours."),
    Function("minutes", _duration_unit("minutes"), 1, 1, "minutes(n)", "Duration of n minutes."),
    Function("seconds", _duration_unit("seconds"), 1, 1, "seconds(n)", "Duration of n seconds."),
    Function("duration", _duration, 1, 1, "duration(s)", "Parse an ISO 8601 duration such as 'PT2H'."),
    Function("datetime", _datetime, 1, 1, "datetime(s)", "Parse an ISO 8601 date-time (naive means UTC)."),
    Function("str", _str, 1, 1, "str(x)", "Text of a value, as a template would print it."),
    Function("int", _int, 1, 1, "int(x)", "Integer from a number (truncated) or a string."),
    Function("float", _float, 1, 1, "float(x)", "Number from an integer or a string."),
    Function("bool", bool, 1, 1, "bool(x)", "Truthiness: null, 0, '', [] and {} are false."),
    Function("round", _round, 1, 2, "round(x, digits)", "Round to an integer, or to `digits` places."),
    Function("abs", _abs, 1, 1, "abs(x)", "Absolute value of a number or duration."),
    Function("min", _extreme("min", min), 1, None, "min(list) / min(a, b, ...)", "Smallest value."),
    Function("max", _extreme("max", max), 1, None, "max(list) / max(a, b, ...)", "Largest value."),
    Function("sum", _sum, 1, 1, "sum(list)", "Sum of a list of numbers."),
    Function("contains", lambda c, i: contains(c, i), 2, 2, "contains(c, x)", "Same as `x in c`."),
    Function(
        "startswith", _affix("startswith", str.startswith), 2, 2, "startswith(s, p)", "s starts with p."
    ),
    Function("endswith", _affix("endswith", str.endswith), 2, 2, "endswith(s, p)", "s ends with p."),
    Function("join", _join, 1, 2, "join(list, sep)", "Items as text joined by sep (default '')."),
    Function("default", lambda v, f: f if v is None else v, 2, 2, "default(x, y)", "x, or y when x is null."),
]

FUNCTION_TABLE: Mapping[str, Function] = {function.name: function for function in _TABLE}
FUNCTIONS: frozenset[str] = frozenset(FUNCTION_TABLE)
FUNCTION_HELP: Mapping[str, str] = {f.name: f"{f.signature}: {f.summary}" for f in _TABLE}
