"""Templates: text with `{{ expression }}` parts, and rendering of whole JSON values.

A template that is exactly one `{{ expr }}` (whitespace around it allowed) renders to the
expression's raw value, so `"{{ input.amount }}"` stays a number. Otherwise each part is
converted with `to_text` (null is "", datetimes ISO 8601, lists and objects JSON) and the
parts are joined. A literal `{{` is written `{{ '{{' }}`.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from .errors import (
    BAD_TEMPLATE,
    EVALUATION_FAILED,
    EXPRESSION_TOO_LONG,
    ExpressionError,
    error_from_exception,
)
from .evaluator import resolve_now
from .expression import Expression, compile_expression
from .parser import ROOT_NAMES
from .values import MAX_VALUE_DEPTH, check_size, to_text

MAX_TEMPLATE_LENGTH = 10_000
TEMPLATE_CACHE_SIZE = 1024
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class Template:
    """A compiled template; immutable and cached by `compile_template`."""

    __slots__ = ("_expressions", "_parts", "_single", "references", "source")

    def __init__(self, source: str, parts: tuple[str | Expression, ...]) -> None:
        self.source = source
        self._parts = parts
        self._expressions = tuple(part for part in parts if isinstance(part, Expression))
        whitespace_only = all(isinstance(part, Expression) or not part.strip() for part in parts)
        self._single = self._expressions[0] if len(self._expressions) == 1 and whitespace_only else None
        self.references: frozenset[tuple[str, ...]] = frozenset().union(
            *(e.references for e in self._expressions)
        )

    @property
    def expressions(self) -> list[Expression]:
        """The expressions of the `{{ }}` parts, in order."""
        return list(self._expressions)

    @property
    def is_single_expression(self) -> bool:
        """True when the template is exactly one `{{ expr }}` and renders to a raw value."""
        return self._single is not None

    def render(self, context: Mapping[str, Any], *, now: datetime | None = None) -> Any:
        """Render against `context`. Raises only ExpressionError."""
        if self._single is not None:
            return self._single.evaluate(context, now=now)
        if not self._expressions:
            return self.source
        try:
            clock = resolve_now(now)
            pieces: list[str] = []
            size = 0
            for part in self._parts:
                text = part if isinstance(part, str) else to_text(part.evaluate(context, now=clock))
                size += len(text)
                check_size(size, "rendered text")
                pieces.append(text)
            return "".join(pieces)
        except ExpressionError:
            raise
        except Exception as exc:
            raise error_from_exception(exc) from exc

    def __repr__(self) -> str:
        return f"Template({self.source!r})"


def compile_template(text: str, *, roots: frozenset[str] = ROOT_NAMES) -> Template:
    """Compile a template (cached). Raises ExpressionError (bad_template, or the code of a
    bad expression inside it, with the offset in the template)."""
    if not isinstance(text, str):
        raise ExpressionError(BAD_TEMPLATE, f"a template must be a string, not {type(text).__name__}")
    return _compile_template(text, roots)


@functools.lru_cache(maxsize=TEMPLATE_CACHE_SIZE)
def _compile_template(text: str, roots: frozenset[str]) -> Template:
    if len(text) > MAX_TEMPLATE_LENGTH:
        raise ExpressionError(
            EXPRESSION_TOO_LONG,
            f"template is {len(text)} characters long; the limit is {MAX_TEMPLATE_LENGTH}",
            MAX_TEMPLATE_LENGTH,
        )
    parts: list[str | Expression] = []
    position = 0
    while (start := text.find("{{", position)) >= 0:
        if start > position:
            parts.append(text[position:start])
        end = _closing(text, start + 2)
        if end is None:
            raise ExpressionError(
                BAD_TEMPLATE, "'{{' is never closed by '}}' (write {{ '{{' }} for a literal)", start
            )
        source = text[start + 2 : end]
        if not source.strip():
            raise ExpressionError(BAD_TEMPLATE, "empty {{ }} in template", start)
        try:
            parts.append(compile_expression(source, roots=roots))
        except ExpressionError as error:
            raise error.moved(start + 2) from None
        position = end + 2
    if position < len(text):
        parts.append(text[position:])
    return Template(text, tuple(parts))


def _closing(text: str, index: int) -> int | None:
    """Index of the `}}` closing an expression that starts at `index`, skipping string
    literals and brackets (so `{{ {'a': {'b': 1}} }}` and `{{ '}}' }}` work)."""
    depth = 0
    while index < len(text):
        char = text[index]
        if char in "'\"":
            after = _after_string(text, index)
            if after is None:
                return None
            index = after
            continue
        if depth == 0 and text.startswith("}}", index):
            return index
        if char in "([{":
            depth += 1
        elif char in ")]}" and depth > 0:
            depth -= 1
        index += 1
    return None


def _after_string(text: str, index: int) -> int | None:
    quote = text[index] * 3 if text.startswith(text[index] * 3, index) else text[index]
    index += len(quote)
    while index < len(text):
        if text[index] == "\\":
            index += 2
        elif text.startswith(quote, index):
            return index + len(quote)
        else:
            index += 1
    return None


def render_value(
    value: Any, context: Mapping[str, Any], *, now: datetime | None = None, roots: frozenset[str] = ROOT_NAMES
) -> Any:
    """Render every string inside a JSON value as a template; other values are copied.

    All templates see the same clock and may read only `roots`. On failure the ExpressionError's `path` names the
    failing string (e.g. "params.to").
    """
    try:
        return _render(value, context, resolve_now(now), "", 0, roots)
    except ExpressionError:
        raise
    except Exception as exc:
        raise error_from_exception(exc) from exc


def _render(
    value: Any, context: Mapping[str, Any], now: datetime, path: str, depth: int, roots: frozenset[str]
) -> Any:
    if depth > MAX_VALUE_DEPTH:
        raise ExpressionError(EVALUATION_FAILED, "value nested too deeply", path=path)
    if isinstance(value, str):
        try:
            return compile_template(value, roots=roots).render(context, now=now)
        except ExpressionError as error:
            raise error.moved(0, path=path) from None
    if isinstance(value, Mapping):
        return {
            key: _render(item, context, now, _join(path, key), depth + 1, roots)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_render(item, context, now, f"{path}[{i}]", depth + 1, roots) for i, item in enumerate(value)]
    return value


def _join(path: str, key: Any) -> str:
    key = str(key)
    if _IDENTIFIER.match(key):
        return f"{path}.{key}" if path else key
    return f"{path}[{json.dumps(key, ensure_ascii=False)}]"


def _strings(value: Any, path: str = "", depth: int = 0) -> Iterator[tuple[str, Any]]:
    """Yield (path, string) for every string in a JSON value; (path, None) if too deep."""
    if depth > MAX_VALUE_DEPTH:
        yield path, None
    elif isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _strings(item, _join(path, key), depth + 1)
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from _strings(item, f"{path}[{i}]", depth + 1)


def template_references(value: Any) -> frozenset[tuple[str, ...]]:
    """Data paths read by every template inside a JSON value. Templates that do not
    compile contribute nothing: find those with `check_value_templates`."""
    references: set[tuple[str, ...]] = set()
    for _, text in _strings(value):
        if text is not None and "{{" in text:
            try:
                references |= compile_template(text).references
            except ExpressionError:
                continue
    return frozenset(references)


def check_value_templates(value: Any) -> list[tuple[str, ExpressionError]]:
    """Compile every template inside a JSON value; return (path, error) for each bad one,
    in document order. Paths look like "params.to", "items[0]" or 'headers["X-Id"]'."""
    problems: list[tuple[str, ExpressionError]] = []
    for path, text in _strings(value):
        if text is None:
            problems.append((path, ExpressionError(BAD_TEMPLATE, "value nested too deeply", path=path)))
            continue
        try:
            compile_template(text)
        except ExpressionError as error:
            problems.append((path, error.moved(0, path=path)))
    return problems
