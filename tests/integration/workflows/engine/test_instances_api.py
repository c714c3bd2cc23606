"""The instances API: start (validation, versions, business keys), list, detail, events,
permissions, and the designer's dry run."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from engine_support import example, linear, publish, step_of, task

from tests.factories import DefinitionPermissionFactory, UserFactory, VersionFactory
from workflows.models import Role, StepExecution
from workflows.services.instances import instance_start
from workflows.services.steps import step_run

pytestmark = pytest.mark.django_db(transaction=True)
SAGA_INPUT = {"order_id": "A-1", "amount": 5}


def _client_for(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def _start(client, key: str, **body):
    return client.post("/api/instances/", {"definition": key, **body}, format="json")


def test_starting_an_instance_returns_201_with_its_steps(cluster, staff_client) -> None:
    definition = publish(example("order-saga"))
    response = _start(staff_client, definition.key, input=SAGA_INPUT, business_key="order-A-1")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["definition"] == definition.key and body["version"] == 1
    assert body["status"] == "running" and body["business_key"] == "order-A-1"
    assert body["input"] == {**SAGA_INPUT, "fail_shipping": False}  # defaults filled in
    assert [s["node_id"] for s in body["steps"]] == ["start", "reserve"]
    assert body["steps"][1]["status"] == "scheduled"
    assert body["started_by"] == staff_client.user.username


@pytest.mark.parametrize(
    ("input", "field", "code"),
    [
        ({"amount": 5}, "order_id", "missing"),
        ({"order_id": "A", "amount": "five"}, "amount", "mistyped"),
        ({"order_id": "A", "amount": 5, "colour": "red"}, "colour", "unknown"),
    ],
)
def test_invalid_input_is_a_400_naming_each_field(cluster, staff_client, input, field, code) -> None:
    definition = publish(example("order-saga"))
    response = _start(staff_client, definition.key, input=input)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert error["details"]["fields"][field]["code"] == code
    assert not StepExecution.objects.exists()  # nothing half-written


def test_a_retired_version_is_refused_and_a_deprecated_one_starts_flagged(cluster, staff_client) -> None:
    definition = publish(linear(task("a")))
    newer = VersionFactory(definition=definition)
    old = definition.versions.get(number=1)
    old.deprecate()
    old.save()
    flagged = _start(staff_client, definition.key, version=1)
    assert flagged.status_code == 201
    assert flagged.json()["started_on_deprecated"] is True and flagged.json()["warnings"]
    newer.retire()
    newer.save()
    refused = _start(staff_client, definition.key, version=2)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "version_retired"
    none_left = _start(staff_client, definition.key)
    assert none_left.status_code == 409 and none_left.json()["error"]["code"] == "not_published"


def test_a_second_instance_with_the_same_business_key_gets_409(cluster, staff_client) -> None:
    definition = publish(linear(task("a")))
    assert _start(staff_client, definition.key, business_key="K-1").status_code == 201
    again = _start(staff_client, definition.key, business_key="K-1")
    assert again.status_code == 409 and again.json()["error"]["code"] == "duplicate_business_key"
    assert _start(staff_client, definition.key).status_code == 201  # blank keys never clash
    assert _start(staff_client, definition.key).status_code == 201


def test_viewers_see_but_cannot_start_or_operate_and_strangers_get_404(cluster, api_client) -> None:
    definition = publish(linear(task("a")))
    viewer, starter, stranger = UserFactory(), UserFactory(), UserFactory()
    DefinitionPermissionFactory(definition=definition, user=viewer, role=Role.VIEWER)
    DefinitionPermissionFactory(definition=definition, user=starter, role=Role.STARTER)
    started = _start(_client_for(api_client, starter), definition.key)
    assert started.status_code == 201
    url = f"/api/instances/{started.json()['id']}/"
    # the viewer
    client = _client_for(api_client, viewer)
    assert client.get(url).status_code == 200
    assert client.get("/api/instances/").json()["count"] == 1
    assert _start(client, definition.key).status_code == 403
    assert client.post(url + "cancel/", {}, format="json").status_code == 403
    # a stranger
    client = _client_for(api_client, stranger)
    assert client.get(url).status_code == 404
    assert client.get("/api/instances/").json()["count"] == 0
    assert _start(client, definition.key).status_code == 404
    assert client.post(url + "cancel/", {}, format="json").status_code == 404
    # the starter operates their own instance
    client = _client_for(api_client, starter)
    assert client.post(url + "cancel/", {}, format="json").json()["status"] == "cancelled"


def test_the_list_filters_and_its_query_count_does_not_grow(cluster, staff_client) -> None:
    saga, other = publish(example("order-saga")), publish(linear(task("a")))
    for n in range(3):
        instance_start(
            definition_key=saga.key, input=SAGA_INPUT, business_key=f"B-{n}", started_by=staff_client.user
        )
    instance_start(definition_key=other.key, input={}, started_by=staff_client.user)

    def listing(**params):
        with CaptureQueriesContext(connection) as queries:
            response = staff_client.get("/api/instances/", params)
        assert response.status_code == 200
        return response.json(), len(queries)

    everything, few = listing()
    assert everything["count"] == 4
    assert listing(definition=saga.key)[0]["count"] == 3
    assert [r["business_key"] for r in listing(business_key="B-1")[0]["results"]] == ["B-1"]
    assert listing(status="completed")[0]["count"] == 0
    assert listing(started_by=staff_client.user.username)[0]["count"] == 4
    assert (
        listing(created_after="2000-01-01T00:00:00Z", created_before="2999-01-01T00:00:00Z")[0]["count"] == 4
    )
    for n in range(3, 10):
        instance_start(
            definition_key=saga.key, input=SAGA_INPUT, business_key=f"B-{n}", started_by=staff_client.user
        )
    everything, many = listing()
    assert everything["count"] == 11 and many == few
    bad = staff_client.get("/api/instances/", {"status": "asleep"})
    assert bad.status_code == 400


def test_tracebacks_are_shown_to_staff_only(cluster, staff_client, api_client, flaky) -> None:
    flaky.failures, flaky.fatal = 1, True
    definition = publish(linear(task("call", "test.flaky")), owner=UserFactory())
    instance = instance_start(definition_key=definition.key, input={}, started_by=definition.owner)
    step = step_of(instance.id, "call")
    step_run(step_id=str(step.id), attempt=1, worker="w", task_id="t")
    staff_view = staff_client.get(f"/api/instances/{instance.id}/").json()
    owner_view = _client_for(api_client, definition.owner).get(f"/api/instances/{instance.id}/").json()
    staff_error = next(s for s in staff_view["steps"] if s["node_id"] == "call")["error"]
    owner_error = next(s for s in owner_view["steps"] if s["node_id"] == "call")["error"]
    assert "FatalError" in staff_error["traceback"]
    assert "traceback" not in owner_error and owner_error["message"] == "flaky failed for good"
    assert owner_view["status"] == "failed" and owner_view["error"]["node_id"] == "call"


def test_events_after_a_sequence_number(cluster, staff_client) -> None:
    definition = publish(linear(task("a")))
    instance = instance_start(definition_key=definition.key, input={}, started_by=staff_client.user)
    events = staff_client.get(f"/api/instances/{instance.id}/events/").json()
    assert [e["seq"] for e in events] == [1, 2, 3]
    assert events[0]["type"] == "instance_started" and events[0]["actor"] == staff_client.user.username
    later = staff_client.get(f"/api/instances/{instance.id}/events/", {"after": 2}).json()
    assert [e["type"] for e in later] == ["step_scheduled"]


def test_simulate_runs_the_draft_in_memory(cluster, staff_client) -> None:
    definition = publish(example("order-saga"))
    url = f"/api/definitions/{definition.key}/simulate/"
    ok = staff_client.post(url, {"input": SAGA_INPUT}, format="json")
    assert ok.status_code == 200
    assert ok.json()["status"] == "completed" and ok.json()["result"] == "shipped"
    path = ok.json()["path"]
    assert [p["node"] for p in path] == ["start", "reserve", "charge", "ship_or_fail", "ship", "end"]
    assert path[0]["edge"] is None and path[1]["edge"] == "e1"
    failing = staff_client.post(url, {"input": {**SAGA_INPUT, "fail_shipping": True}}, format="json").json()
    assert failing["status"] == "compensated" and failing["compensated"] == ["charge", "reserve"]
    expense = {"graph": example("expense-approval"), "input": {"title": "laptop", "amount": 5000}}
    rejected = staff_client.post(url, {**expense, "approvals": {"manager": "rejected"}}, format="json").json()
    assert rejected["status"] == "completed" and [p["node"] for p in rejected["path"]][-1] == "rejected"
    waiting = staff_client.post(url, expense, format="json").json()
    assert waiting["status"] == "running" and [w["node"] for w in waiting["waiting"]] == ["manager"]
    bad = staff_client.post(
        url, {"graph": {"format": "flowdesk.graph/v1", "nodes": [], "edges": []}}, format="json"
    )
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "graph_invalid"
    wrong = staff_client.post(url, {"input": {"amount": "x"}}, format="json")
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "invalid_input"
    assert not StepExecution.objects.exists()  # nothing ran for real


def test_a_list_longer_than_the_count_cap_pages_on_without_counting_everything(
    cluster, staff_client, monkeypatch
) -> None:
    from config.pagination import CappedCountPagination, CappedCountPaginator

    monkeypatch.setattr(CappedCountPaginator, "cap", 3)
    monkeypatch.setattr(CappedCountPagination, "page_size", 2)
    definition = publish(linear(task("a")))
    for n in range(5):
        instance_start(
            definition_key=definition.key, input={}, business_key=f"K-{n}", started_by=staff_client.user
        )

    pages = [staff_client.get("/api/instances/", {"page": n}).json() for n in (1, 2, 3)]
    small = staff_client.get("/api/instances/", {"business_key": "K-1"}).json()

    assert [(p["count"], p["count_exact"]) for p in pages] == [(3, False)] * 3
    assert [len(p["results"]) for p in pages] == [2, 2, 1]  # every page past the cap still works
    assert [p["next"] is not None for p in pages] == [True, True, False]
    assert len({r["id"] for p in pages for r in p["results"]}) == 5
    assert staff_client.get("/api/instances/", {"page": 4}).status_code == 404
    assert small["count"] == 1 and small["count_exact"] is True
