"""Operators: arithmetic, comparison, boolean logic, membership and conditionals."""

from datetime import UTC, datetime, timedelta

import pytest

from workflows.expressions import ExpressionError, evaluate

CONTEXT = {
    "input": {"amount": 1500, "category": "Travel", "tags": ["urgent", "eu"], "note": None},
    "vars": {"risk": 60, "ratio": 0.25, "owner": {"name": "ann"}},
}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("1 + 2", 3),
        ("7 - 10", -3),
        ("6 * 7", 42),
        ("7 / 2", 3.5),
        ("7 // 2", 3),
        ("-7 // 2", -4),
        ("7 % 3", 1),
        ("-7 % 3", 2),
        ("2 ** 10", 1024),
        ("2 ** -1", 0.5),
        ("-vars.risk", -60),
        ("+vars.ratio", 0.25),
        ("vars.risk * vars.ratio", 15.0),
        ("'ab' + 'cd'", "abcd"),
        ("'ab' * 3", "ababab"),
        ("3 * 'ab'", "ababab"),
        ("[1, 2] + [3]", [1, 2, 3]),
        ("[0] * 3", [0, 0, 0]),
        ("'ab' * -1", ""),
        ("input.amount * 1.1 > 1600", True),
    ],
)
def test_arithmetic_matches_python_for_supported_operands(source, expected):
    # when
    result = evaluate(source, CONTEXT)
    # then
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("input.amount == 1500", True),
        ("input.amount != 1500", False),
        ("input.amount > 1000", True),
        ("input.amount >= 1500", True),
        ("input.amount < 1000", False),
        ("input.amount <= 1499.5", False),
        ("1 < vars.risk < 100", True),
        ("1 < vars.risk < 50", False),
        ("'abc' < 'abd'", True),
        ("[1, 2] < [1, 3]", True),
        ("1 == 1.0", True),
        ("'1' == 1", False),
        ("null == None", True),
        ("input.note is None", True),
        ("input.note is not None", False),
        ("input.missing is null", True),
        ("vars.owner == {'name': 'ann'}", True),
    ],
)
def test_comparisons(source, expected):
    assert evaluate(source, CONTEXT) is expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("'urgent' in input.tags", True),
        ("'late' in input.tags", False),
        ("'late' not in input.tags", True),
        ("'rav' in input.category", True),
        ("'name' in vars.owner", True),
        ("'age' in vars.owner", False),
        ("'x' in input.missing", False),
        ("'x' not in input.missing", True),
    ],
)
def test_membership_in_lists_strings_objects_and_null(source, expected):
    assert evaluate(source, CONTEXT) is expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("true and false", False),
        ("true or false", True),
        ("not input.note", True),
        ("input.note or 'fallback'", "fallback"),
        ("input.category and input.amount", 1500),
        ("0 and 1 / 0", 0),
        ("1 or 1 / 0", 1),
        ("'big' if input.amount > 1000 else 'small'", "big"),
        ("'big' if input.amount > 9000 else 'small'", "small"),
        ("True if [] else False", False),
        ("bool({})", False),
    ],
)
def test_boolean_logic_short_circuits_and_returns_operands(source, expected):
    assert evaluate(source, CONTEXT) == expected


def test_datetime_and_duration_arithmetic():
    # given
    context = {"input": {"due": datetime(2024, 3, 1, 12, 0, tzinfo=UTC)}}
    now = datetime(2024, 3, 1, 15, 30, tzinfo=UTC)
    # then
    assert evaluate("input.due + days(1)", context) == datetime(2024, 3, 2, 12, 0, tzinfo=UTC)
    assert evaluate("hours(2) + input.due", context) == datetime(2024, 3, 1, 14, 0, tzinfo=UTC)
    assert evaluate("input.due - minutes(30)", context) == datetime(2024, 3, 1, 11, 30, tzinfo=UTC)
    assert evaluate("now() - input.due", context, now=now) == timedelta(hours=3, minutes=30)
    assert evaluate("now() - input.due > hours(3)", context, now=now) is True
    assert evaluate("input.due < now()", context, now=now) is True
    assert evaluate("(now() - input.due) / hours(1)", context, now=now) == 3.5
    assert evaluate("hours(1) * 3 == 3 * hours(1)", context) is True
    assert evaluate("hours(3) // 2", context) == timedelta(minutes=90)
    assert evaluate("-hours(1) + +hours(2)", context) == timedelta(hours=1)


def test_a_naive_datetime_in_the_data_is_taken_as_utc():
    # given
    context = {"input": {"at": datetime(2024, 3, 1, 12, 0)}}
    # when
    result = evaluate("input.at + hours(1)", context)
    # then
    assert result == datetime(2024, 3, 1, 13, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "source",
    [
        "'a' + 1",
        "1 + true",
        "[1] + 'a'",
        "'a' - 'b'",
        "'%s' % 1",
        "{'a': 1} * 2",
        "'a' * 1.5",
        "'a' ** 2",
        "-'a'",
        "+[1]",
        "1 / 0",
        "1 // 0",
        "1 % 0",
        "0 ** -1",
        "'a' < 1",
        "null < 1",
        "input.missing > 1000",
        "[1, 'a'] < [1, 2]",
        "{'a': 1} < {'a': 2}",
        "true < false",
        "1 in 'abc'",
        "'a' in 5",
        "[1] in {'a': 1}",
        "now() + 1",
        "hours(1) + 1",
        "now() < '2024-01-01'",
    ],
)
def test_operands_of_the_wrong_type_fail_as_evaluation_errors(source):
    # when
    with pytest.raises(ExpressionError) as caught:
        evaluate(source, CONTEXT)
    # then
    assert caught.value.code == "evaluation_failed"
    assert caught.value.message


def test_a_type_error_names_both_types_and_suggests_a_conversion():
    with pytest.raises(ExpressionError) as caught:
        evaluate("'total: ' + input.amount", CONTEXT)
    assert "string" in caught.value.message
    assert "integer" in caught.value.message
    assert "str(" in caught.value.message


@pytest.mark.parametrize(
    "source",
    [
        "9 ** 9 ** 9",
        "10 ** 19",
        "2 ** 62 * 2 ** 62",
        "1000000000000000000 + 1",
        "-1000000000000000000 - 1",
        "10.0 ** 400",
        "1e308 * 10",
        "(-8) ** 0.5",
        "'a' * 10 ** 10",
        "[1] * 100001",
        "'ab' * 50001",
        "days(10 ** 12)",
    ],
)
def test_results_outside_the_bounds_fail_fast(source):
    # when
    with pytest.raises(ExpressionError) as caught:
        evaluate(source, {})
    # then
    assert caught.value.code == "evaluation_failed"


def test_results_at_the_bounds_are_allowed():
    assert evaluate("10 ** 18", {}) == 10**18
    assert evaluate("-(10 ** 18)", {}) == -(10**18)
    assert len(evaluate("'a' * 100000", {})) == 100_000
    assert evaluate("1 ** 1000000000000000000", {}) == 1
    assert evaluate("(-1) ** 999999999999999999", {}) == -1
