"""GET /api/node-types/ and /api/graph-schema/ serve the schemas validation uses; big graphs save fast."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from jsonschema import Draft202012Validator
from rest_framework.test import APIClient

from tests.factories import DefinitionFactory, UserFactory
from tests.unit.workflows.validation.graphs import big_graph
from workflows.actions import all_actions
from workflows.contract.graph_schema import GRAPH_SCHEMA
from workflows.contract.node_types import NODE_TYPES

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_node_types_lists_every_type_and_action_in_the_contract_shape() -> None:
    body = client_for(UserFactory()).get(reverse("api:node-types")).json()
    assert [entry["type"] for entry in body["node_types"]] == list(NODE_TYPES)
    task = next(entry for entry in body["node_types"] if entry["type"] == "task")
    assert task["config_schema"] == NODE_TYPES["task"].config_schema
    assert (task["category"], task["min_incoming"], task["max_incoming"], task["edge_kinds"]) == (
        "activities", 1, None, ["on_error"],
    )  # fmt: skip
    names = [entry["name"] for entry in body["actions"]]
    assert names == [spec.name for spec in all_actions()]
    echo = body["actions"][names.index("core.echo")]
    assert set(echo) >= {"name", "label", "description", "icon", "params_schema", "output_schema"}


def test_actions_say_whether_you_hold_the_permission_they_need() -> None:
    user = UserFactory()
    http = next(
        a
        for a in client_for(user).get(reverse("api:node-types")).json()["actions"]
        if a["name"] == "http.request"
    )
    assert (http["permission"], http["allowed"]) == ("workflows.use_http_request", False)
    user.user_permissions.add(Permission.objects.get(codename="use_http_request"))
    fresh = type(user).objects.get(pk=user.pk)
    http = next(
        a
        for a in client_for(fresh).get(reverse("api:node-types")).json()["actions"]
        if a["name"] == "http.request"
    )
    assert http["allowed"] is True


def test_graph_schema_is_a_valid_draft_2020_12_schema_equal_to_the_one_validation_uses() -> None:
    body = client_for(UserFactory()).get(reverse("api:graph-schema")).json()
    Draft202012Validator.check_schema(body)
    assert body == GRAPH_SCHEMA


def test_the_contract_endpoints_need_a_login() -> None:
    assert APIClient().get(reverse("api:node-types")).status_code in {401, 403}
    assert APIClient().get(reverse("api:graph-schema")).status_code in {401, 403}


def test_a_thousand_node_graph_saves_and_validates_through_the_api() -> None:
    # given a 1,000-node graph and the group its approvals name (its speed is measured by `manage.py bench`)
    Group.objects.create(name="managers")
    definition = DefinitionFactory(key="big")
    client = client_for(definition.owner)
    graph = big_graph(1_000)
    detail = reverse("api:definition-detail", kwargs={"key": "big"})
    # when it is saved and then validated
    saved = client.put(detail, {"graph": graph}, format="json", HTTP_IF_MATCH='"1"')
    checked = client.post(reverse("api:definition-validate", kwargs={"key": "big"}), {}, format="json")
    # then both succeed and the stored graph is the one sent
    assert saved.status_code == 200
    assert checked.json() == {"valid": True, "problems": []}
    assert client.get(detail).json()["graph"] == graph
