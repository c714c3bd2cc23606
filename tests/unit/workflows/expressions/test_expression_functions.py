"""The allow-listed functions, one behaviour at a time."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from workflows.expressions import FUNCTION_HELP, FUNCTIONS, ExpressionError, evaluate

CONTEXT = {"input": {"name": "  Ann ", "tags": ["a", "b"], "n": None, "scores": [3, 1.5, 2]}}
NOW = datetime(2024, 6, 1, 9, 30, tzinfo=UTC)


def test_the_allow_list_holds_the_documented_functions_and_each_has_help():
    assert {"len", "lower", "upper", "now", "days", "hours", "minutes"} <= FUNCTIONS
    assert set(FUNCTION_HELP) == FUNCTIONS
    assert all(FUNCTION_HELP[name].startswith(name) for name in FUNCTIONS)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("len('abc')", 3),
        ("len(input.tags)", 2),
        ("len({'a': 1})", 1),
        ("len(input.n)", 0),
        ("lower('AbC')", "abc"),
        ("upper('AbC')", "ABC"),
        ("lower(input.n)", None),
        ("trim(input.name)", "Ann"),
        ("days(2)", timedelta(days=2)),
        ("hours(1.5)", timedelta(minutes=90)),
        ("minutes(5)", timedelta(minutes=5)),
        ("seconds(30)", timedelta(seconds=30)),
        ("duration('PT2H30M')", timedelta(hours=2, minutes=30)),
        ("duration('P1W2D')", timedelta(days=9)),
        ("duration('PT0.5S')", timedelta(milliseconds=500)),
        ("duration('-PT1H')", timedelta(hours=-1)),
        ("datetime('2024-01-02T03:04:05Z')", datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("datetime('2024-01-02')", datetime(2024, 1, 2, tzinfo=UTC)),
        ("str(12)", "12"),
        ("str(1.5)", "1.5"),
        ("str(true)", "true"),
        ("str(null)", ""),
        ("str([1, 'a'])", '[1, "a"]'),
        ("str({'a': null})", '{"a": null}'),
        ("str(hours(26))", "P1DT2H"),
        ("str(duration('PT0S'))", "PT0S"),
        ("int('42')", 42),
        ("int(' -7 ')", -7),
        ("int(3.9)", 3),
        ("int(true)", 1),
        ("float('2.5')", 2.5),
        ("float(2)", 2.0),
        ("bool('')", False),
        ("bool([0])", True),
        ("round(2.5)", 2),
        ("round(2.675, 1)", 2.7),
        ("round(1234, -2)", 1200),
        ("abs(-3)", 3),
        ("abs(-hours(1))", timedelta(hours=1)),
        ("min(input.scores)", 1.5),
        ("max(input.scores)", 3),
        ("min(4, 2, 8)", 2),
        ("max('a', 'b')", "b"),
        ("sum(input.scores)", 6.5),
        ("sum([])", 0),
        ("contains(input.tags, 'a')", True),
        ("contains('hello', 'ell')", True),
        ("contains(input.n, 'x')", False),
        ("startswith('invoice-1', 'invoice')", True),
        ("endswith('report.pdf', '.pdf')", True),
        ("startswith(input.n, 'x')", False),
        ("join(input.tags, ', ')", "a, b"),
        ("join([1, null, true])", "1true"),
        ("join(input.n, ',')", ""),
        ("default(input.n, 'none')", "none"),
        ("default(input.tags, [])", ["a", "b"]),
        ("default('', 'x')", ""),
    ],
)
def test_functions_compute_the_documented_result(source, expected):
    # when
    result = evaluate(source, CONTEXT)
    # then
    assert result == expected
    assert type(result) is type(expected)


def test_now_returns_the_given_clock_and_the_same_value_within_one_evaluation():
    assert evaluate("now()", {}, now=NOW) == NOW
    assert evaluate("now() == now()", {}) is True


def test_now_without_a_clock_is_the_current_utc_time():
    # when
    before = datetime.now(UTC)
    result = evaluate("now()", {})
    after = datetime.now(UTC)
    # then
    assert before <= result <= after
    assert result.tzinfo is not None


def test_a_naive_clock_is_taken_as_utc():
    assert evaluate("now()", {}, now=datetime(2024, 1, 1, 12)) == datetime(2024, 1, 1, 12, tzinfo=UTC)


def test_datetime_keeps_an_explicit_offset():
    result = evaluate("datetime('2024-01-01T10:00:00+02:00')", {})
    assert result.utcoffset() == timedelta(hours=2)
    assert result == datetime(2024, 1, 1, 8, 0, tzinfo=UTC)
    assert evaluate("str(datetime('2024-01-01T10:00:00+02:00'))", {}) == "2024-01-01T10:00:00+02:00"
    assert result.tzinfo == timezone(timedelta(hours=2))


@pytest.mark.parametrize(
    "source",
    [
        "len(5)",
        "lower(5)",
        "upper([])",
        "days('2')",
        "hours(true)",
        "duration('P1M')",
        "duration('P1Y')",
        "duration('2 hours')",
        "duration('P')",
        "duration('PT')",
        "datetime('yesterday')",
        "datetime(5)",
        "datetime('2024-01-01' * 10)",
        "int('abc')",
        "int('1.5')",
        "int('9' * 30)",
        "int([])",
        "float('nan')",
        "float('inf')",
        "float('x')",
        "float(null)",
        "round('1')",
        "round(1.5, 100)",
        "abs('x')",
        "min([])",
        "min(5)",
        "max([1, 'a'])",
        "sum([1, 'a'])",
        "sum('abc')",
        "sum([1000000000000000000, 1])",
        "startswith('a', 1)",
        "join('abc', ',')",
        "join(['a'], 1)",
        "join(['a' * 60000, 'b' * 60000])",
        "days(1e300)",
    ],
)
def test_functions_reject_arguments_they_cannot_handle(source):
    with pytest.raises(ExpressionError) as caught:
        evaluate(source, CONTEXT)
    assert caught.value.code == "evaluation_failed"
    assert caught.value.message


@pytest.mark.parametrize(
    "source",
    ["len()", "len(1, 2)", "now(1)", "default(1)", "round(1, 2, 3)", "min()", "join()", "lower('a', 'b')"],
)
def test_a_call_with_the_wrong_number_of_arguments_is_rejected_when_compiling(source):
    with pytest.raises(ExpressionError) as caught:
        evaluate(source, CONTEXT)
    assert caught.value.code == "bad_expression"
    assert "argument" in caught.value.message


def test_text_of_a_huge_value_is_refused_rather_than_built():
    # given
    context = {"input": {"rows": ["x" * 1000] * 200}}
    # when
    with pytest.raises(ExpressionError) as caught:
        evaluate("str(input.rows)", context)
    # then
    assert caught.value.code == "evaluation_failed"
