"""Property-based tests: whatever the input, only ExpressionError escapes, forbidden
syntax is always rejected, results are always plain values, and arithmetic on small
integers agrees with Python."""

import ast
import math
import operator
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from workflows.expressions import (
    MAX_INT,
    ROOT_NAMES,
    ExpressionError,
    compile_expression,
    compile_template,
    render_value,
)
from workflows.expressions.functions import FUNCTION_TABLE

FAST = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
CONTEXT = {
    "input": {
        "amount": 1500,
        "category": "Travel",
        "items": [1, 2.5, "x", None],
        "when": "2024-01-01T00:00:00Z",
    },
    "vars": {"risk": 60, "flag": True, "nested": {"a": {"b": [1, {"c": "d"}]}}},
    "steps": {"review": {"output": {"outcome": "approved"}}},
    "instance": {"id": "abc", "started_by": "ann"},
}
EXPRESSION_ALPHABET = "input.vars[steps]instance(){}'\"+-*/%<>=!,:0123456789 _eaxnotrdislmpuwy\\\n#@&|~^`$;?"
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::SyntaxWarning")


def is_allowed_value(value, depth=0):
    """A value the expression language may return: JSON data, datetime or timedelta."""
    if depth > 120:
        return False
    if value is None or isinstance(value, bool | str | timedelta):
        return True
    if isinstance(value, int):
        return abs(value) <= MAX_INT
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, datetime):
        return value.tzinfo is not None
    if type(value) is list:
        return all(is_allowed_value(item, depth + 1) for item in value)
    if type(value) is dict:
        return all(isinstance(k, str) and is_allowed_value(v, depth + 1) for k, v in value.items())
    return False


def unparse(tree):
    """Source text for a generated tree (trees ast.unparse cannot print are skipped)."""
    try:
        return ast.unparse(ast.fix_missing_locations(ast.Expression(tree)))
    except ValueError:
        reject()


def compile_and_run(source):
    """Return the result, or the ExpressionError; any other exception fails the test."""
    try:
        return compile_expression(source).evaluate(CONTEXT, now=NOW)
    except ExpressionError as error:
        assert error.code and error.message
        return error


@FAST
@given(st.one_of(st.text(max_size=80), st.text(alphabet=EXPRESSION_ALPHABET, max_size=80)))
def test_random_text_never_raises_anything_but_expression_error(source):
    result = compile_and_run(source)
    assert isinstance(result, ExpressionError) or is_allowed_value(result)


@FAST
@given(st.text(alphabet="{} '\"input.amount+1x", max_size=60))
def test_random_templates_never_raise_anything_but_expression_error(text):
    try:
        compile_template(text).render(CONTEXT, now=NOW)
        render_value({"a": [text]}, CONTEXT, now=NOW)
    except ExpressionError:
        pass


# -- random syntax trees from a grammar wider than the language ------------------------

SAFE_ATTRS = [
    "amount",
    "category",
    "items",
    "when",
    "risk",
    "flag",
    "nested",
    "a",
    "b",
    "c",
    "review",
    "output",
    "year",
]
BAD_NAMES = ["x", "range", "__import__", "os", "print", "len", "now"]
BAD_ATTRS = ["__class__", "_x", "__globals__"]
SAFE_BINOPS = [ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow]
FORBIDDEN_NODES = (ast.Lambda, ast.ListComp, ast.GeneratorExp, ast.NamedExpr, ast.Set, ast.JoinedStr)
FORBIDDEN_OPS = (ast.BitAnd, ast.BitOr, ast.LShift, ast.MatMult, ast.Invert)
COMPARISONS = [ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn]


def load(name):
    return ast.Name(id=name, ctx=ast.Load())


def path(*parts):
    node = load(parts[0])
    for part in parts[1:]:
        node = ast.Attribute(node, part, ast.Load())
    return node


safe_constants = st.one_of(
    st.integers(-1000, 1000),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(max_size=5),
    st.sampled_from([None, True, False]),
).map(lambda value: ast.Constant(value=value))
safe_leaves = st.one_of(
    safe_constants,
    st.sampled_from(sorted(ROOT_NAMES | {"true", "false", "null"})).map(load),
    st.sampled_from(
        [
            ("input", "amount"),
            ("input", "items"),
            ("input", "when"),
            ("vars", "nested", "a"),
            ("vars", "risk"),
        ]
    ).map(lambda parts: path(*parts)),
)
bad_leaves = st.one_of(
    st.sampled_from(BAD_NAMES).map(load),
    st.binary(max_size=3).map(lambda value: ast.Constant(value=value)),
)


def safe_call(children):
    def with_args(function):
        most = function.max_args if function.max_args is not None else 3
        return st.lists(children, min_size=function.min_args, max_size=most).map(
            lambda args: ast.Call(load(function.name), args, [])
        )

    return st.sampled_from(sorted(FUNCTION_TABLE.values(), key=lambda f: f.name)).flatmap(with_args)


def safe_extend(children):
    """Only syntax the language allows (values may still be of the wrong type)."""
    two = st.tuples(children, children)
    return st.one_of(
        st.builds(lambda ab, op: ast.BinOp(ab[0], op(), ab[1]), two, st.sampled_from(SAFE_BINOPS)),
        st.builds(
            lambda a, op: ast.UnaryOp(op(), a), children, st.sampled_from([ast.USub, ast.UAdd, ast.Not])
        ),
        st.builds(
            lambda vs, op: ast.BoolOp(op(), vs),
            st.lists(children, min_size=2, max_size=3),
            st.sampled_from([ast.And, ast.Or]),
        ),
        st.builds(lambda ab, op: ast.Compare(ab[0], [op()], [ab[1]]), two, st.sampled_from(COMPARISONS)),
        st.builds(
            lambda a, op: ast.Compare(a, [op()], [ast.Constant(None)]),
            children,
            st.sampled_from([ast.Is, ast.IsNot]),
        ),
        st.builds(ast.IfExp, children, children, children),
        st.builds(lambda a, attr: ast.Attribute(a, attr, ast.Load()), children, st.sampled_from(SAFE_ATTRS)),
        st.builds(lambda ab: ast.Subscript(ab[0], ab[1], ast.Load()), two),
        st.builds(lambda a, lo: ast.Subscript(a, ast.Slice(lo, None, None), ast.Load()), children, children),
        safe_call(children),
        st.lists(children, max_size=3).map(lambda items: ast.List(items, ast.Load())),
        st.lists(children, max_size=3).map(lambda items: ast.Tuple(items, ast.Load())),
        st.lists(two, max_size=3).map(lambda pairs: ast.Dict([k for k, _ in pairs], [v for _, v in pairs])),
    )


def wide_extend(children):
    """The allowed syntax plus constructs the language must refuse."""
    generator = ast.comprehension(target=ast.Name("x", ast.Store()), iter=load("input"), ifs=[], is_async=0)
    no_arguments = ast.arguments([], [], None, [], [], None, [])
    return st.one_of(
        safe_extend(children),
        st.builds(
            lambda a, op, b: ast.BinOp(a, op(), b), children, st.sampled_from(FORBIDDEN_OPS[:4]), children
        ),
        children.map(lambda a: ast.UnaryOp(ast.Invert(), a)),
        st.builds(lambda a, b: ast.Compare(a, [ast.Is()], [b]), children, children),
        st.builds(lambda a, attr: ast.Attribute(a, attr, ast.Load()), children, st.sampled_from(BAD_ATTRS)),
        st.builds(lambda a, b: ast.Subscript(a, ast.Slice(None, None, b), ast.Load()), children, children),
        st.builds(
            lambda name, args: ast.Call(load(name), args, []),
            st.sampled_from(["getattr", "open", "input", "eval", "type"]),
            st.lists(children, max_size=2),
        ),
        st.builds(
            lambda a, attr: ast.Call(ast.Attribute(a, attr, ast.Load()), [], []),
            children,
            st.sampled_from(SAFE_ATTRS),
        ),
        st.builds(lambda a, b: ast.Call(load("len"), [a], [ast.keyword("x", b)]), children, children),
        children.map(lambda a: ast.List([ast.Starred(a, ast.Load())], ast.Load())),
        children.map(lambda a: ast.Dict([None], [a])),
        st.lists(children, min_size=1, max_size=2).map(ast.Set),
        children.map(lambda a: ast.Lambda(no_arguments, a)),
        children.map(lambda a: ast.ListComp(a, [generator])),
        children.map(lambda a: ast.GeneratorExp(a, [generator])),
        children.map(lambda a: ast.NamedExpr(ast.Name("x", ast.Store()), a)),
        children.map(lambda a: ast.JoinedStr([ast.FormattedValue(a, -1, None)])),
    )


safe_trees = st.recursive(safe_leaves, safe_extend, max_leaves=10)
wide_trees = st.recursive(st.one_of(safe_leaves, bad_leaves), wide_extend, max_leaves=10)


def must_be_rejected(tree):
    """True when the tree uses something the language forbids, whatever the values."""
    for node in ast.walk(tree):
        if isinstance(node, FORBIDDEN_NODES + FORBIDDEN_OPS + (ast.Starred, ast.keyword)):
            return True
        if isinstance(node, ast.Name) and node.id in BAD_NAMES:
            return True
        if isinstance(node, ast.Dict) and None in node.keys:
            return True
        if isinstance(node, ast.Compare) and any(
            isinstance(op, ast.Is) and not (isinstance(c, ast.Constant) and c.value is None)
            for op, c in zip(node.ops, node.comparators, strict=True)
        ):
            return True
        if isinstance(node, ast.Constant) and isinstance(node.value, bytes):
            return True
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            return True
        if isinstance(node, ast.Call) and not (
            isinstance(node.func, ast.Name) and node.func.id in FUNCTION_TABLE
        ):
            return True
        if isinstance(node, ast.Slice) and node.step is not None:
            return True
    return False


@FAST
@given(safe_trees)
def test_random_trees_of_allowed_syntax_compile_and_evaluate_to_plain_values_or_fail_cleanly(tree):
    # given
    source = unparse(tree)
    # when
    result = compile_and_run(source)
    # then
    if isinstance(result, ExpressionError):
        allowed = {"evaluation_failed", "bad_expression", "expression_too_complex"}
        assert result.code in allowed, (source, result)
        if result.code == "bad_expression":
            assert "literal" in result.message, (source, result)
    else:
        assert is_allowed_value(result), source


@FAST
@given(wide_trees)
def test_random_syntax_trees_are_rejected_or_evaluate_to_plain_values(tree):
    # given
    source = unparse(tree)
    # when
    result = compile_and_run(source)
    # then
    if must_be_rejected(tree):
        assert isinstance(result, ExpressionError), source
        assert result.code != "evaluation_failed", source
    else:
        assert isinstance(result, ExpressionError) or is_allowed_value(result), source


# -- arithmetic on small integers agrees with Python ------------------------------------

ARITHMETIC = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
ARITHMETIC |= {ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod}
small_ints = st.integers(0, 50).map(lambda v: ast.Constant(value=v))


def arithmetic(children):
    return st.one_of(
        st.builds(
            lambda a, op, b: ast.BinOp(a, op(), b),
            children,
            st.sampled_from(sorted(ARITHMETIC, key=str)),
            children,
        ),
        st.builds(lambda a, e: ast.BinOp(a, ast.Pow(), ast.Constant(e)), children, st.integers(0, 3)),
        children.map(lambda a: ast.UnaryOp(ast.USub(), a)),
    )


class OutOfBounds(Exception):
    """The reference computation left the language's bounds."""


def reference(node):
    """Python's own result, step by step, with the language's bound on integers."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.UnaryOp):
        result = -reference(node.operand)
    else:
        left, right = reference(node.left), reference(node.right)
        result = left**right if isinstance(node.op, ast.Pow) else ARITHMETIC[type(node.op)](left, right)
    if isinstance(result, int) and abs(result) > MAX_INT:
        raise OutOfBounds
    return result


@FAST
@given(st.recursive(small_ints, arithmetic, max_leaves=10))
def test_arithmetic_on_small_integers_equals_python(tree):
    # given: the reference reads the tree Python parses back from the source
    source = unparse(tree)
    try:
        expected = reference(ast.parse(source, mode="eval").body)
    except (ZeroDivisionError, OutOfBounds):
        expected = None
    # when
    result = compile_and_run(source)
    # then
    if expected is None:
        assert isinstance(result, ExpressionError) and result.code == "evaluation_failed", source
    elif isinstance(result, ExpressionError):
        assert result.code == "expression_too_complex", source
    else:
        assert result == expected, source
        assert type(result) is type(expected), source
