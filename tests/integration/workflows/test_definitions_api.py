"""The definitions API: create, list, read, change with If-Match, delete, access rules."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import DefinitionFactory, DefinitionPermissionFactory, UserFactory, minimal_graph
from workflows.models import Role, WorkflowDefinition

pytestmark = pytest.mark.django_db

LIST = reverse("api:definition-list")


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def detail(key: str) -> str:
    return reverse("api:definition-detail", kwargs={"key": key})


def error_code(response: Any) -> str:
    return response.json()["error"]["code"]


def test_create_gives_201_the_definition_and_its_etag_with_a_start_only_draft() -> None:
    # given
    ada = UserFactory(username="ada")
    # when
    response = client_for(ada).post(
        LIST, {"key": "expenses", "name": "Expenses", "tags": ["finance"]}, format="json"
    )
    # then
    assert response.status_code == 201
    body = response.json()
    assert response["ETag"] == '"1"'
    assert (body["key"], body["owner"], body["revision"], body["latest_version"]) == (
        "expenses",
        "ada",
        1,
        None,
    )
    assert [node["type"] for node in body["graph"]["nodes"]] == ["start"]
    assert body["permissions"] == {"can_edit": True, "can_publish": True, "can_start": True}


def test_create_with_a_taken_key_gets_409_and_changes_nothing() -> None:
    existing = DefinitionFactory(key="expenses", name="Original")
    response = client_for(UserFactory()).post(LIST, {"key": "expenses", "name": "Copy"}, format="json")
    assert (response.status_code, error_code(response)) == (409, "key_taken")
    assert WorkflowDefinition.objects.get(key="expenses").name == existing.name


@pytest.mark.parametrize(
    "body",
    [
        {"key": 5, "name": "x"},
        {"key": "ok", "name": ["x"]},
        {"key": "ok", "name": "x", "tags": "finance"},
        {"key": "ok", "name": "x", "tags": [1]},
        {"key": "ok", "name": "x", "graph": "not a graph"},
        {"key": "ok", "name": "x", "owner": "someone-else"},
        {"key": "Not A Slug", "name": "x"},
        {"key": "import", "name": "x"},
        {"key": "ok", "name": "   "},
        {"key": "ok", "name": "x" * 201},
        {"key": "ok", "name": "x", "tags": ["bad/tag"]},
        {"name": "x"},
        [],
    ],
)
def test_wrong_types_and_values_get_400_invalid_and_store_nothing(body: Any) -> None:
    response = client_for(UserFactory()).post(LIST, body, format="json")
    assert (response.status_code, error_code(response)) == (400, "invalid"), response.json()
    assert response.json()["error"]["message"]
    assert not WorkflowDefinition.objects.exists()


@pytest.mark.parametrize("raw", [b"{", b'{"key": "a", "name": NaN}', b"\xff\xfe", b"[" * 100 + b"]" * 100])
def test_malformed_json_gets_400_malformed_request_and_stores_nothing(raw: bytes) -> None:
    response = client_for(UserFactory()).post(LIST, raw, content_type="application/json")
    assert (response.status_code, error_code(response)) == (400, "malformed_request")
    assert not WorkflowDefinition.objects.exists()


def test_a_graph_with_schema_errors_cannot_be_saved_and_the_problems_say_why() -> None:
    graph = minimal_graph()
    graph["nodes"][0]["config"] = {"surprise": 1}
    response = client_for(UserFactory()).post(LIST, {"key": "k", "name": "K", "graph": graph}, format="json")
    assert (response.status_code, error_code(response)) == (400, "graph_invalid")
    assert [(p["code"], p["node"]) for p in response.json()["error"]["details"]["problems"]] == [
        ("unknown_field", "start")
    ]
    assert not WorkflowDefinition.objects.exists()


def test_a_draft_may_be_saved_with_structural_problems_still_to_fix() -> None:
    graph = minimal_graph()
    graph["edges"] = []  # start leads nowhere, end is unreachable
    response = client_for(UserFactory()).post(
        LIST, {"key": "wip", "name": "WIP", "graph": graph}, format="json"
    )
    assert response.status_code == 201


def test_a_body_over_the_limit_gets_413_without_being_parsed() -> None:
    oversized = b'{"key": "big", "name": "Big", "description": "' + b"x" * (2 * 1024 * 1024 + 70_000) + b'"}'
    response = client_for(UserFactory()).post(LIST, oversized, content_type="application/json")
    assert (response.status_code, error_code(response)) == (413, "payload_too_large")
    assert not WorkflowDefinition.objects.exists()


def test_a_graph_over_two_megabytes_gets_413_and_stores_nothing() -> None:
    # given a graph of 2,000 nodes whose names make it larger than 2 MB (but the body fits)
    graph = minimal_graph()
    graph["nodes"] += [
        {"id": f"n{i}", "type": "set", "name": "n" * 200, "position": {"x": i, "y": i},
         "config": {"assign": {"v": "'" + "x" * 900 + "'"}}}
        for i in range(1_990)
    ]  # fmt: skip
    body = {"key": "big", "name": "Big", "graph": graph}
    assert len(json.dumps(body)) > 2 * 1024 * 1024
    # when / then
    response = client_for(UserFactory()).post(LIST, body, format="json")
    assert (response.status_code, error_code(response)) == (413, "payload_too_large")
    assert not WorkflowDefinition.objects.exists()


def test_retrieve_serves_the_etag_of_the_revision() -> None:
    definition = DefinitionFactory(revision=7)
    response = client_for(definition.owner).get(detail(definition.key))
    assert response.status_code == 200
    assert response["ETag"] == '"7"'
    assert response.json()["graph"] == definition.graph


def test_put_without_if_match_gets_428_and_changes_nothing() -> None:
    definition = DefinitionFactory(name="Before")
    response = client_for(definition.owner).put(detail(definition.key), {"name": "After"}, format="json")
    assert (response.status_code, error_code(response)) == (428, "precondition_required")
    definition.refresh_from_db()
    assert (definition.name, definition.revision) == ("Before", 1)


def test_put_with_a_stale_etag_gets_412_and_changes_nothing() -> None:
    definition = DefinitionFactory(name="Before", revision=3)
    response = client_for(definition.owner).put(
        detail(definition.key), {"name": "After"}, format="json", HTTP_IF_MATCH='"2"'
    )
    assert (response.status_code, error_code(response)) == (412, "revision_conflict")
    assert response.json()["error"]["details"] == {"current_revision": 3, "expected_revision": 2}
    definition.refresh_from_db()
    assert (definition.name, definition.revision) == ("Before", 3)


def test_put_with_the_current_etag_saves_and_returns_the_next_etag() -> None:
    definition = DefinitionFactory(name="Before")
    graph = minimal_graph()
    graph["nodes"][1]["name"] = "Finished"
    response = client_for(definition.owner).put(
        detail(definition.key),
        {"name": "After", "graph": graph, "tags": ["a", "b"]},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    definition.refresh_from_db()
    assert (definition.name, definition.tags, definition.graph, definition.revision) == (
        "After",
        ["a", "b"],
        graph,
        2,
    )


def test_patch_accepts_weak_etags_and_echoed_read_only_fields() -> None:
    definition = DefinitionFactory(description="old")
    client = client_for(definition.owner)
    current = client.get(detail(definition.key)).json()
    response = client.patch(
        detail(definition.key), {**current, "description": "new"}, format="json", HTTP_IF_MATCH='W/"1"'
    )
    assert response.status_code == 200
    assert response.json()["description"] == "new"


def test_delete_needs_if_match_and_then_removes_the_definition() -> None:
    definition = DefinitionFactory()
    client = client_for(definition.owner)
    assert client.delete(detail(definition.key)).status_code == 428
    assert client.delete(detail(definition.key), HTTP_IF_MATCH='"9"').status_code == 412
    assert client.delete(detail(definition.key), HTTP_IF_MATCH='"1"').status_code == 204
    assert not WorkflowDefinition.objects.exists()


def test_a_viewer_reads_but_gets_403_on_every_write() -> None:
    # given a definition shared read-only
    grant = DefinitionPermissionFactory(role=Role.VIEWER)
    definition, viewer = grant.definition, grant.user
    client = client_for(viewer)
    # when / then
    body = client.get(detail(definition.key)).json()
    assert body["permissions"] == {"can_edit": False, "can_publish": False, "can_start": False}
    assert (
        client.put(detail(definition.key), {"name": "x"}, format="json", HTTP_IF_MATCH='"1"').status_code
        == 403
    )
    assert client.delete(detail(definition.key), HTTP_IF_MATCH='"1"').status_code == 403
    publish = client.post(
        reverse("api:definition-publish", kwargs={"key": definition.key}), {}, format="json"
    )
    assert (publish.status_code, error_code(publish)) == (403, "permission_denied")
    definition.refresh_from_db()
    assert definition.revision == 1 and not definition.versions.exists()


def test_a_stranger_gets_404_for_everything_about_a_definition() -> None:
    definition = DefinitionFactory()
    client = client_for(UserFactory())
    urls = [detail(definition.key), reverse("api:definition-export", kwargs={"key": definition.key}),
            reverse("api:version-list", kwargs={"key": definition.key})]  # fmt: skip
    for url in urls:
        assert client.get(url).status_code == 404
    assert (
        client.put(detail(definition.key), {"name": "x"}, format="json", HTTP_IF_MATCH='"1"').status_code
        == 404
    )
    assert client.get(LIST).json()["count"] == 0


def test_group_grants_give_roles_to_members_and_the_best_role_wins() -> None:
    member = UserFactory()
    group = Group.objects.create(name="ops")
    member.groups.add(group)
    definition = DefinitionFactory()
    DefinitionPermissionFactory(definition=definition, user=None, group=group, role=Role.STARTER)
    DefinitionPermissionFactory(definition=definition, user=member, role=Role.VIEWER)
    body = client_for(member).get(detail(definition.key)).json()
    assert body["permissions"] == {"can_edit": False, "can_publish": False, "can_start": True}
    DefinitionPermissionFactory(
        definition=definition, user=None, group=Group.objects.create(name="devs"), role=Role.EDITOR
    )
    member.groups.add(Group.objects.get(name="devs"))
    assert client_for(member).get(detail(definition.key)).json()["permissions"]["can_edit"] is True


def test_staff_see_and_edit_every_definition() -> None:
    definition = DefinitionFactory()
    staff = UserFactory(is_staff=True)
    client = client_for(staff)
    assert client.get(LIST).json()["count"] == 1
    response = client.patch(detail(definition.key), {"name": "Fixed"}, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 200


def test_list_filters_by_tag_owner_and_search_and_paginates() -> None:
    ada = UserFactory(username="ada")
    DefinitionFactory(key="expense-claims", name="Expense claims", owner=ada, tags=["finance"])
    DefinitionFactory(key="onboarding", name="Onboarding", owner=ada, tags=["hr"])
    DefinitionFactory(key="travel", name="Travel expenses", tags=["finance", "travel"])
    staff = client_for(UserFactory(is_staff=True))

    def keys(**params: str) -> list[str]:
        return sorted(item["key"] for item in staff.get(LIST, params).json()["results"])

    assert keys(tag="finance") == ["expense-claims", "travel"]
    assert keys(owner="ada") == ["expense-claims", "onboarding"]
    assert keys(search="expense") == ["expense-claims", "travel"]
    assert keys(tag="finance", owner="ada") == ["expense-claims"]
    assert keys(tag="fin") == []
    page = staff.get(LIST).json()
    assert (page["count"], page["next"], page["previous"]) == (3, None, None)
    assert "graph" not in page["results"][0]


def test_list_query_count_does_not_grow_with_the_number_of_definitions(
    django_assert_max_num_queries: Any,
) -> None:
    # given a user who sees definitions through ownership, user and group grants
    user = UserFactory()
    group = Group.objects.create(name="readers")
    user.groups.add(group)

    def populate(count: int) -> None:
        for _ in range(count):
            DefinitionFactory(owner=user)
            DefinitionPermissionFactory(user=user, role=Role.STARTER)
            DefinitionPermissionFactory(user=None, group=group, role=Role.VIEWER)

    client = client_for(user)
    populate(2)
    with django_assert_max_num_queries(4) as few:
        assert client.get(LIST).json()["count"] == 6
    populate(10)
    # when the list grows sixfold, then the queries stay the same
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(LIST).json()["count"] == 36
