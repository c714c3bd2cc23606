"""Decision forms are checked against the node's fields: types, required, choices."""

from __future__ import annotations

import pytest

from approvals.domain.forms import FormInvalid, form_fields, needs_input, validate_form

FIELDS = form_fields(
    [
        {"name": "reason", "label": "Reason", "type": "text", "required": True},
        {"name": "amount", "type": "number"},
        {"name": "count", "type": "integer"},
        {"name": "urgent", "type": "boolean"},
        {"name": "when", "type": "date"},
        {"name": "contact", "type": "email"},
        {"name": "level", "type": "choice", "choices": ["low", "high"]},
    ]
)


def test_valid_values_are_cleaned() -> None:
    cleaned = validate_form(
        FIELDS,
        {
            "reason": " ok ",
            "amount": "12.5",
            "count": 3.0,
            "urgent": "on",
            "when": "2030-01-02",
            "level": "low",
        },
    )
    assert cleaned == {
        "reason": "ok",
        "amount": 12.5,
        "count": 3,
        "urgent": True,
        "when": "2030-01-02",
        "level": "low",
    }


def test_a_missing_required_field_is_reported() -> None:
    with pytest.raises(FormInvalid) as caught:
        validate_form(FIELDS, {"amount": 1})
    assert caught.value.errors == {"reason": ["This field is required."]}


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(FormInvalid) as caught:
        validate_form(
            FIELDS,
            {
                "reason": "x",
                "amount": "lots",
                "count": 1.5,
                "urgent": "maybe",
                "when": "tomorrow",
                "contact": "nobody",
                "level": "medium",
                "extra": 1,
            },
        )
    assert set(caught.value.errors) == {"amount", "count", "urgent", "when", "contact", "level", "extra"}


@pytest.mark.parametrize("value", [True, float("nan"), float("inf"), [1]])
def test_numbers_must_be_finite_numbers(value: object) -> None:
    with pytest.raises(FormInvalid):
        validate_form(FIELDS, {"reason": "x", "amount": value})


def test_a_form_with_required_fields_needs_input() -> None:
    assert needs_input(FIELDS)
    assert not needs_input(form_fields([{"name": "comment", "type": "text"}]))
    assert not needs_input(form_fields(None))


def test_a_non_object_form_is_refused() -> None:
    with pytest.raises(FormInvalid):
        validate_form(FIELDS, ["reason"])  # type: ignore[arg-type]
