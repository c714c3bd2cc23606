"""Instance input is checked against the graph's `inputs` (pure)."""

from __future__ import annotations

from workflows.runtime.inputs import input_problems

DECLARED = {
    "title": {"type": "string", "required": True},
    "amount": {"type": "number", "required": True},
    "count": {"type": "integer"},
    "urgent": {"type": "boolean", "default": False},
    "tags": {"type": "array"},
    "meta": {"type": "object"},
    "currency": {"type": "string", "required": True, "default": "EUR"},
}


def test_valid_input_has_no_problems() -> None:
    data = {"title": "x", "amount": 2.5, "count": 3, "urgent": True, "tags": [], "meta": {}}
    assert input_problems(DECLARED, data) == {}


def test_a_required_input_without_default_is_missing_but_one_with_a_default_is_not() -> None:
    problems = input_problems(DECLARED, {"amount": 1})
    assert problems == {"title": {"code": "missing", "message": "title is required"}}


def test_each_type_is_checked_and_booleans_are_not_numbers() -> None:
    data = {"title": 5, "amount": True, "count": 1.5, "urgent": "yes", "tags": {}, "meta": []}
    problems = input_problems(DECLARED, data)
    assert {name: p["code"] for name, p in problems.items()} == {
        "title": "mistyped", "amount": "mistyped", "count": "mistyped",
        "urgent": "mistyped", "tags": "mistyped", "meta": "mistyped",
    }  # fmt: skip
    assert problems["amount"]["message"] == "amount must be a number, got boolean"


def test_integers_accept_whole_floats_and_numbers_accept_integers() -> None:
    assert input_problems(DECLARED, {"title": "x", "amount": 3, "count": 2.0}) == {}


def test_undeclared_inputs_are_unknown() -> None:
    problems = input_problems(DECLARED, {"title": "x", "amount": 1, "colour": "red"})
    assert problems == {"colour": {"code": "unknown", "message": "colour is not an input of this workflow"}}


def test_input_must_be_an_object() -> None:
    assert input_problems(DECLARED, ["x"])["input"]["code"] == "mistyped"
    assert input_problems(None, {}) == {}
