"""Operator semantics: arithmetic with bounds checked before any big allocation, and
comparisons that refuse to order values of unrelated types."""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from .values import check_number, check_size, fail, is_number, type_name

_POW_BITS = 62
"""`a ** b` on integers is refused when the result would need more bits than this."""


def _both_numbers(a: Any, b: Any) -> bool:
    return is_number(a) and is_number(b)


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _cannot(verb: str, a: Any, b: Any, hint: str = "") -> None:
    if not hint and (isinstance(a, str) or isinstance(b, str)):
        hint = " (convert with str(...) or write a template)"
    fail(f"cannot {verb} {type_name(a)} and {type_name(b)}{hint}")


def add(a: Any, b: Any) -> Any:
    """`a + b` for numbers, strings, lists, datetime + duration and duration + duration."""
    if _both_numbers(a, b):
        return check_number(a + b)
    if isinstance(a, str) and isinstance(b, str):
        check_size(len(a) + len(b), "result")
        return a + b
    if isinstance(a, list) and isinstance(b, list):
        check_size(len(a) + len(b), "result")
        return a + b
    if isinstance(a, timedelta) and isinstance(b, datetime | timedelta):
        return b + a
    if isinstance(a, datetime) and isinstance(b, timedelta):
        return a + b
    _cannot("add", a, b)


def subtract(a: Any, b: Any) -> Any:
    """`a - b` for numbers, datetime - duration, datetime - datetime and durations."""
    if _both_numbers(a, b):
        return check_number(a - b)
    if isinstance(a, datetime) and isinstance(b, datetime | timedelta):
        return a - b
    if isinstance(a, timedelta) and isinstance(b, timedelta):
        return a - b
    _cannot("subtract", a, b)


def multiply(a: Any, b: Any) -> Any:
    """`a * b` for numbers, string/list repetition (size checked first), duration * number."""
    if _both_numbers(a, b):
        return check_number(a * b)
    if _is_count(a) and isinstance(b, str | list):
        a, b = b, a
    if isinstance(a, str | list) and _is_count(b):
        check_size(len(a) * max(b, 0), "result")
        if isinstance(a, list) and any(isinstance(item, list | Mapping) for item in a):
            # Repeating containers would alias them, so a small result could stand for a huge value.
            fail("only lists of plain values (not of lists or objects) can be repeated with *")
        return a * b
    if isinstance(a, timedelta) and is_number(b):
        return a * b
    if is_number(a) and isinstance(b, timedelta):
        return b * a
    _cannot("multiply", a, b)


def divide(a: Any, b: Any) -> Any:
    """`a / b` for numbers, duration / number and duration / duration."""
    if _both_numbers(a, b):
        return check_number(a / b)
    if isinstance(a, timedelta) and (is_number(b) or isinstance(b, timedelta)):
        return a / b
    _cannot("divide", a, b)


def floor_divide(a: Any, b: Any) -> Any:
    """`a // b` for numbers, duration // integer and duration // duration."""
    if _both_numbers(a, b):
        return check_number(a // b)
    if isinstance(a, timedelta) and (_is_count(b) or isinstance(b, timedelta)):
        return a // b
    _cannot("divide", a, b)


def modulo(a: Any, b: Any) -> Any:
    """`a % b` for numbers only (no string formatting)."""
    if _both_numbers(a, b):
        return check_number(a % b)
    _cannot("take the remainder of", a, b, " (% works on numbers only)")


def power(a: Any, b: Any) -> Any:
    """`a ** b` for numbers; an integer result that would be too large is refused first."""
    if not _both_numbers(a, b):
        _cannot("raise", a, b, " to a power (** works on numbers only)")
    if (
        isinstance(a, int)
        and isinstance(b, int)
        and b > 0
        and abs(a) > 1
        and b * math.log2(abs(a)) > _POW_BITS
    ):
        fail("result of ** is too large (limit is 10**18)")
    try:
        result = a**b
    except OverflowError:
        fail("result of ** is out of range")
    if isinstance(result, complex):
        fail("result of ** is not a real number")
    return check_number(result)


def negate(a: Any) -> Any:
    """Unary minus on a number or a duration."""
    if is_number(a):
        return check_number(-a)
    if isinstance(a, timedelta):
        return -a
    fail(f"cannot negate {type_name(a)}")


def plus(a: Any) -> Any:
    """Unary plus on a number or a duration."""
    if is_number(a) or isinstance(a, timedelta):
        return a
    fail(f"cannot apply unary + to {type_name(a)}")


def contains(container: Any, item: Any) -> bool:
    """`item in container`: substring, list membership or object key; nothing is in null."""
    if container is None:
        return False
    if isinstance(container, str):
        if not isinstance(item, str):
            fail(f"cannot look for {type_name(item)} in a string")
        return item in container
    if isinstance(container, list):
        return item in container
    if isinstance(container, Mapping):
        if isinstance(item, list | Mapping):
            fail(f"object keys are strings, not {type_name(item)}")
        return item in container
    fail(f"cannot use 'in' on {type_name(container)}")


def _orderable(a: Any, b: Any) -> bool:
    if _both_numbers(a, b):
        return True
    return any(isinstance(a, kind) and isinstance(b, kind) for kind in (str, datetime, timedelta, list))


def _ordering(symbol: str, compare: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def check(a: Any, b: Any) -> bool:
        if not _orderable(a, b):
            fail(f"cannot compare {type_name(a)} with {type_name(b)} using {symbol}")
        try:
            return bool(compare(a, b))
        except TypeError:
            fail(f"cannot compare these lists using {symbol}: their items have different types")

    return check


BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: add,
    ast.Sub: subtract,
    ast.Mult: multiply,
    ast.Div: divide,
    ast.FloorDiv: floor_divide,
    ast.Mod: modulo,
    ast.Pow: power,
}

UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.USub: negate,
    ast.UAdd: plus,
    ast.Not: lambda a: not a,
}

COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Eq: lambda a, b: bool(a == b),
    ast.NotEq: lambda a, b: bool(a != b),
    ast.Lt: _ordering("<", operator.lt),
    ast.LtE: _ordering("<=", operator.le),
    ast.Gt: _ordering(">", operator.gt),
    ast.GtE: _ordering(">=", operator.ge),
    ast.In: lambda a, b: contains(b, a),
    ast.NotIn: lambda a, b: not contains(b, a),
    ast.Is: lambda a, b: a is None,
    ast.IsNot: lambda a, b: a is not None,
}
"""`is` / `is not` are only accepted by the parser with `None`/`null` on the right."""
