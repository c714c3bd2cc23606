"""Check an instance's input against the graph's `inputs` declaration (pure).

`inputs` maps a name to `{type, required?, default?}` with type one of string, number,
integer, boolean, object, array. Problems are reported per field with a code:
`missing` (required and absent, no default), `mistyped` (wrong JSON type) and
`unknown` (not declared).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

TYPE_NAMES = {
    "string": "a string",
    "number": "a number",
    "integer": "an integer",
    "boolean": "true or false",
    "object": "an object",
    "array": "an array",
}


def _json_type(value: Any) -> str:
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
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _matches(declared: str, value: Any) -> bool:
    actual = _json_type(value)
    if declared == "number":
        return actual in ("integer", "number")
    if declared == "integer":
        return actual == "integer" or (actual == "number" and float(value).is_integer())
    return actual == declared


def input_problems(declaration: Mapping[str, Any] | None, data: Any) -> dict[str, dict[str, str]]:
    """Return {field: {code, message}} for every problem of `data` (empty when valid)."""
    if not isinstance(data, dict):
        return {"input": {"code": "mistyped", "message": "input must be a JSON object"}}
    declaration = declaration or {}
    problems: dict[str, dict[str, str]] = {}
    for name, spec in declaration.items():
        spec = spec if isinstance(spec, Mapping) else {}
        if name not in data:
            if spec.get("required") and "default" not in spec:
                problems[name] = {"code": "missing", "message": f"{name} is required"}
            continue
        declared = spec.get("type")
        if declared in TYPE_NAMES and not _matches(declared, data[name]):
            problems[name] = {
                "code": "mistyped",
                "message": f"{name} must be {TYPE_NAMES[declared]}, got {_json_type(data[name])}",
            }
    for name in data:
        if name not in declaration:
            problems[str(name)] = {"code": "unknown", "message": f"{name} is not an input of this workflow"}
    return problems
