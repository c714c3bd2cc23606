"""Flowdesk's safe expression language and template renderer (pure Python, stdlib only).

Expressions are Python-like (`input.amount > 1000 and lower(input.category) == "travel"`),
parsed with `ast.parse`, checked against an allow-list of node types, names and functions,
and run by a small tree-walking interpreter: user text is never passed to eval/exec or
compiled to code. Only `input`, `vars`, `steps` and `instance` (plus `true`, `false`,
`null`) and the functions in `FUNCTIONS` can be named.

Semantics in brief (see tests/unit/workflows/expressions for every case):

- `a.b` and `a["b"]` on an object read a key; a missing key, or any access on null,
  gives null (`input.missing.deeper` is null). A list index out of range gives null.
  Attributes of anything else fail, except `.year .month .day .hour .minute .second
  .weekday` of a datetime. Names starting with `_` are rejected when compiling.
- Ordering (`< <= > >=`) works on two numbers, strings, datetimes, durations or lists;
  anything else (including null) fails with evaluation_failed. `x in null` is false.
  `is` only as `is None` / `is not None`. Booleans are not numbers in arithmetic.
- Results are bounded: integers within ±10**18, finite floats, strings and lists of at
  most 100,000 characters/items, each checked before the value is built.
- Results are fresh JSON values (plus datetime and timedelta); tuples become lists.
- Every failure is an ExpressionError with a stable `code`, a `message` and an `offset`.
"""

from .errors import ERROR_CODES, ExpressionError
from .evaluator import DATETIME_FIELDS
from .expression import Expression, compile_expression, evaluate
from .functions import FUNCTION_HELP, FUNCTIONS
from .parser import MAX_DEPTH, MAX_EXPRESSION_LENGTH, MAX_NODES, ROOT_NAMES
from .templates import (
    MAX_TEMPLATE_LENGTH,
    Template,
    check_value_templates,
    compile_template,
    render_value,
    template_references,
)
from .values import MAX_INT, MAX_SIZE, format_duration, to_json, to_text

__all__ = [
    "DATETIME_FIELDS",
    "ERROR_CODES",
    "FUNCTIONS",
    "FUNCTION_HELP",
    "MAX_DEPTH",
    "MAX_EXPRESSION_LENGTH",
    "MAX_INT",
    "MAX_NODES",
    "MAX_SIZE",
    "MAX_TEMPLATE_LENGTH",
    "ROOT_NAMES",
    "Expression",
    "ExpressionError",
    "Template",
    "check_value_templates",
    "compile_expression",
    "compile_template",
    "evaluate",
    "format_duration",
    "render_value",
    "template_references",
    "to_json",
    "to_text",
]
