"""Short messages for people from `jsonschema` errors (whose own messages repeat the value)."""

from __future__ import annotations

from typing import Any

from jsonschema.exceptions import ValidationError

_ARTICLE = {
    "object": "an object",
    "array": "a list",
    "string": "a string",
    "number": "a number",
    "integer": "an integer",
    "boolean": "true or false",
    "null": "null",
}


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe(error: ValidationError) -> str:
    """Say what is wrong with the value at the error's path, without repeating all of it."""
    kind, expected = error.validator, error.validator_value
    if kind == "type":
        names = [expected] if isinstance(expected, str) else list(expected)
        return "must be " + " or ".join(_ARTICLE.get(name, name) for name in names)
    if kind == "enum":
        return "must be one of: " + ", ".join(str(option) for option in expected)
    if kind == "const":
        return f"must be {expected!r}"
    if kind == "pattern":
        return f"{_short(error.instance)} is not allowed here (expected the pattern {expected})"
    if kind == "minLength":
        return "must not be empty" if expected == 1 else f"must be at least {expected} characters long"
    if kind == "maxLength":
        return f"must be at most {expected} characters long"
    if kind == "minItems":
        return f"needs at least {expected} item" + ("s" if expected != 1 else "")
    if kind == "maxItems":
        return f"may hold at most {expected} items"
    if kind == "minProperties":
        return f"needs at least {expected} entr" + ("ies" if expected != 1 else "y")
    if kind == "maxProperties":
        return f"may hold at most {expected} entries"
    if kind in {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}:
        sign = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}[kind]
        return f"must be {sign} {expected}"
    if kind == "uniqueItems":
        return "has duplicate items"
    if kind == "oneOf":
        return "must match exactly one of the allowed forms" + _alternatives(error)
    if kind == "anyOf":
        return "does not match any allowed form" + _alternatives(error)
    if kind == "propertyNames":
        return f"has a key that is not allowed: {error.message[:120]}"
    message = error.message
    return message if len(message) <= 200 else message[:197] + "..."


def _alternatives(error: ValidationError) -> str:
    required = [
        repr(sub["required"][0])
        for sub in error.validator_value
        if isinstance(sub, dict) and isinstance(sub.get("required"), list) and sub["required"]
    ]
    return f" (give one of {', '.join(required)})" if required else ""
