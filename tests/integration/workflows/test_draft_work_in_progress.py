"""A draft is work in progress: it saves while incomplete, and publishing refuses it."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import DefinitionFactory, minimal_graph

pytestmark = pytest.mark.django_db


def _client(user):  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_task_without_an_action_yet_saves_as_a_draft_but_does_not_publish() -> None:
    # given a draft with a task just dropped on the canvas (no action chosen yet)
    definition = DefinitionFactory(key="wip")
    graph = minimal_graph()
    graph["nodes"].append(
        {"id": "todo", "type": "task", "name": "To do", "position": {"x": 1, "y": 1}, "config": {}}
    )
    client = _client(definition.owner)
    detail = reverse("api:definition-detail", kwargs={"key": "wip"})

    # when it is saved, then published
    saved = client.patch(detail, {"graph": graph}, format="json", HTTP_IF_MATCH=f'"{definition.revision}"')
    published = client.post(reverse("api:definition-publish", kwargs={"key": "wip"}), {}, format="json")

    # then the draft is stored, and publishing names the missing action
    assert saved.status_code == 200, saved.json()
    assert saved.json()["graph"] == graph
    assert published.status_code == 400
    codes = {problem["code"] for problem in published.json()["error"]["details"]["problems"]}
    assert "invalid_config" in codes


def test_an_expression_that_does_not_compile_is_refused_even_in_a_draft() -> None:
    definition = DefinitionFactory(key="inject")
    graph = minimal_graph()
    graph["nodes"].append(
        {
            "id": "s",
            "type": "set",
            "name": "Set",
            "position": {"x": 1, "y": 1},
            "config": {"assign": {"x": "__import__('os')"}},
        }
    )
    client = _client(definition.owner)

    response = client.patch(
        reverse("api:definition-detail", kwargs={"key": "inject"}),
        {"graph": graph},
        format="json",
        HTTP_IF_MATCH=f'"{definition.revision}"',
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "graph_invalid"
    definition.refresh_from_db()
    assert all(node["id"] != "s" for node in definition.graph["nodes"])
