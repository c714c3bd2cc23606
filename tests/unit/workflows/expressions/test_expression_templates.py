"""Templates: raw values, interpolation, escaping, JSON values and their references."""

from datetime import UTC, datetime

import pytest

from workflows.expressions import (
    ExpressionError,
    check_value_templates,
    compile_template,
    render_value,
    template_references,
)

CONTEXT = {
    "input": {
        "amount": 1500,
        "currency": "EUR",
        "title": "Trip",
        "tags": ["a", "b"],
        "email": "ann@example.com",
    },
    "vars": {"ok": True, "none": None, "when": datetime(2024, 5, 1, 8, 0, tzinfo=UTC)},
    "steps": {"buddy": {"output": {"buddy": "bob"}}},
    "instance": {"started_by_email": "ann@example.com"},
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{{ input.amount }}", 1500),
        ("  {{ input.amount }}\n", 1500),
        ("{{input.tags}}", ["a", "b"]),
        ("{{ vars.ok }}", True),
        ("{{ vars.none }}", None),
        ("{{ vars.when }}", datetime(2024, 5, 1, 8, 0, tzinfo=UTC)),
        ("{{ {'a': {'b': 1}} }}", {"a": {"b": 1}}),
    ],
)
def test_a_template_that_is_exactly_one_expression_renders_the_raw_value(text, expected):
    # when
    template = compile_template(text)
    # then
    assert template.is_single_expression
    assert template.render(CONTEXT) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Your expense of {{ input.amount }} {{ input.currency }} was approved.",
            "Your expense of 1500 EUR was approved.",
        ),
        ("Your buddy is {{ steps.buddy.output.buddy }}.", "Your buddy is bob."),
        ("[{{ vars.none }}]", "[]"),
        ("ok={{ vars.ok }}", "ok=true"),
        ("at {{ vars.when }}", "at 2024-05-01T08:00:00+00:00"),
        ("tags {{ input.tags }}", 'tags ["a", "b"]'),
        ("{{ input.amount }}{{ input.currency }}", "1500EUR"),
        ("{{ '{{' }} not an expression }}", "{{ not an expression }}"),
        ("a }} b", "a }} b"),
        ("{{ '}}' }}!", "}}!"),
        ('{{ "a\\"}}" }}!', 'a"}}!'),
        ("plain text", "plain text"),
        ("", ""),
        ("in {{ hours(2) }}", "in PT2H"),
    ],
)
def test_other_templates_render_parts_as_text(text, expected):
    assert compile_template(text).render(CONTEXT) == expected


def test_templates_expose_their_expressions_and_references():
    # when
    template = compile_template(
        "{{ input.amount }} {{ lower(input.currency) }} for {{ instance.started_by_email }}"
    )
    # then
    assert [e.source for e in template.expressions] == [
        " input.amount ",
        " lower(input.currency) ",
        " instance.started_by_email ",
    ]
    assert template.references == {
        ("input", "amount"),
        ("input", "currency"),
        ("instance", "started_by_email"),
    }
    assert template.source.startswith("{{ input.amount }}")
    assert not template.is_single_expression


def test_compiled_templates_are_cached():
    assert compile_template("x {{ input.amount }}") is compile_template("x {{ input.amount }}")


def test_render_value_walks_objects_and_lists_and_keeps_other_values():
    # given
    value = {
        "to": "{{ input.email }}",
        "amount": "{{ input.amount }}",
        "subject": "Expense {{ input.title }} approved",
        "lines": ["{{ input.currency }}", 3, None, {"deep": ["{{ vars.ok }}"]}],
        "retries": 2,
        "{{ not_a_template_key }}": True,
    }
    # when
    result = render_value(value, CONTEXT)
    # then
    assert result == {
        "to": "ann@example.com",
        "amount": 1500,
        "subject": "Expense Trip approved",
        "lines": ["EUR", 3, None, {"deep": [True]}],
        "retries": 2,
        "{{ not_a_template_key }}": True,
    }
    assert value["to"] == "{{ input.email }}"


def test_render_value_uses_one_clock_for_every_template():
    # given
    value = ["{{ now() }}", "{{ str(now()) }}", "at {{ now() }}"]
    now = datetime(2024, 1, 1, 0, 0, tzinfo=UTC)
    # when
    first, second, third = render_value(value, {}, now=now)
    # then
    assert first == now
    assert second == now.isoformat()
    assert third == f"at {now.isoformat()}"


def test_render_value_reports_the_path_of_the_failing_string():
    with pytest.raises(ExpressionError) as caught:
        render_value({"params": {"items": ["ok", "{{ 1 / 0 }}"]}}, {})
    assert caught.value.code == "evaluation_failed"
    assert caught.value.path == "params.items[1]"


def test_template_references_collects_every_template_in_a_value():
    # given
    value = {"to": "{{ input.email }}", "cc": ["{{ steps.buddy.output.buddy }}", "x"], "bad": "{{ (", "n": 1}
    # then
    assert template_references(value) == {("input", "email"), ("steps", "buddy", "output", "buddy")}
    assert template_references("{{ vars.x }}") == {("vars", "x")}
    assert template_references(5) == frozenset()


def test_check_value_templates_returns_the_path_and_error_of_each_bad_template():
    # given
    value = {
        "params": {"to": "{{ input.email }}", "body": "Hi {{ user.name }}", "list": ["{{ 1 + }}", "fine"]},
        "headers": {"X-Trace": "{{ open('x') }}"},
        "unclosed": "{{ input.x",
    }
    # when
    problems = check_value_templates(value)
    # then
    assert [(path, error.code) for path, error in problems] == [
        ("params.body", "unknown_name"),
        ("params.list[0]", "bad_expression"),
        ('headers["X-Trace"]', "unknown_function"),
        ("unclosed", "bad_template"),
    ]
    assert problems[0][1].offset == len("Hi {{ ")
    assert check_value_templates({"a": ["{{ input.x }}", 1, None]}) == []


@pytest.mark.parametrize(
    ("text", "code", "offset"),
    [
        ("Hello {{ input.name", "bad_template", 6),
        ("{{ '{{ }}", "bad_template", 0),
        ("a {{ }} b", "bad_template", 2),
        ("{{ input.x }} and {{ vars..y }}", "bad_expression", None),
        ("{{ foo }}", "unknown_name", 3),
        ("x {{ input.__class__ }}", "forbidden_syntax", 5),
        ("{{ " + "1 + " * 600 + "1 }}", "expression_too_long", None),
        ("x" * 10_001, "expression_too_long", None),
    ],
)
def test_bad_templates_raise_with_a_code_and_the_offset_in_the_template(text, code, offset):
    with pytest.raises(ExpressionError) as caught:
        compile_template(text)
    assert caught.value.code == code
    if offset is not None:
        assert caught.value.offset == offset


def test_a_template_that_is_not_a_string_is_a_bad_template():
    with pytest.raises(ExpressionError) as caught:
        compile_template(42)  # type: ignore[arg-type]
    assert caught.value.code == "bad_template"


def test_rendering_text_longer_than_the_bound_fails():
    # given
    template = compile_template("{{ input.big }} and {{ input.big }}")
    # when
    with pytest.raises(ExpressionError) as caught:
        template.render({"input": {"big": "x" * 60_000}})
    # then
    assert caught.value.code == "evaluation_failed"
