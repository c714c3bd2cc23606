"""Signals: the API accepts a named event with a payload for a step waiting for it (202,
stored `accepted`), and a worker applies it: the step resumes with the payload, once per
id; anything else is a 409 that changes nothing; a wait with a timeout takes its timeout
edge; a signal whose step stopped waiting before it was applied is `not_delivered`.

`_applied()` runs what the worker's `workflows.apply_signals` task runs, in this test's
transaction; test_waits_signal_inbox.py has the real worker and daphne."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from waits_support import edge, events, graph, later, node, pending_waits, publish, statuses, step_of

from tests.factories import DefinitionPermissionFactory, UserFactory
from workflows.models import ReceivedSignal, Role, WorkflowInstance
from workflows.models.signals import SignalStatus
from workflows.services.instances import instance_start
from workflows.services.timers import due_waits_fire
from workflows.waits.signal_apply import signals_apply_pending

pytestmark = pytest.mark.django_db


def _signal_graph(*, timeout: str | None = None, waits: int = 1) -> dict[str, Any]:
    """start -> `waits` signal nodes named "approved" -> set got -> end "signalled"
    (with `timeout`, the first wait's timeout edge ends "timed out")."""
    config = {"name": "approved", **({"timeout": timeout} if timeout else {})}
    waiting = [node(f"wait{i}", "signal", **config) for i in range(1, waits + 1)]
    nodes = [
        node("start", "start"),
        *waiting,
        node("keep", "set", assign={"got": "steps.wait1.output"}),
        node("done", "end", result="signalled"),
        node("late", "end", result="timed out"),
    ]
    path = ["start", *(w["id"] for w in waiting), "keep", "done"]
    edges = [edge(f"e{i}", a, b) for i, (a, b) in enumerate(itertools.pairwise(path))]
    if timeout:
        edges.append(edge("e-timeout", "wait1", "late", timeout=True))
    return graph(nodes, edges)


def _start(definition: Any, user: Any, business_key: str = "") -> WorkflowInstance:
    return instance_start(definition_key=definition.key, input={}, business_key=business_key, started_by=user)


def _send(client: Any, instance: WorkflowInstance, **body: Any) -> Any:
    return client.post(f"/api/instances/{instance.pk}/signals/", body, format="json")


def _applied() -> int:
    """Apply every accepted signal, as the worker does."""
    return signals_apply_pending(older_than=0)


def _send_applied(client: Any, instance: WorkflowInstance, **body: Any) -> Any:
    response = _send(client, instance, **body)
    _applied()
    return response


def test_a_signal_with_a_payload_resumes_the_waiting_step_with_the_payload_as_output(staff_client) -> None:
    # given
    definition = publish(_signal_graph(), owner=staff_client.user)
    instance = _start(definition, staff_client.user)
    payload = {"by": "edr", "hosts": ["a", "b"], "score": 7}
    # when
    response = _send(staff_client, instance, name="approved", payload=payload, id="sig-1")
    # then: accepted at once, applied by the worker
    assert response.status_code == 202, response.json()
    body = response.json()
    assert (body["duplicate"], body["instance_status"], body["signal"]["payload"]) == (
        False,
        "running",
        payload,
    )
    assert (body["signal"]["status"], body["signal"]["id"]) == ("accepted", "sig-1")
    assert statuses(instance.pk)["wait1"] == "waiting"
    assert _applied() == 1
    assert step_of(instance.pk, "wait1").output == payload
    instance.refresh_from_db()
    assert (instance.result, instance.vars["got"]) == ("signalled", payload)
    stored = ReceivedSignal.objects.get(instance=instance)
    assert (stored.signal_id, stored.name, stored.node_id, stored.sent_by, stored.status) == (
        "sig-1",
        "approved",
        "wait1",
        staff_client.user,
        "delivered",
    )
    listed = staff_client.get(f"/api/instances/{instance.pk}/signals/").json()
    assert [(s["id"], s["status"], s["step_id"]) for s in listed] == [
        ("sig-1", "delivered", str(stored.step_id))
    ]


def test_the_same_signal_id_twice_continues_the_workflow_once(staff_client) -> None:
    # given: two waits for the same signal name, one after the other
    definition = publish(_signal_graph(waits=2), owner=staff_client.user)
    instance = _start(definition, staff_client.user)
    first = _send_applied(staff_client, instance, name="approved", payload={"n": 1}, id="delivery-1")
    assert first.status_code == 202
    seen = len(events(instance.pk))
    # when: the sender retries the same delivery
    again = _send(staff_client, instance, name="approved", payload={"n": 1}, id="delivery-1")
    # then: the first delivery answers (as it is now: delivered to wait1), and nothing moved
    assert again.status_code == 200
    assert again.json()["duplicate"] is True
    assert again.json()["signal"]["step_id"] == str(step_of(instance.pk, "wait1").pk)
    assert again.json()["signal"]["status"] == "delivered"
    assert _applied() == 0
    assert len(events(instance.pk)) == seen
    assert statuses(instance.pk)["wait2"] == "waiting"
    assert ReceivedSignal.objects.filter(instance=instance).count() == 1
    # and a new id reaches the second wait
    assert (
        _send_applied(staff_client, instance, name="approved", payload={"n": 2}, id="delivery-2").status_code
        == 202
    )
    assert WorkflowInstance.objects.get(pk=instance.pk).status == "completed"


def test_a_signal_the_instance_is_not_waiting_for_gets_409_and_changes_nothing(staff_client) -> None:
    # given
    definition = publish(_signal_graph(), owner=staff_client.user)
    instance = _start(definition, staff_client.user)
    seen = len(events(instance.pk))
    # when: another name
    response = _send(staff_client, instance, name="rejected", payload={}, id="x-1")
    # then
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "not_waiting_for_signal"
    assert error["details"]["waiting_for"] == ["approved"]
    assert len(events(instance.pk)) == seen
    assert not ReceivedSignal.objects.filter(instance=instance).exists()
    # and once the instance has finished, the right name is refused too
    assert _send_applied(staff_client, instance, name="approved", id="x-2").status_code == 202
    done = _send(staff_client, instance, name="approved", id="x-3")
    assert done.status_code == 409
    assert done.json()["error"]["details"]["status"] == "completed"


def test_a_signal_routed_by_definition_and_business_key_reaches_that_instance_only(staff_client) -> None:
    # given
    definition = publish(_signal_graph(), owner=staff_client.user)
    target = _start(definition, staff_client.user, business_key="INC-7")
    other = _start(definition, staff_client.user, business_key="INC-8")
    body = {
        "definition": definition.key,
        "business_key": "INC-7",
        "name": "approved",
        "payload": {"ok": True},
    }
    # when
    response = staff_client.post("/api/signals/", body, format="json")
    _applied()
    # then
    assert response.status_code == 202
    assert response.json()["signal"]["instance"] == str(target.pk)
    assert WorkflowInstance.objects.get(pk=target.pk).status == "completed"
    assert WorkflowInstance.objects.get(pk=other.pk).status == "running"
    missing = staff_client.post("/api/signals/", {**body, "business_key": "INC-9"}, format="json")
    assert missing.status_code == 404


def test_a_signal_wait_times_out_along_its_timeout_edge(staff_client) -> None:
    # given: a 30-minute timeout, armed as a durable wait
    definition = publish(_signal_graph(timeout="PT30M"), owner=staff_client.user)
    instance = _start(definition, staff_client.user)
    [wait] = pending_waits(instance.pk)
    assert wait.kind == "signal_timeout"
    # when: the clock passes the timeout and the due waits fire
    fired = due_waits_fire(now=later(minutes=31))
    # then
    assert fired >= 1
    instance.refresh_from_db()
    assert (instance.status, instance.result) == ("completed", "timed out")
    step = step_of(instance.pk, "wait1")
    assert (step.status, step.error["type"]) == ("failed", "timeout")
    assert _send(staff_client, instance, name="approved").status_code == 409


def test_a_signal_before_the_timeout_disarms_the_timeout(staff_client) -> None:
    # given
    definition = publish(_signal_graph(timeout="PT30M"), owner=staff_client.user)
    instance = _start(definition, staff_client.user)
    # when
    assert _send_applied(staff_client, instance, name="approved", payload=1).status_code == 202
    # then: no timeout is left to fire, and firing later changes nothing
    assert pending_waits(instance.pk) == []
    due_waits_fire(now=later(hours=1))
    instance.refresh_from_db()
    assert instance.result == "signalled"


def test_viewers_may_not_signal_and_strangers_do_not_see_the_instance(api_client, staff) -> None:
    # given
    definition = publish(_signal_graph(), owner=staff)
    instance = _start(definition, staff)
    viewer, starter, stranger = UserFactory(), UserFactory(), UserFactory()
    DefinitionPermissionFactory(definition=definition, user=viewer, role=Role.VIEWER)
    DefinitionPermissionFactory(definition=definition, user=starter, role=Role.STARTER)
    # when / then
    api_client.force_authenticate(stranger)
    assert _send(api_client, instance, name="approved").status_code == 404
    api_client.force_authenticate(viewer)
    refused = _send(api_client, instance, name="approved")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"
    api_client.force_authenticate(starter)
    assert _send(api_client, instance, name="approved").status_code == 202


def test_bad_signal_bodies_are_400_with_the_field_named(staff_client) -> None:
    definition = publish(_signal_graph(), owner=staff_client.user)
    instance = _start(definition, staff_client.user)
    for body, field in (({}, "name"), ({"name": 5}, "name"), ({"name": "approved", "id": "x" * 201}, "id"),
                        ({"name": "approved", "extra": 1}, "extra")):  # fmt: skip
        response = _send(staff_client, instance, **body)
        assert response.status_code == 400, body
        assert field in response.json()["error"]["details"], body
    assert statuses(instance.pk)["wait1"] == "waiting"


def test_a_signal_whose_step_stopped_waiting_before_it_was_applied_is_not_delivered(staff_client) -> None:
    # given: a signal accepted while the step waits
    definition = publish(_signal_graph(timeout="PT30M"), owner=staff_client.user)
    instance = _start(definition, staff_client.user)
    accepted = _send(staff_client, instance, name="approved", payload={"late": True}, id="late-1")
    assert accepted.status_code == 202
    # when: the timeout fires before a worker applies the signal
    due_waits_fire(now=later(minutes=31))
    seen = len(events(instance.pk))
    assert _applied() == 1
    # then: the timeout edge stands, the signal is recorded as not delivered, with why
    instance.refresh_from_db()
    assert (instance.status, instance.result) == ("completed", "timed out")
    assert len(events(instance.pk)) == seen
    [listed] = staff_client.get(f"/api/instances/{instance.pk}/signals/").json()
    assert (listed["id"], listed["status"], listed["step_id"]) == ("late-1", "not_delivered", None)
    assert listed["reason"].startswith("not_waiting_for_signal") and listed["applied_at"]


def test_two_signals_accepted_for_one_wait_deliver_the_first_and_record_the_second_as_not_delivered(
    staff_client,
) -> None:
    # given: both accepted while the one wait is live
    definition = publish(_signal_graph(), owner=staff_client.user)
    instance = _start(definition, staff_client.user)
    assert _send(staff_client, instance, name="approved", payload={"n": 1}, id="a").status_code == 202
    assert _send(staff_client, instance, name="approved", payload={"n": 2}, id="b").status_code == 202
    # when
    assert _applied() == 2
    # then: in the order accepted
    rows = dict(ReceivedSignal.objects.filter(instance=instance).values_list("signal_id", "status"))
    assert rows == {"a": SignalStatus.DELIVERED, "b": SignalStatus.NOT_DELIVERED}
    assert step_of(instance.pk, "wait1").output == {"n": 1}


def test_applying_the_same_accepted_signal_twice_continues_the_workflow_once(staff_client) -> None:
    from workflows.waits.signal_apply import signals_apply

    definition = publish(_signal_graph(waits=2), owner=staff_client.user)
    instance = _start(definition, staff_client.user)
    assert _send(staff_client, instance, name="approved", id="once").status_code == 202
    stored = ReceivedSignal.objects.get(instance=instance, signal_id="once")
    # when: a redelivered message, and the sweep
    assert signals_apply([stored.pk]) == 1
    assert signals_apply([stored.pk]) == 0
    assert _applied() == 0
    # then
    assert (statuses(instance.pk)["wait1"], statuses(instance.pk)["wait2"]) == ("succeeded", "waiting")


def test_session_authenticated_signals_need_the_csrf_token(staff) -> None:
    from django.test import Client

    definition = publish(_signal_graph(), owner=staff)
    instance = _start(definition, staff)
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    url = f"/api/instances/{instance.pk}/signals/"
    refused = client.post(url, {"name": "approved"}, content_type="application/json")
    assert refused.status_code == 403
    assert not ReceivedSignal.objects.filter(instance=instance).exists()
    token = "a" * 32  # a CSRF secret, in the cookie and (unmasked) in the header
    client.cookies["csrftoken"] = token
    accepted = client.post(url, {"name": "approved"}, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 202, accepted.content


def test_signals_of_many_instances_are_applied_together_each_to_its_own_instance(staff_client) -> None:
    # given: more instances than one apply transaction takes
    from workflows.waits.signal_apply import TRANSACTION_INSTANCES

    definition = publish(_signal_graph(), owner=staff_client.user)
    instances = [_start(definition, staff_client.user) for _ in range(TRANSACTION_INSTANCES + 3)]
    for n, instance in enumerate(instances):
        assert _send(staff_client, instance, name="approved", payload={"n": n}).status_code == 202
    # when
    assert _applied() == len(instances)
    # then
    for n, instance in enumerate(instances):
        instance.refresh_from_db()
        assert (instance.status, instance.vars["got"]) == ("completed", {"n": n})
