"""A tree-walking interpreter for checked expression trees.

Only node types admitted by `parser.py` reach this module; anything else is a bug and
fails as `evaluation_failed`. Every exception is turned into ExpressionError at the
boundary (`run`), so callers only ever see that one type.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from .errors import EVALUATION_FAILED, ExpressionError, error_from_exception
from .functions import FUNCTION_TABLE
from .operators import BINARY, COMPARE, UNARY
from .parser import ALIASES, char_offset
from .values import aware, export, fail, from_data, type_name

DATETIME_FIELDS: dict[str, Callable[[datetime], int]] = {
    "year": lambda d: d.year,
    "month": lambda d: d.month,
    "day": lambda d: d.day,
    "hour": lambda d: d.hour,
    "minute": lambda d: d.minute,
    "second": lambda d: d.second,
    "weekday": lambda d: d.weekday(),
}
"""The only attributes readable on a value that is not an object: parts of a datetime."""


def resolve_now(now: datetime | None) -> datetime:
    """Return the evaluation clock: `now` (naive means UTC) or the current UTC time."""
    if now is None:
        return datetime.now(UTC)
    if not isinstance(now, datetime):
        raise ExpressionError(EVALUATION_FAILED, f"now must be a datetime, not {type(now).__name__}")
    return aware(now)


def run(tree: ast.Expression, text: str, lead: int, context: Mapping[str, Any], now: datetime | None) -> Any:
    """Evaluate a checked tree against `context`; return a fresh copy of the result."""
    try:
        if not isinstance(context, Mapping):
            raise ExpressionError(EVALUATION_FAILED, "the context must be a mapping of root names to data")
        if now is not None:
            now = resolve_now(now)
        return export(_Evaluation(text, lead, context, now).eval(tree.body))
    except ExpressionError:
        raise
    except Exception as exc:
        raise error_from_exception(exc) from exc


class _Evaluation:
    """The state of one evaluation: the data, the clock and the source (for offsets)."""

    __slots__ = ("context", "lead", "now", "text")

    def __init__(self, text: str, lead: int, context: Mapping[str, Any], now: datetime | None) -> None:
        self.text = text
        self.lead = lead
        self.context = context
        self.now = now

    def eval(self, node: ast.AST) -> Any:
        return _HANDLERS[type(node)](self, node)

    def located(self, error: ExpressionError, node: ast.AST) -> ExpressionError:
        if error.offset is None:
            error.offset = char_offset(self.text, node.lineno, node.col_offset, self.lead)  # type: ignore[attr-defined]
        return error

    def clock(self) -> datetime:
        if self.now is None:
            self.now = datetime.now(UTC)
        return self.now

    def constant(self, node: ast.Constant) -> Any:
        return node.value

    def name(self, node: ast.Name) -> Any:
        if node.id in ALIASES:
            return ALIASES[node.id]
        return from_data(self.context.get(node.id))

    def sequence(self, node: ast.List | ast.Tuple) -> list[Any]:
        return [self.eval(element) for element in node.elts]

    def mapping(self, node: ast.Dict) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in zip(node.keys, node.values, strict=True):
            key = self.eval(key_node)  # type: ignore[arg-type]
            if not isinstance(key, str):
                raise self.located(
                    ExpressionError(EVALUATION_FAILED, f"object keys must be strings, not {type_name(key)}"),
                    node,
                )
            result[key] = self.eval(value_node)
        return result

    def bool_op(self, node: ast.BoolOp) -> Any:
        want_true = isinstance(node.op, ast.Or)
        result: Any = None
        for value in node.values:
            result = self.eval(value)
            if bool(result) is want_true:
                return result
        return result

    def unary(self, node: ast.UnaryOp) -> Any:
        operand = self.eval(node.operand)
        try:
            return UNARY[type(node.op)](operand)
        except ExpressionError as error:
            raise self.located(error, node) from None

    def binary(self, node: ast.BinOp) -> Any:
        left = self.eval(node.left)
        right = self.eval(node.right)
        try:
            return BINARY[type(node.op)](left, right)
        except ExpressionError as error:
            raise self.located(error, node) from None
        except (ArithmeticError, ValueError, TypeError) as exc:
            raise self.located(error_from_exception(exc), node) from exc

    def compare(self, node: ast.Compare) -> bool:
        left = self.eval(node.left)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = self.eval(right_node)
            try:
                if not COMPARE[type(op)](left, right):
                    return False
            except ExpressionError as error:
                raise self.located(error, node) from None
            left = right
        return True

    def if_exp(self, node: ast.IfExp) -> Any:
        return self.eval(node.body) if self.eval(node.test) else self.eval(node.orelse)

    def attribute(self, node: ast.Attribute) -> Any:
        target = self.eval(node.value)
        if target is None:
            return None
        if isinstance(target, Mapping):
            return from_data(target.get(node.attr))
        if isinstance(target, datetime) and node.attr in DATETIME_FIELDS:
            return DATETIME_FIELDS[node.attr](target)
        message = f"cannot read .{node.attr} of {type_name(target)}"
        if isinstance(target, datetime):
            message += f" (a datetime has {', '.join(DATETIME_FIELDS)})"
        raise self.located(ExpressionError(EVALUATION_FAILED, message), node)

    def subscript(self, node: ast.Subscript) -> Any:
        target = self.eval(node.value)
        try:
            if isinstance(node.slice, ast.Slice):
                lower = self.eval(node.slice.lower) if node.slice.lower is not None else None
                upper = self.eval(node.slice.upper) if node.slice.upper is not None else None
                return _slice(target, lower, upper)
            return _item(target, self.eval(node.slice))
        except ExpressionError as error:
            raise self.located(error, node) from None

    def call(self, node: ast.Call) -> Any:
        function = FUNCTION_TABLE[node.func.id]  # type: ignore[attr-defined]
        args = [self.eval(arg) for arg in node.args]
        if function.uses_clock:
            args.insert(0, self.clock())
        try:
            return function.impl(*args)
        except ExpressionError as error:
            raise self.located(error, node) from None
        except (ArithmeticError, ValueError, TypeError) as exc:
            raise self.located(error_from_exception(exc), node) from exc


def _item(target: Any, key: Any) -> Any:
    if target is None:
        return None
    if isinstance(target, Mapping):
        if isinstance(key, list | Mapping):
            fail(f"object keys are strings, not {type_name(key)}")
        return from_data(target.get(key))
    if isinstance(target, list | str):
        if not isinstance(key, int) or isinstance(key, bool):
            fail(f"a {type_name(target)} index must be an integer, not {type_name(key)}")
        return from_data(target[key]) if -len(target) <= key < len(target) else None
    fail(f"cannot index {type_name(target)}")


def _slice(target: Any, lower: Any, upper: Any) -> Any:
    for bound in (lower, upper):
        if bound is not None and (not isinstance(bound, int) or isinstance(bound, bool)):
            fail(f"slice bounds must be integers, not {type_name(bound)}")
    if target is None:
        return None
    if isinstance(target, list | str):
        return target[lower:upper]
    fail(f"cannot slice {type_name(target)}")


_HANDLERS: dict[type[ast.AST], Callable[[_Evaluation, Any], Any]] = {
    ast.Constant: _Evaluation.constant,
    ast.Name: _Evaluation.name,
    ast.List: _Evaluation.sequence,
    ast.Tuple: _Evaluation.sequence,
    ast.Dict: _Evaluation.mapping,
    ast.BoolOp: _Evaluation.bool_op,
    ast.UnaryOp: _Evaluation.unary,
    ast.BinOp: _Evaluation.binary,
    ast.Compare: _Evaluation.compare,
    ast.IfExp: _Evaluation.if_exp,
    ast.Attribute: _Evaluation.attribute,
    ast.Subscript: _Evaluation.subscript,
    ast.Call: _Evaluation.call,
}
