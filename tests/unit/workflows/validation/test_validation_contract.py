"""The served schemas are the ones validation uses, and the fast checker agrees with jsonschema."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from tests.unit.workflows.validation.graphs import load_example
from workflows.actions import all_actions
from workflows.contract.checker import SchemaChecker
from workflows.contract.fastcheck import compile_predicate
from workflows.contract.graph_schema import GRAPH_SCHEMA, SKELETON_SCHEMA
from workflows.contract.node_types import NODE_TYPES, node_types_json
from workflows.validation.schema_stage import CONFIGS, SKELETON

ALL_TYPES = {
    "start",
    "end",
    "task",
    "approval",
    "condition",
    "parallel",
    "join",
    "timer",
    "signal",
    "subworkflow",
    "set",
}
EXAMPLE_NAMES = [
    "employee-onboarding.json",
    "expense-approval.json",
    "incident-response.json",
    "order-saga.json",
]


def test_node_types_cover_the_eleven_types_with_the_contract_fields() -> None:
    served = node_types_json()
    assert {entry["type"] for entry in served} == ALL_TYPES
    for entry in served:
        assert set(entry) == {"type", "label", "icon", "description", "category", "config_schema", "min_incoming",
                              "max_incoming", "min_outgoing", "max_outgoing", "edge_kinds"}  # fmt: skip
        assert entry["category"] in {"start/end", "activities", "flow", "waits", "human"}
        Draft202012Validator.check_schema(entry["config_schema"])


def test_validation_checks_configs_with_the_very_schema_objects_it_serves() -> None:
    for name, spec in NODE_TYPES.items():
        assert CONFIGS[name].schema is spec.config_schema
    for entry in GRAPH_SCHEMA["properties"]["nodes"]["items"]["allOf"]:
        node_type = entry["if"]["properties"]["type"]["const"]
        assert entry["then"]["properties"]["config"] is NODE_TYPES[node_type].config_schema
    assert SKELETON.schema is SKELETON_SCHEMA


def test_every_action_serves_a_valid_params_schema() -> None:
    for spec in all_actions():
        Draft202012Validator.check_schema(spec.params_schema)
        assert spec.params_checker.schema is spec.params_schema


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_the_served_graph_schema_accepts_the_examples(name: str) -> None:
    assert list(Draft202012Validator(GRAPH_SCHEMA).iter_errors(load_example(name))) == []


def test_the_served_graph_schema_rejects_a_config_field_the_validator_rejects() -> None:
    graph = load_example("order-saga.json")
    graph["nodes"][1]["config"]["surprise"] = 1
    assert not Draft202012Validator(GRAPH_SCHEMA).is_valid(graph)


def test_a_trailing_newline_does_not_sneak_past_an_anchored_pattern() -> None:
    checker = SchemaChecker({"type": "string", "pattern": "^[a-z]+$"})
    assert checker.is_valid("abc")
    assert not checker.is_valid("abc\n")
    assert [e.validator for e in checker.errors("abc\n")] == ["pattern"]


# -- the fast predicate agrees with jsonschema ---------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.floats(-5, 5, allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
SCHEMAS = [spec.config_schema for spec in NODE_TYPES.values()] + [
    spec.params_schema for spec in all_actions()
]
KEYS = sorted({key for schema in SCHEMAS for key in schema.get("properties", {})})


def _mutate(base: dict[str, Any], data: st.DataObject) -> dict[str, Any]:
    """Start from a valid value and replace, add or drop a few entries at random depths."""
    value = copy.deepcopy(base)
    for _ in range(data.draw(st.integers(0, 3))):
        target = value
        while isinstance(target, dict) and target and data.draw(st.booleans()):
            child = target[data.draw(st.sampled_from(sorted(target)))]
            if not isinstance(child, dict):
                break
            target = child
        if isinstance(target, dict):
            key = data.draw(st.sampled_from([*sorted(target), *KEYS, "surprise"]))
            if target and data.draw(st.booleans()):
                target.pop(key, None)
            else:
                target[key] = data.draw(json_values)
    return value


VALID_CONFIGS: dict[str, dict[str, Any]] = {
    node["type"]: node["config"]
    for name in EXAMPLE_NAMES
    for node in load_example(name)["nodes"]
    if node.get("config")
}


@pytest.mark.parametrize("node_type", sorted(VALID_CONFIGS))
@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(data=st.data())
def test_fast_check_agrees_with_jsonschema_on_mutated_configs(node_type: str, data: st.DataObject) -> None:
    value = _mutate(VALID_CONFIGS[node_type], data)
    checker = CONFIGS[node_type]
    assert checker.is_valid(value) == (checker.errors(value) == [])


@pytest.mark.parametrize("schema_index", range(len(SCHEMAS)))
@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(value=json_values)
def test_fast_check_agrees_with_jsonschema_on_arbitrary_values(schema_index: int, value: Any) -> None:
    schema = SCHEMAS[schema_index]
    fast = compile_predicate(schema)
    assert fast(value) == (list(SchemaChecker(schema).errors(value)) == [])


def _subschemas(schema: Any) -> list[dict[str, Any]]:
    found, stack = [], [schema]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            found.append(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return [sub for sub in found if isinstance(sub.get("type"), str) or "enum" in sub or "const" in sub]


def _probes(schema: dict[str, Any]) -> list[Any]:
    probes: list[Any] = [None, True, 0, 1.5, "", "x", [], {}, ["x", "x"], {"x": 1}]
    for key in ("maxLength", "minLength"):
        if key in schema:
            probes += ["a" * (schema[key] - 1), "a" * schema[key], "a" * (schema[key] + 1)]
    for key in ("maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum"):
        if key in schema:
            probes += [schema[key] - 1, schema[key], schema[key] + 1, float(schema[key]), schema[key] + 0.5]
    for key in ("maxItems", "minItems"):
        if key in schema:
            probes += [
                [f"i{n}" for n in range(count)] for count in (schema[key] - 1, schema[key], schema[key] + 1)
            ]
    for key in ("maxProperties", "minProperties"):
        if key in schema:
            probes += [
                {f"k{n}": "v" for n in range(count)}
                for count in (schema[key] - 1, schema[key], schema[key] + 1)
            ]
    probes += list(schema.get("enum", [])) + ([schema["const"]] if "const" in schema else [])
    return probes


@pytest.mark.parametrize("schema_index", range(len(SCHEMAS)))
def test_fast_check_agrees_with_jsonschema_at_every_boundary(schema_index: int) -> None:
    for sub in _subschemas(SCHEMAS[schema_index]):
        fast, slow = compile_predicate(sub), SchemaChecker(sub)
        for probe in _probes(sub):
            assert fast(probe) == (slow.errors(probe) == []), (sub, probe)
