"""Compiled expressions and the cached entry points `compile_expression` and `evaluate`."""

from __future__ import annotations

import ast
import functools
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from .errors import BAD_EXPRESSION, ExpressionError
from .evaluator import run
from .parser import ROOT_NAMES, parse_expression

COMPILE_CACHE_SIZE = 1024


class Expression:
    """A parsed and checked expression, safe to share between threads and evaluate often.

    `references` holds the static data paths it reads, such as ("input", "amount") or
    ("steps", "review", "output"); `root_names` the root names among them.
    """

    __slots__ = ("_lead", "_text", "_tree", "references", "root_names", "source")

    def __init__(
        self, source: str, tree: ast.Expression, text: str, lead: int, references: frozenset[tuple[str, ...]]
    ):
        self.source = source
        self.references = references
        self.root_names = frozenset(path[0] for path in references)
        self._tree = tree
        self._text = text
        self._lead = lead

    def evaluate(self, context: Mapping[str, Any], *, now: datetime | None = None) -> Any:
        """Evaluate against `context` (root name -> data). `now` is what now() returns
        (default: the current UTC time). Raises only ExpressionError (evaluation_failed)."""
        return run(self._tree, self._text, self._lead, context, now)

    def __repr__(self) -> str:
        return f"Expression({self.source!r})"


@functools.lru_cache(maxsize=COMPILE_CACHE_SIZE)
def _compile(source: str, roots: frozenset[str]) -> Expression:
    parsed = parse_expression(source, roots)
    return Expression(source, parsed.tree, parsed.text, parsed.lead, parsed.references)


def compile_expression(source: str, *, roots: frozenset[str] = ROOT_NAMES) -> Expression:
    """Parse and statically check `source` (reading only `roots`); cached. Raises ExpressionError."""
    if not isinstance(source, str):
        raise ExpressionError(BAD_EXPRESSION, f"an expression must be a string, not {type(source).__name__}")
    return _compile(source, roots)


def evaluate(source: str, context: Mapping[str, Any], *, now: datetime | None = None) -> Any:
    """Compile (cached) and evaluate `source` against `context`. Raises only ExpressionError."""
    return compile_expression(source).evaluate(context, now=now)
