"""Triggers: a signed webhook starts its workflow with the mapped body (a bad or missing
signature starts nothing), and an internal trigger chains two definitions. Every arrival
is recorded as a run."""

from __future__ import annotations

import json
from typing import Any

import pytest
from waits_support import chain, node, publish, wait_for

from workflows.models import Trigger, TriggerRun, WorkflowInstance
from workflows.services.instances import instance_start
from workflows.waits.signing import sign
from workflows.waits.triggers import trigger_save

ORDER_INPUTS = {"order": {"type": "integer", "required": True}, "source": {"type": "string"}}


def _webhook(owner: Any, **changes: Any) -> Trigger:
    definition = publish(chain(inputs=ORDER_INPUTS, result="received"), owner=owner, key="orders")
    values = {
        "key": "shop-orders",
        "name": "Shop orders",
        "kind": "webhook",
        "definition": definition,
        "run_as": owner,
        "input": {"order": "{{ body.order.id }}", "source": "{{ headers['x-source'] }}"},
        "business_key": "order-{{ body.order.id }}",
        **changes,
    }
    return trigger_save(Trigger(**values))


def _post(client: Any, trigger: Trigger, body: Any, *, secret: str | None = None, **headers: str) -> Any:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    signature = sign(secret if secret is not None else trigger.secret, raw)
    extra = {"HTTP_X_FLOWDESK_SIGNATURE": signature, "HTTP_X_SOURCE": "shop", **headers}
    return client.post(f"/api/hooks/{trigger.key}/", data=raw, content_type="application/json", **extra)


@pytest.mark.django_db
def test_a_webhook_with_a_good_signature_starts_an_instance_with_the_mapped_body(client, staff) -> None:
    # given
    trigger = _webhook(staff)
    # when
    response = _post(client, trigger, {"order": {"id": 42, "total": 9.5}})
    # then
    assert response.status_code == 202, response.json()
    run = TriggerRun.objects.get(pk=response.json()["id"])
    instance = WorkflowInstance.objects.get(pk=response.json()["instance"])
    assert (run.status, run.instance_id) == ("started", instance.pk)
    assert (instance.input, instance.business_key, instance.started_by) == (
        {"order": 42, "source": "shop"}, "order-42", staff)  # fmt: skip
    assert run.request["body"] == {"order": {"id": 42, "total": 9.5}}
    assert "x-flowdesk-signature" not in run.request["headers"]
    assert run.request["headers"]["x-source"] == "shop"


@pytest.mark.django_db
def test_a_webhook_with_a_bad_or_missing_signature_starts_nothing_and_is_recorded(client, staff) -> None:
    # given
    trigger = _webhook(staff)
    body = {"order": {"id": 7}}
    # when
    wrong_secret = _post(client, trigger, body, secret="not-the-secret")
    raw = json.dumps(body).encode()
    missing = client.post(f"/api/hooks/{trigger.key}/", data=raw, content_type="application/json")
    tampered = client.post(f"/api/hooks/{trigger.key}/", data=raw + b" ", content_type="application/json",
                           HTTP_X_FLOWDESK_SIGNATURE=sign(trigger.secret, raw))  # fmt: skip
    # then
    for response in (wrong_secret, missing, tampered):
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "bad_signature"
    assert not WorkflowInstance.objects.exists()
    runs = list(TriggerRun.objects.order_by("id"))
    assert [r.status for r in runs] == ["rejected"] * 3
    assert all("body" not in r.request and "headers" not in r.request for r in runs)


@pytest.mark.django_db
def test_the_webhook_authenticates_by_signature_not_by_session(client, staff) -> None:
    # given: a logged-in staff member posting without a signature
    trigger = _webhook(staff)
    client.force_login(staff)
    # when
    response = client.post(
        f"/api/hooks/{trigger.key}/", data=b'{"order": {"id": 1}}', content_type="application/json"
    )
    # then
    assert response.status_code == 401
    assert not WorkflowInstance.objects.exists()


@pytest.mark.django_db
def test_a_repeated_delivery_id_answers_with_the_first_run_and_starts_nothing_more(client, staff) -> None:
    trigger = _webhook(staff)
    first = _post(client, trigger, {"order": {"id": 5}}, HTTP_X_FLOWDESK_DELIVERY="d-1")
    again = _post(client, trigger, {"order": {"id": 5}}, HTTP_X_FLOWDESK_DELIVERY="d-1")

    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json()["id"] == first.json()["id"]
    assert WorkflowInstance.objects.count() == 1


@pytest.mark.django_db
def test_refusals_after_a_good_signature_are_recorded_with_their_reason(client, staff) -> None:
    # given
    trigger = _webhook(staff)
    assert _post(client, trigger, {"order": {"id": 1}}).status_code == 202
    # when / then: the same business key again
    duplicate = _post(client, trigger, {"order": {"id": 1}})
    assert duplicate.status_code == 409 and duplicate.json()["error"]["code"] == "duplicate_business_key"
    # a body that is not JSON
    broken = _post(client, trigger, b"{not json")
    assert broken.status_code == 400 and broken.json()["error"]["code"] == "invalid_json"
    # input the workflow refuses (order must be an integer)
    mistyped = _post(client, trigger, {"order": {"id": "seven"}})
    assert mistyped.status_code == 400 and mistyped.json()["error"]["code"] == "invalid_input"
    # a disabled trigger
    Trigger.objects.filter(pk=trigger.pk).update(enabled=False)
    disabled = _post(client, trigger, {"order": {"id": 2}})
    assert disabled.status_code == 409 and disabled.json()["error"]["code"] == "trigger_disabled"
    # and an unknown hook
    assert client.post("/api/hooks/nope/", data=b"{}", content_type="application/json").status_code == 404
    statuses = list(TriggerRun.objects.order_by("id").values_list("status", flat=True))
    assert statuses == ["started", "skipped", "failed", "failed", "skipped"]
    assert WorkflowInstance.objects.count() == 1


@pytest.mark.django_db
def test_a_trigger_with_a_template_that_cannot_work_is_refused_when_saved(staff) -> None:
    from config.api_errors import ApiError

    with pytest.raises(ApiError) as refused:
        _webhook(staff, input={"order": "{{ input.order }}"})
    assert "input" in refused.value.details


def _chain_definitions(owner: Any, **trigger: Any) -> tuple[Any, Any]:
    source = publish(chain(node("score", "set", assign={"risk": "input.risk"}), inputs={"risk": {"type": "integer"}},
                           result="approved"), owner=owner, key="review")  # fmt: skip
    target = publish(chain(inputs={"from": {"type": "string"}, "why": {"type": "string"}}, result="shipped"),
                     owner=owner, key="ship")  # fmt: skip
    values = {
        "key": "ship-after-review",
        "name": "Ship after review",
        "kind": "instance_finished",
        "definition": target,
        "run_as": owner,
        "source_definition": source,
        "source_result": "approved",
        "condition": "vars.risk < 50",
        "input": {"from": "{{ instance.id }}", "why": "{{ instance.result }}"},
        **trigger,
    }
    trigger_save(Trigger(**values))
    return source, target


@pytest.mark.django_db(transaction=True)
def test_an_internal_trigger_starts_the_next_definition_when_the_first_ends(cluster, staff) -> None:
    # given
    cluster.worker()
    source, target = _chain_definitions(staff)
    # when: a review completes with "approved" and low risk
    review = instance_start(definition_key=source.key, input={"risk": 10}, started_by=staff)
    # then: a worker starts the shipping workflow with the mapped input
    run = wait_for(
        lambda: TriggerRun.objects.filter(status="started").first(), timeout=20, what="a started run"
    )
    shipped = WorkflowInstance.objects.get(pk=run.instance_id)
    assert (shipped.definition_id, shipped.input, shipped.status) == (
        target.pk, {"from": str(review.pk), "why": "approved"}, "completed")  # fmt: skip
    assert (run.source_instance_id, run.delivery_id) == (review.pk, f"instance:{review.pk}")


@pytest.mark.django_db
def test_an_internal_trigger_does_not_fire_when_the_condition_or_result_does_not_match(staff) -> None:
    source, _ = _chain_definitions(staff)
    instance_start(definition_key=source.key, input={"risk": 90}, started_by=staff)
    Trigger.objects.update(condition="", source_result="rejected")
    from workflows.waits.triggers import forget_trigger_cache

    forget_trigger_cache()
    instance_start(definition_key=source.key, input={"risk": 1}, started_by=staff)

    assert not TriggerRun.objects.exists()
    assert WorkflowInstance.objects.filter(definition__key="ship").count() == 0


@pytest.mark.django_db
def test_the_webhook_answer_never_contains_the_secret(client, staff) -> None:
    trigger = _webhook(staff)

    response = _post(client, trigger, {"order": {"id": 3}})

    assert response.status_code == 202
    assert trigger.secret not in response.content.decode()
