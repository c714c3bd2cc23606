"""Parse an expression with `ast.parse` and check it against an allow-list of node types.

Nothing here evaluates anything. The checker walks the tree iteratively (so a hostile
input cannot exhaust the Python stack), enforces the size bounds, rejects every node type
that is not explicitly allowed, and collects the data paths the expression reads.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import (
    BAD_EXPRESSION,
    EXPRESSION_TOO_COMPLEX,
    EXPRESSION_TOO_LONG,
    FORBIDDEN_SYNTAX,
    UNKNOWN_FUNCTION,
    UNKNOWN_NAME,
    ExpressionError,
)
from .functions import FUNCTION_TABLE
from .operators import BINARY, COMPARE, UNARY
from .values import MAX_INT

MAX_EXPRESSION_LENGTH = 2_000
MAX_NODES = 256
MAX_DEPTH = 32

ROOT_NAMES: frozenset[str] = frozenset({"input", "vars", "steps", "instance"})
ALIASES: dict[str, bool | None] = {"true": True, "false": False, "null": None}
"""JSON-style spellings accepted besides Python's True, False and None."""

_NEWLINE = re.compile(r"\r\n|\r|\n")
_FORBIDDEN = {
    ast.Lambda: "lambda functions are not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "generator expressions are not allowed",
    ast.NamedExpr: "assignment expressions (:=) are not allowed",
    ast.JoinedStr: "f-strings are not allowed; use a template or str(...)",
    ast.FormattedValue: "f-strings are not allowed; use a template or str(...)",
    ast.Starred: "starred (*) expressions are not allowed",
    ast.Set: "sets are not allowed; use a list",
    ast.Await: "await is not allowed",
    ast.Yield: "yield is not allowed",
    ast.YieldFrom: "yield is not allowed",
}
_OPERATOR_SYMBOLS = {
    ast.MatMult: "@",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.Invert: "~",
}


@dataclass(frozen=True, slots=True)
class ParsedExpression:
    """A checked tree, the text it was parsed from and where that text starts in the source."""

    tree: ast.Expression
    text: str
    lead: int
    references: frozenset[tuple[str, ...]]


def parse_expression(source: str, roots: frozenset[str] = ROOT_NAMES) -> ParsedExpression:
    """Parse and check `source`. Raises ExpressionError with a stable code and an offset.

    `roots` are the names it may read (the workflow context by default; a webhook's
    input mapping reads `body` and `headers` instead)."""
    if not isinstance(source, str):
        raise ExpressionError(BAD_EXPRESSION, f"an expression must be a string, not {type(source).__name__}")
    if len(source) > MAX_EXPRESSION_LENGTH:
        raise ExpressionError(
            EXPRESSION_TOO_LONG,
            f"expression is {len(source)} characters long; the limit is {MAX_EXPRESSION_LENGTH}",
            MAX_EXPRESSION_LENGTH,
        )
    text = source.strip()
    lead = len(source) - len(source.lstrip())
    if not text:
        raise ExpressionError(BAD_EXPRESSION, "expression is empty", 0)
    tree = _parse(text, lead)
    references = _Checker(text, lead, roots).check(tree)
    return ParsedExpression(tree, text, lead, references)


def char_offset(text: str, lineno: int | None, col_bytes: int | None, lead: int = 0) -> int | None:
    """Convert an AST position (1-based line, UTF-8 byte column) to a character offset."""
    if lineno is None or col_bytes is None:
        return None
    lines = _NEWLINE.split(text)
    if not 1 <= lineno <= len(lines):
        return None
    before = sum(len(line) + 1 for line in lines[: lineno - 1])
    column = len(lines[lineno - 1].encode("utf-8")[: max(col_bytes, 0)].decode("utf-8", errors="ignore"))
    return lead + before + column


def _parse(text: str, lead: int) -> ast.Expression:
    try:
        return ast.parse(text, mode="eval")
    except SyntaxError as exc:
        message = exc.msg or "invalid syntax"
        code = (
            EXPRESSION_TOO_COMPLEX
            if "too many nested" in message or "too complex" in message
            else BAD_EXPRESSION
        )
        offset = None
        if exc.lineno is not None and exc.offset is not None:
            lines = _NEWLINE.split(text)
            if 1 <= exc.lineno <= len(lines):
                offset = (
                    lead + sum(len(line) + 1 for line in lines[: exc.lineno - 1]) + max(exc.offset - 1, 0)
                )
        raise ExpressionError(code, f"syntax error: {message}", offset) from None
    except (RecursionError, MemoryError):
        raise ExpressionError(EXPRESSION_TOO_COMPLEX, "expression is nested too deeply", None) from None
    except ValueError as exc:  # e.g. NUL characters on some Python versions
        raise ExpressionError(BAD_EXPRESSION, f"syntax error: {exc}", None) from None


class _Checker:
    """Allow-list check of one tree; `check` returns the data paths it references."""

    def __init__(self, text: str, lead: int, roots: frozenset[str] = ROOT_NAMES) -> None:
        self.text = text
        self.lead = lead
        self.roots = roots

    def error(self, code: str, message: str, node: ast.AST) -> ExpressionError:
        if not isinstance(node, ast.expr):
            return ExpressionError(code, message, None)
        offset = char_offset(self.text, node.lineno, node.col_offset, self.lead)
        return ExpressionError(code, message, offset)

    def check(self, tree: ast.Expression) -> frozenset[tuple[str, ...]]:
        references: set[tuple[str, ...]] = set()
        stack: list[tuple[ast.AST, int, bool]] = [(tree.body, 1, False)]
        count = 0
        while stack:
            node, depth, inside_path = stack.pop()
            count += 1
            if count > MAX_NODES:
                raise self.error(EXPRESSION_TOO_COMPLEX, f"expression has more than {MAX_NODES} parts", node)
            if depth > MAX_DEPTH:
                raise self.error(
                    EXPRESSION_TOO_COMPLEX, f"expression is nested more than {MAX_DEPTH} deep", node
                )
            children = self.children(node)
            if not inside_path and isinstance(node, ast.Name | ast.Attribute | ast.Subscript):
                path = static_path(node, self.roots)
                if path is not None:
                    references.add(path)
            path_child = node.value if isinstance(node, ast.Attribute | ast.Subscript) else None
            for child in reversed(children):
                stack.append((child, depth + 1, child is path_child))
        return frozenset(references)

    def children(self, node: ast.AST) -> list[ast.AST]:
        """Check one node on its own and return the child nodes to check next."""
        if isinstance(node, ast.Constant):
            self.constant(node)
            return []
        if isinstance(node, ast.Name):
            self.name(node)
            return []
        if isinstance(node, ast.Attribute):
            if node.attr.startswith("_"):
                raise self.error(
                    FORBIDDEN_SYNTAX, f"attribute names starting with '_' are not allowed: {node.attr}", node
                )
            return [node.value]
        if isinstance(node, ast.Subscript):
            return [node.value, node.slice]
        if isinstance(node, ast.Slice):
            if node.step is not None:
                raise self.error(
                    FORBIDDEN_SYNTAX, "slices with a step are not allowed; use x[start:stop]", node
                )
            return [part for part in (node.lower, node.upper) if part is not None]
        if isinstance(node, ast.List | ast.Tuple):
            return list(node.elts)
        if isinstance(node, ast.Dict):
            if any(key is None for key in node.keys):
                raise self.error(FORBIDDEN_SYNTAX, "** unpacking is not allowed", node)
            return [
                part for pair in zip(node.keys, node.values, strict=True) for part in pair if part is not None
            ]
        if isinstance(node, ast.BoolOp):
            return list(node.values)
        if isinstance(node, ast.UnaryOp):
            self.operator(node.op, UNARY, node)
            return [node.operand]
        if isinstance(node, ast.BinOp):
            self.operator(node.op, BINARY, node)
            return [node.left, node.right]
        if isinstance(node, ast.Compare):
            self.compare(node)
            return [node.left, *node.comparators]
        if isinstance(node, ast.IfExp):
            return [node.test, node.body, node.orelse]
        if isinstance(node, ast.Call):
            self.call(node)
            return list(node.args)
        message = _FORBIDDEN.get(type(node), f"{type(node).__name__} is not allowed in an expression")
        raise self.error(FORBIDDEN_SYNTAX, message, node)

    def constant(self, node: ast.Constant) -> None:
        value = node.value
        if value is None or isinstance(value, bool | str):
            return
        if isinstance(value, int):
            if abs(value) > MAX_INT:
                raise self.error(BAD_EXPRESSION, "integer literal is too large (limit is 10**18)", node)
            return
        if isinstance(value, float):
            if not math.isfinite(value):
                raise self.error(BAD_EXPRESSION, "number literal is out of range", node)
            return
        kind = {bytes: "bytes literals", complex: "complex numbers"}.get(
            type(value), f"the literal {value!r}"
        )
        raise self.error(FORBIDDEN_SYNTAX, f"{kind}: not allowed in an expression", node)

    def name(self, node: ast.Name) -> None:
        if node.id in self.roots or node.id in ALIASES:
            return
        if node.id in FUNCTION_TABLE:
            raise self.error(
                FORBIDDEN_SYNTAX, f"{node.id} is a function: call it, as in {node.id}(...)", node
            )
        allowed = ", ".join(sorted(self.roots | ALIASES.keys()))
        raise self.error(UNKNOWN_NAME, f"unknown name {node.id!r}; expressions can use {allowed}", node)

    def operator(self, op: ast.AST, allowed: Mapping[Any, Any], node: ast.AST) -> None:
        if type(op) not in allowed:
            symbol = _OPERATOR_SYMBOLS.get(type(op), type(op).__name__)
            raise self.error(FORBIDDEN_SYNTAX, f"the operator {symbol} is not allowed", node)

    def compare(self, node: ast.Compare) -> None:
        for op, right in zip(node.ops, node.comparators, strict=True):
            self.operator(op, COMPARE, node)
            if isinstance(op, ast.Is | ast.IsNot) and not _is_null(right):
                raise self.error(
                    FORBIDDEN_SYNTAX,
                    "'is' only works as 'is None' or 'is not None'; compare values with ==",
                    node,
                )

    def call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute):
            hint = f"; write {func.attr}(x) instead" if func.attr in FUNCTION_TABLE else ""
            raise self.error(
                FORBIDDEN_SYNTAX, f"method calls such as .{func.attr}(...) are not allowed{hint}", node
            )
        if not isinstance(func, ast.Name):
            raise self.error(FORBIDDEN_SYNTAX, "only the allow-listed functions can be called, by name", node)
        function = FUNCTION_TABLE.get(func.id)
        if function is None:
            what = (
                "is data, not a function"
                if func.id in self.roots | ALIASES.keys()
                else "is not an allowed function"
            )
            allowed = ", ".join(sorted(FUNCTION_TABLE))
            raise self.error(UNKNOWN_FUNCTION, f"{func.id} {what}; allowed functions: {allowed}", node)
        if node.keywords:
            raise self.error(FORBIDDEN_SYNTAX, "keyword arguments are not allowed", node)
        if any(isinstance(arg, ast.Starred) for arg in node.args):
            raise self.error(FORBIDDEN_SYNTAX, "starred (*) arguments are not allowed", node)
        problem = function.arity_problem(len(node.args))
        if problem is not None:
            raise self.error(BAD_EXPRESSION, problem, node)


def _is_null(node: ast.AST) -> bool:
    return (isinstance(node, ast.Constant) and node.value is None) or (
        isinstance(node, ast.Name) and node.id == "null"
    )


def static_path(node: ast.AST, roots: frozenset[str] = ROOT_NAMES) -> tuple[str, ...] | None:
    """The longest static data path of an access chain rooted at a root name.

    `steps.review.output["x"][i].y` gives ("steps", "review", "output", "x"): attribute
    names and string-constant keys extend the path; any other index ends it.
    """
    segments: list[str] = []
    while isinstance(node, ast.Attribute | ast.Subscript):
        if isinstance(node, ast.Attribute):
            segments.append(node.attr)
        elif isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
            segments.append(node.slice.value)
        else:
            segments.clear()
        node = node.value
    if isinstance(node, ast.Name) and node.id in roots:
        return (node.id, *reversed(segments))
    return None
