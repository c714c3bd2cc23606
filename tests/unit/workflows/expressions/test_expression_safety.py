"""Every error code, every known injection attempt, and the resource bounds."""

import ast
import pathlib
import subprocess
import sys
import time

import pytest

import workflows.expressions as expressions
from workflows.expressions import ROOT_NAMES, ExpressionError, compile_expression, evaluate

PACKAGE_DIR = pathlib.Path(expressions.__file__).parent
REPO_ROOT = PACKAGE_DIR.parent.parent


@pytest.mark.parametrize(
    ("source", "code"),
    [
        ("input.amount >", "bad_expression"),
        ("", "bad_expression"),
        ("   ", "bad_expression"),
        ("x = 1", "bad_expression"),
        ("1\n2", "bad_expression"),
        ("10 ** 30 if false else 99999999999999999999", "bad_expression"),
        ("1e999", "bad_expression"),
        ("len(1, 2)", "bad_expression"),
        ("a\x00", "bad_expression"),
        ("1 + " * 600 + "1", "expression_too_long"),
        ("1" + " + 1" * 200, "expression_too_complex"),
        ("[" * 40 + "]" * 40, "expression_too_complex"),
        ("(" * 300 + "1" + ")" * 300, "expression_too_complex"),
        ("user.name", "unknown_name"),
        ("range", "unknown_name"),
        ("True_", "unknown_name"),
        ("print(1)", "unknown_function"),
        ("vars(1)", "unknown_function"),
        ("lambda: 1", "forbidden_syntax"),
        ("len", "forbidden_syntax"),
        ("1 / 0", "evaluation_failed"),
    ],
)
def test_each_error_code_is_raised_for_its_cause(source, code):
    with pytest.raises(ExpressionError) as caught:
        evaluate(source, {})
    assert caught.value.code == code
    assert isinstance(caught.value.message, str) and caught.value.message
    assert str(caught.value) == caught.value.message


@pytest.mark.parametrize(
    ("source", "code"),
    [
        ("__import__('os')", "unknown_function"),
        ("__import__('os').system('true')", "forbidden_syntax"),
        ("().__class__.__bases__", "forbidden_syntax"),
        ("().__class__.__bases__[0].__subclasses__()", "forbidden_syntax"),
        ("input.__class__", "forbidden_syntax"),
        ("input._private", "forbidden_syntax"),
        ("input.__dict__", "forbidden_syntax"),
        ("now().__class__", "forbidden_syntax"),
        ("lambda: 1", "forbidden_syntax"),
        ("(lambda: 1)()", "forbidden_syntax"),
        ("[x for x in range(10)]", "forbidden_syntax"),
        ("{x: 1 for x in 'ab'}", "forbidden_syntax"),
        ("{x for x in 'ab'}", "forbidden_syntax"),
        ("sum(x for x in [1])", "forbidden_syntax"),
        ("(x := 1)", "forbidden_syntax"),
        ("getattr(input, 'x')", "unknown_function"),
        ("open('/etc/passwd')", "unknown_function"),
        ("eval('1')", "unknown_function"),
        ("exec('1')", "unknown_function"),
        ("compile('1', 'f', 'eval')", "unknown_function"),
        ("globals()", "unknown_function"),
        ("type(input)", "unknown_function"),
        ("input.get('x')", "forbidden_syntax"),
        ("'a'.upper()", "forbidden_syntax"),
        ("'{0.__class__}'.format(1)", "forbidden_syntax"),
        ("f'{input}'", "forbidden_syntax"),
        ("[*input]", "forbidden_syntax"),
        ("len(*input)", "forbidden_syntax"),
        ("{**input}", "forbidden_syntax"),
        ("len(x=1)", "forbidden_syntax"),
        ("{1, 2}", "forbidden_syntax"),
        ("b'x'", "forbidden_syntax"),
        ("1j", "forbidden_syntax"),
        ("...", "forbidden_syntax"),
        ("1 << 70", "forbidden_syntax"),
        ("~1", "forbidden_syntax"),
        ("1 is 1", "forbidden_syntax"),
        ("[1, 2][::-1]", "forbidden_syntax"),
        ("(yield)", "forbidden_syntax"),
        ("await input", "forbidden_syntax"),
        ("__builtins__", "unknown_name"),
        ("os.system('id')", "forbidden_syntax"),
        ("9**9**9", "evaluation_failed"),
        ("'a'*10**10", "evaluation_failed"),
        ("[1] * 10**10", "evaluation_failed"),
        ("(" * 500 + "1" + ")" * 500, "expression_too_complex"),
        ("-" * 1999 + "1", "expression_too_complex"),
        ("not " * 400 + "1", "expression_too_complex"),
        ("x" * 10_000, "expression_too_long"),
    ],
)
def test_injection_attempts_are_rejected(source, code):
    # when
    started = time.perf_counter()
    with pytest.raises(ExpressionError) as caught:
        evaluate(source, {"input": {"x": 1}})
    # then
    assert caught.value.code == code
    assert time.perf_counter() - started < 0.5


def test_method_call_errors_point_to_the_function_form():
    with pytest.raises(ExpressionError) as caught:
        compile_expression("input.name.upper()")
    assert "upper(x)" in caught.value.message


def test_errors_carry_the_character_offset_of_the_problem():
    cases = {
        "input.amount > 1000 and foo": 24,
        "  input.__class__": 2,
        "'é' + open('x')": 6,
        "(input.a and\n  bar)": 15,
        "1 + (2 *": 4,
        "input.amount / 0": 0,
        "1 + lower(2)": 4,
    }
    for source, offset in cases.items():
        with pytest.raises(ExpressionError) as caught:
            evaluate(source, {"input": {"amount": 1}})
        assert caught.value.offset == offset, source


def test_a_source_that_is_not_a_string_is_a_bad_expression():
    with pytest.raises(ExpressionError) as caught:
        compile_expression(None)  # type: ignore[arg-type]
    assert caught.value.code == "bad_expression"


def test_a_context_that_is_not_a_mapping_or_a_bad_clock_fails_as_an_evaluation_error():
    with pytest.raises(ExpressionError) as caught:
        evaluate("1", [])  # type: ignore[arg-type]
    assert caught.value.code == "evaluation_failed"
    with pytest.raises(ExpressionError) as caught:
        evaluate("now()", {}, now="2024-01-01")  # type: ignore[arg-type]
    assert caught.value.code == "evaluation_failed"


def test_deeply_nested_data_fails_cleanly_instead_of_exhausting_the_stack():
    # given
    nested: list = []
    for _ in range(5_000):
        nested = [nested]
    # when
    with pytest.raises(ExpressionError) as caught:
        evaluate("input.deep", {"input": {"deep": nested}})
    # then
    assert caught.value.code == "evaluation_failed"


def test_a_failing_context_mapping_surfaces_as_an_expression_error():
    # given
    class Exploding(dict):
        def get(self, key, default=None):
            raise RuntimeError("boom")

    # when
    with pytest.raises(ExpressionError) as caught:
        evaluate("input.x", Exploding())
    # then
    assert caught.value.code == "evaluation_failed"


def test_only_the_documented_root_names_exist():
    assert frozenset({"input", "vars", "steps", "instance"}) == ROOT_NAMES


def test_the_package_never_calls_eval_exec_or_compile():
    # given
    forbidden = {"eval", "exec", "compile", "__import__", "getattr", "setattr"}
    # when
    calls = [
        (path.name, node.func.id)
        for path in PACKAGE_DIR.glob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in forbidden
    ]
    # then
    assert calls == []


def test_the_package_imports_neither_django_celery_nor_channels():
    # given
    probe = (
        "import sys, workflows.expressions\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'django', 'celery', 'channels', 'rest_framework'})\n"
        "print(','.join(bad))\n"
    )
    # when
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60, cwd=REPO_ROOT
    )
    # then
    assert result.stdout.strip() == ""


@pytest.mark.parametrize(
    "source",
    ["[[0] * 100000] * 100000", "str([[0] * 100000] * 100000)", "[{'a': 1}] * 2", "[input.rows] * 2"],
)
def test_containers_cannot_be_repeated_into_a_huge_aliased_value(source):
    # when
    started = time.perf_counter()
    with pytest.raises(ExpressionError) as caught:
        evaluate(source, {"input": {"rows": [1]}})
    # then
    assert caught.value.code == "evaluation_failed"
    assert time.perf_counter() - started < 0.5


def test_a_result_holding_too_many_values_is_refused():
    # given: a million-and-more values reachable through one root
    context = {"input": {"rows": [[0] * 1000] * 1001}}
    # when
    with pytest.raises(ExpressionError) as caught:
        evaluate("input.rows", context)
    # then
    assert caught.value.code == "evaluation_failed"
    assert "values" in caught.value.message
