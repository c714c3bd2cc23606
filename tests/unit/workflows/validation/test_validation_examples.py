"""The shipped example graphs are valid; injection attempts are bad expressions."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tests.unit.workflows.validation.graphs import EXAMPLES, FakePort, chain, load_example, node
from workflows.validation import validate_graph

SHARED = Path(__file__).resolve().parents[4] / ".." / "shared" / "examples"
NAMES = ["employee-onboarding.json", "expense-approval.json", "incident-response.json", "order-saga.json"]


@pytest.mark.parametrize("name", NAMES)
def test_example_graph_validates_without_problems(name: str) -> None:
    assert [p.as_json() for p in validate_graph(load_example(name), port=FakePort())] == []


# sha256 of each shared original's canonical JSON, recorded when it was copied into the repo:
# the copies are checked against them everywhere, and against shared/ itself where it is beside.
ORIGINALS = {
    "employee-onboarding.json": "b9c648dce25e0874fc390a67ca5605733e7821178e2dae46bfea94bdcdb8491f",
    "expense-approval.json": "153b8e45b67617c3cb2c931807bb317a3265be91bedc627c7b352dfbf8b485fb",
    "incident-response.json": "b3127625988cfc4b8839dd767636cba3673b12e35110613755e79ce38d628511",
    "order-saga.json": "71126207dfd9850e2e508f920e5a43cc9db9ee92360df231cafb8413677503dd",
}


def _digest(document: object) -> str:
    return hashlib.sha256(json.dumps(document, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


@pytest.mark.parametrize("name", NAMES)
def test_in_repo_example_copies_match_the_shared_originals(name: str) -> None:
    copy = json.loads((EXAMPLES / name).read_text())
    assert _digest(copy) == ORIGINALS[name]
    if (SHARED / name).exists():  # beside the shared folder: the original itself has not moved on
        assert json.loads((SHARED / name).read_text()) == copy


def test_examples_name_groups_that_must_exist() -> None:
    port = FakePort(groups=set())
    codes = {p.code for name in NAMES for p in validate_graph(load_example(name), port=port)}
    assert codes == {"unknown_assignee"}


INJECTIONS = [
    "__import__('os')",
    "__import__('os').system('id')",
    "().__class__",
    "().__class__.__bases__[0].__subclasses__()",
    "input.__class__",
    "lambda: 1",
    "(lambda x: x)(1)",
    "[x for x in range(10**9)]",
    "[[y for y in range(10**6)] for x in range(10**6)]",
    "{x: x for x in 'abc'}",
    "open('/etc/passwd')",
    "eval('1')",
    "exec('x = 1')",
    "getattr(input, '__class__')",
    "vars.x.__dict__",
    "(x := 1)",
    "f'{input}'",
    "9 ** 9 ** 9 ** 9",
    "'a' * 10 ** 12" + " + 'b'" * 0,
]


@pytest.mark.parametrize("source", INJECTIONS)
def test_expression_injection_attempt_is_a_bad_expression_on_its_node(source: str) -> None:
    # given a set node whose expression tries to escape the sandbox
    built = chain(node("s", "set", assign={"x": source}))
    # when validated
    problems = validate_graph(built, port=FakePort())
    # then it is refused as a bad expression on that node and path (or, for arithmetic
    # bombs that compile, it compiles to something the evaluator bounds at run time)
    codes = {p.code for p in problems}
    if source.startswith(("9 **", "'a' *")):
        assert codes <= {"bad_expression"}
    else:
        assert [(p.code, p.node, p.path) for p in problems] == [
            ("bad_expression", "s", "nodes[1].config.assign.x")
        ]


@pytest.mark.parametrize(
    "source", ["{{ __import__('os') }}", "{{ ().__class__ }}", "{{ lambda: 1 }}", "{{ input.a"]
)
def test_template_injection_attempt_in_task_params_is_a_bad_expression(source: str) -> None:
    built = chain(node("t", "task", action="core.echo", params={"nested": [{"text": source}]}))
    problems = validate_graph(built, port=FakePort())
    assert [(p.code, p.path) for p in problems] == [
        ("bad_expression", "nodes[1].config.params.nested[0].text")
    ]
