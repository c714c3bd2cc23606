"""Publishing freezes the draft into immutable, checksummed versions; transitions; diffs."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import DefinitionFactory, DefinitionPermissionFactory, UserFactory, minimal_graph
from workflows.contract.canonical import checksum
from workflows.models import Role, VersionStatus, WorkflowDefinition, WorkflowVersion

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).resolve().parents[3] / "workflows" / "demo" / "examples"
GROUPS = ["managers", "finance", "directors", "team-leads", "hr", "soc-analysts", "soc-leads"]


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def url(name: str, **kwargs: Any) -> str:
    return reverse(f"api:{name}", kwargs=kwargs)


def publish(client: APIClient, key: str, notes: str = "") -> Any:
    return client.post(url("definition-publish", key=key), {"notes": notes}, format="json")


def test_publish_freezes_the_draft_as_version_1_with_its_checksum() -> None:
    # given
    definition = DefinitionFactory()
    # when
    response = publish(client_for(definition.owner), definition.key, "first cut")
    # then
    assert response.status_code == 201
    body = response.json()
    assert (body["number"], body["status"], body["notes"]) == (1, "published", "first cut")
    assert body["published_by"] == definition.owner.username
    assert body["graph"] == definition.graph
    assert body["checksum"] == checksum(definition.graph) == WorkflowVersion.objects.get().checksum


def test_editing_the_draft_after_publishing_leaves_the_version_and_its_checksum_unchanged() -> None:
    # given a published version
    definition = DefinitionFactory()
    client = client_for(definition.owner)
    published = publish(client, definition.key).json()
    # when the draft changes
    graph = copy.deepcopy(definition.graph)
    graph["nodes"][1]["name"] = "Changed after publishing"
    detail = url("definition-detail", key=definition.key)
    assert client.patch(detail, {"graph": graph}, format="json", HTTP_IF_MATCH='"1"').status_code == 200
    # then version 1 is as it was
    version = client.get(url("version-detail", key=definition.key, number=1)).json()
    assert version["graph"] == published["graph"] != graph
    assert version["checksum"] == published["checksum"] == checksum(version["graph"])
    # and publishing again makes version 2 from the new draft
    second = publish(client, definition.key).json()
    assert (second["number"], second["graph"]) == (2, graph)
    assert client.get(detail).json()["latest_version"] == 2


def test_publishing_an_invalid_draft_gets_400_with_every_problem_and_creates_no_version() -> None:
    graph = minimal_graph()
    graph["nodes"].append(
        {"id": "lost", "type": "task", "name": "Lost", "config": {"action": "nope.nothing"}}
    )
    definition = DefinitionFactory(graph=graph)
    response = publish(client_for(definition.owner), definition.key)
    assert (response.status_code, response.json()["error"]["code"]) == (400, "graph_invalid")
    problems = response.json()["error"]["details"]["problems"]
    assert sorted(p["code"] for p in problems) == ["dead_end", "unknown_action", "unreachable_node"]
    assert all(p["node"] == "lost" for p in problems)
    assert not WorkflowVersion.objects.exists()


def test_publishing_an_unchanged_draft_again_gets_409() -> None:
    definition = DefinitionFactory()
    client = client_for(definition.owner)
    assert publish(client, definition.key).status_code == 201
    response = publish(client, definition.key)
    assert (response.status_code, response.json()["error"]["code"]) == (409, "version_unchanged")
    assert WorkflowVersion.objects.count() == 1


@pytest.mark.parametrize(
    "name", ["employee-onboarding", "expense-approval", "incident-response", "order-saga"]
)
def test_the_example_workflows_publish_once_their_groups_exist(name: str) -> None:
    graph = json.loads((EXAMPLES / f"{name}.json").read_text())
    definition = DefinitionFactory(key=name, graph=graph)
    client = client_for(definition.owner)
    validate = url("definition-validate", key=name)
    missing = client.post(validate, {}, format="json").json()
    has_approvals = any(node["type"] == "approval" for node in graph["nodes"])
    assert {p["code"] for p in missing["problems"]} == ({"unknown_assignee"} if has_approvals else set())
    for group in GROUPS:
        Group.objects.create(name=group)
    assert client.post(validate, {}, format="json").json() == {"valid": True, "problems": []}
    assert publish(client, name).status_code == 201


def test_validate_checks_an_unsaved_graph_without_storing_it() -> None:
    definition = DefinitionFactory()
    graph = minimal_graph()
    graph["edges"][0]["condition"] = "__import__('os').system('id')"
    response = client_for(definition.owner).post(
        url("definition-validate", key=definition.key), {"graph": graph}, format="json"
    )
    assert response.status_code == 200
    assert [(p["code"], p["edge"]) for p in response.json()["problems"]] == [
        ("edge_kind_not_allowed", "e1"),
        ("bad_expression", "e1"),
    ]
    definition.refresh_from_db()
    assert definition.graph == minimal_graph()


@pytest.mark.parametrize(
    "expression",
    [
        "__import__('os')",
        "().__class__.__bases__",
        "lambda: 0",
        "[x for x in range(10**9)]",
        "open('/etc/passwd')",
    ],
)
def test_expression_injection_gets_400_at_save_and_publish_and_leaves_nothing_behind(expression: str) -> None:
    # given a valid draft and a change carrying an injection attempt
    definition = DefinitionFactory()
    client = client_for(definition.owner)
    graph = minimal_graph()
    graph["nodes"].insert(1, {"id": "s", "type": "set", "config": {"assign": {"x": expression}}})
    graph["edges"] = [
        {"id": "e1", "source": "start", "target": "s"},
        {"id": "e2", "source": "s", "target": "end"},
    ]
    # when it is saved
    saved = client.put(url("definition-detail", key=definition.key), {"graph": graph}, format="json",
                       HTTP_IF_MATCH='"1"')  # fmt: skip
    # then it is refused with the problem, and the draft and versions are untouched
    assert (saved.status_code, saved.json()["error"]["code"]) == (400, "graph_invalid")
    assert [p["code"] for p in saved.json()["error"]["details"]["problems"]] == ["bad_expression"]
    definition.refresh_from_db()
    assert (definition.graph, definition.revision) == (minimal_graph(), 1)
    # and an import carrying it is refused too
    document = {"format": "flowdesk.definition/v1", "key": "evil", "name": "Evil", "graph": graph}
    imported = client.post(url("definition-import"), document, format="json")
    assert (imported.status_code, imported.json()["error"]["code"]) == (400, "graph_invalid")
    assert not WorkflowVersion.objects.exists()
    assert not WorkflowDefinition.objects.filter(key="evil").exists()


def test_http_request_needs_the_capability_to_publish() -> None:
    graph = minimal_graph()
    graph["nodes"].insert(1, {"id": "call", "type": "task", "config": {"action": "http.request",
                              "params": {"url": "https://api.example.com/x"}}})  # fmt: skip
    graph["edges"] = [
        {"id": "e1", "source": "start", "target": "call"},
        {"id": "e2", "source": "call", "target": "end"},
    ]
    definition = DefinitionFactory(graph=graph)
    client = client_for(definition.owner)
    refused = publish(client, definition.key)
    assert [p["code"] for p in refused.json()["error"]["details"]["problems"]] == ["action_not_permitted"]
    definition.owner.user_permissions.add(Permission.objects.get(codename="use_http_request"))
    assert (
        publish(
            client_for(type(definition.owner).objects.get(pk=definition.owner.pk)), definition.key
        ).status_code
        == 201
    )


def test_deprecate_then_retire_and_refuse_going_back() -> None:
    definition = DefinitionFactory()
    client = client_for(definition.owner)
    publish(client, definition.key)
    deprecate = url("version-deprecate", key=definition.key, number=1)
    retire = url("version-retire", key=definition.key, number=1)
    assert client.post(deprecate).json()["status"] == "deprecated"
    again = client.post(deprecate)
    assert (again.status_code, again.json()["error"]["code"]) == (409, "invalid_state")
    assert client.post(retire).json()["status"] == "retired"
    assert client.post(retire).status_code == 409
    assert WorkflowVersion.objects.get().status == VersionStatus.RETIRED


def test_a_viewer_may_read_versions_but_not_deprecate_them() -> None:
    definition = DefinitionFactory()
    publish(client_for(definition.owner), definition.key)
    viewer = DefinitionPermissionFactory(definition=definition, role=Role.VIEWER).user
    client = client_for(viewer)
    assert [v["number"] for v in client.get(url("version-list", key=definition.key)).json()] == [1]
    assert client.post(url("version-deprecate", key=definition.key, number=1)).status_code == 403
    assert WorkflowVersion.objects.get().status == VersionStatus.PUBLISHED


def test_versions_list_newest_first_and_missing_versions_are_404() -> None:
    definition = DefinitionFactory()
    client = client_for(definition.owner)
    publish(client, definition.key)
    graph = minimal_graph()
    graph["nodes"][1]["name"] = "v2"
    client.patch(
        url("definition-detail", key=definition.key), {"graph": graph}, format="json", HTTP_IF_MATCH='"1"'
    )
    publish(client, definition.key)
    listed = client.get(url("version-list", key=definition.key)).json()
    assert [v["number"] for v in listed] == [2, 1]
    assert "graph" not in listed[0]
    assert client.get(url("version-detail", key=definition.key, number=3)).status_code == 404


def test_diff_names_nodes_and_edges_added_removed_and_changed() -> None:
    # given version 1 and a version 2 with one node renamed, one added, one edge rerouted
    definition = DefinitionFactory()
    client = client_for(definition.owner)
    publish(client, definition.key)
    graph = minimal_graph()
    graph["nodes"][1]["name"] = "Renamed"
    graph["nodes"].insert(1, {"id": "s", "type": "set", "config": {"assign": {"x": "1"}}})
    graph["edges"] = [
        {"id": "e1", "source": "start", "target": "s"},
        {"id": "e2", "source": "s", "target": "end"},
    ]
    client.patch(
        url("definition-detail", key=definition.key), {"graph": graph}, format="json", HTTP_IF_MATCH='"1"'
    )
    publish(client, definition.key)
    # when
    diff = client.get(url("version-diff", key=definition.key, number=1, other=2)).json()
    # then
    assert diff["nodes"] == {"added": ["s"], "removed": [], "changed": ["end"]}
    assert diff["edges"] == {"added": ["e2"], "removed": [], "changed": ["e1"]}
    assert client.get(url("version-diff", key=definition.key, number=1, other=9)).status_code == 404


def test_export_then_import_gives_an_identical_graph() -> None:
    # given a definition holding a rich example graph
    graph = json.loads((EXAMPLES / "incident-response.json").read_text())
    graph["nodes"][0]["name"] = 'Ünïcödé ✓ and "quotes"'
    graph["nodes"][0]["position"] = {"x": 0.5, "y": -12.25}
    definition = DefinitionFactory(
        key="incident", graph=graph, tags=["soc", "p1"], description="Line one\nline two"
    )
    client = client_for(definition.owner)
    exported = client.get(url("definition-export", key="incident")).json()
    assert exported["format"] == "flowdesk.definition/v1"
    # when it is imported under another key
    response = client.post(url("definition-import"), {**exported, "key": "incident-copy"}, format="json")
    # then the copy is identical, checksum and all
    assert response.status_code == 201
    copy_ = client.get(url("definition-export", key="incident-copy")).json()
    assert {**copy_, "key": "incident"} == exported
    assert checksum(copy_["graph"]) == checksum(graph)
    # and the key may also be overridden with ?key=
    again = client.post(url("definition-import") + "?key=incident-third", exported, format="json")
    assert again.status_code == 201 and again.json()["key"] == "incident-third"


@pytest.mark.parametrize(
    ("document", "code"),
    [
        ({"format": "flowdesk.definition/v1", "key": "x", "name": "X"}, "invalid"),
        ({"format": "something/else", "key": "x", "name": "X", "graph": {}}, "invalid"),
        (
            {"format": "flowdesk.definition/v1", "key": "x", "name": "X", "graph": {}, "owner": "me"},
            "invalid",
        ),
        (
            {"format": "flowdesk.definition/v1", "key": "x", "name": "X", "graph": {"nodes": "no"}},
            "graph_invalid",
        ),
        ({"format": "flowdesk.definition/v1", "key": "x", "name": "X", "graph": []}, "invalid"),
        ("not a document", "invalid"),
    ],
)
def test_importing_a_malformed_document_gets_400_and_stores_nothing(document: Any, code: str) -> None:
    response = client_for(UserFactory()).post(url("definition-import"), document, format="json")
    assert (response.status_code, response.json()["error"]["code"]) == (400, code), response.json()
    assert not WorkflowDefinition.objects.exists()
