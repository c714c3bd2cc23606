"""Mapping what arrived to a workflow's input: templates over body/headers or an ended instance."""

from __future__ import annotations

import pytest

from workflows.expressions import ExpressionError, render_value
from workflows.waits.mapping import (
    FINISHED_ROOTS,
    HOOK_ROOTS,
    condition_holds,
    condition_problem,
    hook_headers,
    render_mapping,
    template_problems,
)


def test_a_webhook_mapping_reads_the_body_and_headers_and_keeps_types() -> None:
    template = {
        "order": "{{ body.order.id }}",
        "source": "{{ headers['x-source'] }}",
        "note": "id {{ body.order.id }}",
    }
    context = {"body": {"order": {"id": 42}}, "headers": {"x-source": "shop"}}
    assert render_mapping(template, context, roots=HOOK_ROOTS) == {
        "order": 42,
        "source": "shop",
        "note": "id 42",
    }


def test_a_webhook_mapping_cannot_read_workflow_names_and_workflows_cannot_read_body() -> None:
    with pytest.raises(ExpressionError):
        render_mapping({"x": "{{ input.amount }}"}, {"input": {"amount": 1}}, roots=HOOK_ROOTS)
    with pytest.raises(ExpressionError):
        render_value("{{ body.x }}", {"body": {"x": 1}})  # the default roots of graph templates


def test_template_problems_name_the_path_of_each_bad_template() -> None:
    problems = template_problems(
        {"a": "{{ body.x }}", "b": ["{{ nope.y }}"], "c": "{{ 1 + }}"}, roots=HOOK_ROOTS
    )
    assert [problem.split(":")[0] for problem in problems] == ["b[0]", "c"]


def test_headers_lose_credentials_and_the_signature_and_are_lower_cased() -> None:
    headers = {"Authorization": "Bearer x", "Cookie": "a=b", "X-Flowdesk-Signature": "sha256=..", "X-Id": "7"}
    assert hook_headers(headers) == {"x-id": "7"}


def test_an_internal_condition_reads_the_ended_instance() -> None:
    context = {"input": {"amount": 10}, "vars": {"risk": 70}, "instance": {"result": "approved"}}
    assert condition_holds("instance.result == 'approved' and vars.risk > 50", context, roots=FINISHED_ROOTS)
    assert not condition_holds("input.amount > 100", context, roots=FINISHED_ROOTS)
    assert condition_holds("", context, roots=FINISHED_ROOTS)


def test_a_condition_reading_steps_is_refused_for_internal_triggers() -> None:
    assert condition_problem("steps.a.output", roots=FINISHED_ROOTS) is not None
    assert condition_problem("vars.x == 1", roots=FINISHED_ROOTS) is None
