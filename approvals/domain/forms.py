"""Decision forms: check submitted values against an approval node's `form` fields.

Field types: text, textarea, number, integer, boolean, date, email, choice (see
workflows.contract.configs.FORM_FIELD). `validate_form` returns the cleaned values
(JSON-ready: dates stay ISO strings) or raises FormInvalid listing every problem
by field name, so nothing is recorded from a half-valid form.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

MAX_TEXT = 10_000
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True, slots=True)
class FormField:
    name: str
    type: str = "text"
    label: str = ""
    required: bool = False
    choices: tuple[str, ...] = ()

    @classmethod
    def from_config(cls, raw: Mapping[str, Any]) -> FormField:
        return cls(
            name=str(raw["name"]),
            type=str(raw.get("type") or "text"),
            label=str(raw.get("label") or raw["name"]),
            required=bool(raw.get("required", False)),
            choices=tuple(str(choice) for choice in raw.get("choices") or ()),
        )


class FormInvalid(ValueError):
    """The submitted form has problems; `errors` maps a field name to its messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in errors.items()))
        self.errors = errors


def form_fields(config_form: Sequence[Mapping[str, Any]] | None) -> tuple[FormField, ...]:
    return tuple(FormField.from_config(raw) for raw in config_form or ())


def needs_input(fields: Sequence[FormField]) -> bool:
    """True when a decision cannot be made without filling in the form (no bulk decisions then)."""
    return any(field.required for field in fields)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _clean(field: FormField, value: Any) -> Any:
    """Return the cleaned value or raise ValueError with a message for a person."""
    kind = field.type
    if kind in ("text", "textarea", "email", "choice", "date"):
        if not isinstance(value, str):
            raise ValueError("Enter text.")
        value = value.strip()
        if len(value) > MAX_TEXT:
            raise ValueError(f"Keep it under {MAX_TEXT} characters.")
        if kind == "email" and not _EMAIL.match(value):
            raise ValueError("Enter a valid email address.")
        if kind == "choice" and value not in field.choices:
            raise ValueError(f"Choose one of: {', '.join(field.choices)}.")
        if kind == "date":
            try:
                return date.fromisoformat(value).isoformat()
            except ValueError:
                raise ValueError("Enter a date as YYYY-MM-DD.") from None
        return value
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "on", "1", "yes", "false", "off", "0", "no"):
            return value.lower() in ("true", "on", "1", "yes")
        raise ValueError("Enter true or false.")
    if kind in ("number", "integer"):
        return _number(kind, value)
    raise ValueError(f"Unknown field type {kind!r}.")


def _number(kind: str, value: Any) -> int | float:
    if isinstance(value, bool):
        raise ValueError("Enter a number.")
    if isinstance(value, str):
        try:
            value = float(value) if kind == "number" else int(value.strip())
        except ValueError:
            raise ValueError("Enter a whole number." if kind == "integer" else "Enter a number.") from None
    if kind == "integer":
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int):
            raise ValueError("Enter a whole number.")
        return value
    if not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError("Enter a number.")
    return value


def validate_form(fields: Sequence[FormField], values: Mapping[str, Any] | None) -> dict[str, Any]:
    """Return cleaned values for the known fields; raise FormInvalid listing every problem.

    Unknown names are refused (a typo must not pass silently); blank optional fields
    are left out; a required boolean must be given (true or false).
    """
    values = values or {}
    if not isinstance(values, Mapping):
        raise FormInvalid({"form": ["Send the form as an object of field names to values."]})
    errors: dict[str, list[str]] = {}
    known = {field.name for field in fields}
    for name in values:
        if name not in known:
            errors.setdefault(str(name), []).append("This field is not part of the form.")
    cleaned: dict[str, Any] = {}
    for field in fields:
        value = values.get(field.name)
        if _blank(value):
            if field.required:
                errors.setdefault(field.name, []).append("This field is required.")
            continue
        try:
            cleaned[field.name] = _clean(field, value)
        except ValueError as exc:
            errors.setdefault(field.name, []).append(str(exc))
    if errors:
        raise FormInvalid(errors)
    return cleaned
