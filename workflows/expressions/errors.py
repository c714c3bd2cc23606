"""The one exception type of the expression language and its stable error codes."""

from __future__ import annotations

BAD_EXPRESSION = "bad_expression"
EXPRESSION_TOO_LONG = "expression_too_long"
EXPRESSION_TOO_COMPLEX = "expression_too_complex"
UNKNOWN_NAME = "unknown_name"
UNKNOWN_FUNCTION = "unknown_function"
FORBIDDEN_SYNTAX = "forbidden_syntax"
EVALUATION_FAILED = "evaluation_failed"
BAD_TEMPLATE = "bad_template"

ERROR_CODES = frozenset(
    {
        BAD_EXPRESSION,
        EXPRESSION_TOO_LONG,
        EXPRESSION_TOO_COMPLEX,
        UNKNOWN_NAME,
        UNKNOWN_FUNCTION,
        FORBIDDEN_SYNTAX,
        EVALUATION_FAILED,
        BAD_TEMPLATE,
    }
)


class ExpressionError(Exception):
    """An expression or template that cannot be compiled, or failed while evaluating.

    `code` is one of `ERROR_CODES` (stable, for API error bodies), `message` is for a
    person, `offset` is the character offset in the source when known, and `path` is the
    JSON path of the failing string when the error comes from `render_value`.
    """

    def __init__(
        self, code: str, message: str, offset: int | None = None, *, path: str | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.offset = offset
        self.path = path

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"ExpressionError(code={self.code!r}, message={self.message!r}, offset={self.offset!r})"

    def moved(self, delta: int, *, path: str | None = None) -> ExpressionError:
        """Return a copy whose offset is shifted by `delta` (for an expression inside a template)."""
        offset = None if self.offset is None else self.offset + delta
        return ExpressionError(self.code, self.message, offset, path=path if path is not None else self.path)


def error_from_exception(exc: BaseException) -> ExpressionError:
    """Map any exception raised while evaluating to an `evaluation_failed` ExpressionError."""
    if isinstance(exc, ExpressionError):
        return exc
    if isinstance(exc, RecursionError):
        return ExpressionError(EVALUATION_FAILED, "value or expression nested too deeply")
    if isinstance(exc, MemoryError):
        return ExpressionError(EVALUATION_FAILED, "evaluation ran out of memory")
    if isinstance(exc, ZeroDivisionError):
        return ExpressionError(EVALUATION_FAILED, "division by zero")
    if isinstance(exc, OverflowError):
        return ExpressionError(EVALUATION_FAILED, "number or date out of range")
    detail = str(exc)[:200]
    return ExpressionError(
        EVALUATION_FAILED, f"evaluation failed: {detail}" if detail else "evaluation failed"
    )
