"""Schema checkers: a fast yes/no from `fastcheck`, the reasons from `jsonschema`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from jsonschema.validators import extend

from workflows.contract.fastcheck import Predicate, Unsupported, compile_predicate, ecma_regex


def _ecma_pattern(
    validator: Any, pattern: str, instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    if isinstance(instance, str) and ecma_regex(pattern).search(instance) is None:
        yield ValidationError(f"{instance[:80]!r} does not match {pattern!r}")


FlowdeskValidator = extend(Draft202012Validator, validators={"pattern": _ecma_pattern})
"""Draft 2020-12 with ECMA 262 end-of-text semantics for `pattern` (see `ecma_regex`)."""


class SchemaChecker:
    """Check values against one schema; `is_valid` is fast, `errors` explains."""

    __slots__ = ("_fast", "_validator", "schema")

    def __init__(self, schema: dict[str, Any]) -> None:
        FlowdeskValidator.check_schema(schema)
        self.schema = schema
        self._validator = FlowdeskValidator(schema)
        fast: Predicate | None
        try:
            fast = compile_predicate(schema)
        except Unsupported:
            fast = None
        self._fast: Callable[[Any], bool] = fast or self._validator.is_valid

    def is_valid(self, instance: Any) -> bool:
        return self._fast(instance)

    def errors(self, instance: Any) -> list[ValidationError]:
        """Every error, most specific first within each branch; empty when valid."""
        return sorted(self._validator.iter_errors(instance), key=lambda e: list(e.absolute_path))

    @property
    def compiled(self) -> bool:
        return self._fast is not self._validator.is_valid
