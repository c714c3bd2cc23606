"""Templates inside JSON values, compiled once per graph and rendered per activation.

A `CompiledValue` renders exactly like `workflows.expressions.render_value` (every
string is a template; a string that is one `{{ expr }}` yields the raw value),
but parses when the graph is built instead of on every activation, so bad
templates surface at build time and `decide()` only evaluates.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from workflows.expressions import ExpressionError, Template, compile_template, to_json

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True, slots=True)
class CompiledValue:
    """A JSON value whose strings are precompiled templates.

    `render` returns a fresh JSON value (never shares containers with the graph) and
    raises `ExpressionError` (with `path` naming the failing string) when a template fails.
    """

    _tree: Any
    is_constant: bool

    @classmethod
    def compile(cls, value: Any) -> CompiledValue:
        """Compile every string in `value`. Raises ExpressionError on a bad template."""
        tree, constant = _compile(value, "")
        return cls(tree, constant)

    def render(self, context: Mapping[str, Any], *, now: datetime | None = None) -> Any:
        """Render to plain JSON data (datetimes and durations as ISO 8601 text): what is
        rendered is stored (params, results, inputs) and must survive a JSON round trip."""
        return to_json(_render(self._tree, context, now))


def _compile(value: Any, path: str) -> tuple[Any, bool]:
    if isinstance(value, str):
        if "{{" not in value:
            return value, True
        try:
            return _Leaf(compile_template(value), path), False
        except ExpressionError as error:
            raise error.moved(0, path=path) from None
    if isinstance(value, Mapping):
        pairs = {str(k): _compile(v, _join(path, k)) for k, v in value.items()}
        return {k: tree for k, (tree, _) in pairs.items()}, all(c for _, c in pairs.values())
    if isinstance(value, list | tuple):
        items = [_compile(v, f"{path}[{i}]") for i, v in enumerate(value)]
        return [tree for tree, _ in items], all(c for _, c in items)
    return value, True


@dataclass(frozen=True, slots=True)
class _Leaf:
    template: Template
    path: str


def _render(tree: Any, context: Mapping[str, Any], now: datetime | None) -> Any:
    if isinstance(tree, _Leaf):
        try:
            return tree.template.render(context, now=now)
        except ExpressionError as error:
            raise error.moved(0, path=tree.path) from None
    if isinstance(tree, dict):
        return {k: _render(v, context, now) for k, v in tree.items()}
    if isinstance(tree, list):
        return [_render(v, context, now) for v in tree]
    return tree


def _join(path: str, key: Any) -> str:
    key = str(key)
    if _IDENTIFIER.match(key):
        return f"{path}.{key}" if path else key
    return f"{path}[{json.dumps(key, ensure_ascii=False)}]"
