"""Reading data: null-safe attribute and index access, slices, datetime parts, references."""

from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID

import pytest

from workflows.expressions import ExpressionError, compile_expression, evaluate

CONTEXT = {
    "input": {"amount": 1500, "title": "Trip", "items": [{"sku": "a"}, {"sku": "b"}], "meta": {"x-id": 7}},
    "vars": {"email": "ann@example.com", "n": 1},
    "steps": {"review": {"output": {"outcome": "approved", "decided_by": "bob"}}},
    "instance": {"id": "3f1c", "business_key": "EXP-1", "started_by": "ann"},
}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("input.amount", 1500),
        ("input['title']", "Trip"),
        ("input.meta['x-id']", 7),
        ("steps.review.output.outcome", "approved"),
        ("instance.business_key", "EXP-1"),
        ("input.items[0].sku", "a"),
        ("input.items[-1].sku", "b"),
        ("input.items[vars.n]['sku']", "b"),
        ("input.title[0]", "T"),
        ("input.items[0:1]", [{"sku": "a"}]),
        ("input.title[1:]", "rip"),
        ("input.title[:-1]", "Tri"),
        ("[1, 2, 3][1:2]", [2]),
        ("{'a': {'b': 2}}.a.b", 2),
        ("(1, 2)", [1, 2]),
    ],
)
def test_attribute_index_and_slice_access(source, expected):
    assert evaluate(source, CONTEXT) == expected


@pytest.mark.parametrize(
    "source",
    [
        "input.missing",
        "input.missing.deeper",
        "input.missing['deeper'][3].x",
        "input.items[2]",
        "input.items[-3]",
        "input.items[5].sku",
        "input.title[99]",
        "steps.nope.output.outcome",
        "input.missing[1:2]",
        "null.x",
    ],
)
def test_missing_keys_and_indexes_out_of_range_give_null(source):
    assert evaluate(source, CONTEXT) is None


def test_a_root_missing_from_the_context_reads_as_null():
    assert evaluate("steps.review.output", {}) is None
    assert evaluate("len(vars)", {}) == 0


@pytest.mark.parametrize(
    "source",
    [
        "input.amount.value",
        "input.items.first",
        "input.title.length",
        "input.items['a']",
        "input.items[true]",
        "input.title[1.0]",
        "input.amount[0]",
        "input.amount[0:1]",
        "input.meta[0:1]",
        "input.items['a':]",
        "input.meta[[1]]",
        "now().isoformat",
        "now().tzinfo",
        "hours(1).days",
        "{1: 2}",
    ],
)
def test_access_on_values_without_that_member_is_an_evaluation_error(source):
    with pytest.raises(ExpressionError) as caught:
        evaluate(source, CONTEXT)
    assert caught.value.code == "evaluation_failed"


def test_only_the_documented_parts_of_a_datetime_are_readable():
    # given
    now = datetime(2024, 3, 7, 14, 5, 9, tzinfo=UTC)
    # then
    parts = "[now().year, now().month, now().day, now().hour, now().minute, now().second, now().weekday]"
    assert evaluate(parts, {}, now=now) == [2024, 3, 7, 14, 5, 9, 3]


def test_results_are_fresh_copies_of_context_data():
    # given
    context = {"input": {"items": [{"sku": "a"}]}}
    # when
    result = evaluate("input.items", context)
    result[0]["sku"] = "changed"
    # then
    assert context["input"]["items"][0]["sku"] == "a"


def test_non_json_values_in_the_context_are_normalised_or_refused():
    # given
    context = {"input": {"id": UUID(int=1), "price": Decimal("12.50"), "count": Decimal(3), "pair": (1, 2)}}
    # then
    assert evaluate("input.id", context) == "00000000-0000-0000-0000-000000000001"
    assert evaluate("input.price * 2", context) == 25.0
    assert evaluate("input.count + 1", context) == 4
    assert evaluate("input.pair", context) == [1, 2]
    with pytest.raises(ExpressionError) as caught:
        evaluate("input.obj", {"input": {"obj": object()}})
    assert caught.value.code == "evaluation_failed"


@pytest.mark.parametrize(
    ("source", "references"),
    [
        ("input.amount > 1000", {("input", "amount")}),
        ("steps.review.output.outcome == 'approved'", {("steps", "review", "output", "outcome")}),
        ("steps['review'].output", {("steps", "review", "output")}),
        ("input.missing.deeper", {("input", "missing", "deeper")}),
        ("input.items[0].sku", {("input", "items")}),
        ("input.items[vars.i].sku", {("input", "items"), ("vars", "i")}),
        ("len(vars) + len(instance.id)", {("vars",), ("instance", "id")}),
        (
            "lower(input.category) == 'travel' and input.amount > 1",
            {("input", "category"), ("input", "amount")},
        ),
        ("now() > datetime('2024-01-01')", set()),
        ("{'a': input.x}.a", {("input", "x")}),
        ("default(input.x, {}).y", {("input", "x")}),
        ("true or null", set()),
    ],
)
def test_references_list_the_longest_static_path_of_each_access(source, references):
    # when
    expression = compile_expression(source)
    # then
    assert expression.references == frozenset(references)
    assert expression.root_names == frozenset(path[0] for path in references)
    assert expression.source == source


def test_compiled_expressions_are_cached_and_reusable():
    # given
    expression = compile_expression("input.amount * 2")
    # then
    assert compile_expression("input.amount * 2") is expression
    assert expression.evaluate({"input": {"amount": 2}}) == 4
    assert expression.evaluate({"input": {"amount": 5}}) == 10


def test_whitespace_and_newlines_around_and_inside_brackets_are_allowed():
    assert evaluate("  input.amount\n", CONTEXT) == 1500
    assert evaluate("(input.amount >\n 1000)", CONTEXT) is True
