"""Map what arrived (a webhook body, an ended instance) to a workflow's input (pure).

Mappings are JSON values whose strings are templates (`"{{ body.order.id }}"`; a
single `{{ }}` keeps its type). A webhook's templates read `body` and `headers`; an
internal trigger's read the ended instance as `input`, `vars` and `instance`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from workflows.expressions import ExpressionError, compile_expression, compile_template, render_value

HOOK_ROOTS = frozenset({"body", "headers"})
FINISHED_ROOTS = frozenset({"input", "vars", "instance"})
HIDDEN_HEADERS = frozenset({"authorization", "cookie", "x-flowdesk-signature", "proxy-authorization"})
MAX_DEPTH = 32


def hook_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Request headers by lower-case name, without credentials and the signature."""
    return {name.lower(): value for name, value in headers.items() if name.lower() not in HIDDEN_HEADERS}


def render_mapping(
    template: Any, context: Mapping[str, Any], *, roots: frozenset[str], now: datetime | None = None
) -> Any:
    """Render `template` against `context`. Raises ExpressionError (its `path` names the string)."""
    return render_value(template, context, now=now, roots=roots)


def template_problems(template: Any, *, roots: frozenset[str]) -> list[str]:
    """Messages for every template in `template` that does not compile ("path: message")."""
    problems: list[str] = []
    for path, text in _strings(template, "", 0):
        try:
            compile_template(text, roots=roots)
        except ExpressionError as error:
            problems.append(f"{path or 'value'}: {error.message}")
    return problems


def condition_problem(expression: str, *, roots: frozenset[str]) -> str | None:
    """Why `expression` does not compile, or None."""
    try:
        compile_expression(expression, roots=roots)
    except ExpressionError as error:
        return error.message
    return None


def condition_holds(
    expression: str, context: Mapping[str, Any], *, roots: frozenset[str], now: datetime | None = None
) -> bool:
    """Evaluate `expression` for truth (an empty expression holds). Raises ExpressionError."""
    if not expression.strip():
        return True
    return bool(compile_expression(expression, roots=roots).evaluate(context, now=now))


def _strings(value: Any, path: str, depth: int) -> Iterator[tuple[str, str]]:
    if depth > MAX_DEPTH:
        return
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}" if path else str(key), depth + 1)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]", depth + 1)
