"""Refused operations explain themselves in words: the API's 409 message and the admin's warning
name the action and the state, never django-fsm's method names."""

from __future__ import annotations

import pytest
from engine_support import edge, graph, node, publish

from workflows.models import WorkflowInstance
from workflows.services.instances import instance_start

pytestmark = pytest.mark.django_db


def _waiting_on_a_timer(owner) -> WorkflowInstance:
    nodes = [node("start", "start"), node("wait", "timer", duration="PT1H"), node("end", "end")]
    definition = publish(graph(nodes, [edge("a", "start", "wait"), edge("b", "wait", "end")]), owner=owner)
    return instance_start(definition_key=definition.key, input={}, started_by=owner)


def test_resuming_a_running_instance_is_refused_with_a_sentence(staff_client) -> None:
    # given: a running instance
    instance = _waiting_on_a_timer(staff_client.user)
    # when: it is resumed although it is not suspended
    response = staff_client.post(f"/api/instances/{instance.id}/resume/")
    # then: 409 with a message naming the action and the state
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "invalid_state"
    assert error["message"] == "Cannot resume a running workflow instance."


def test_the_admin_explains_a_refused_suspend_and_a_retry_without_a_failed_step(
    admin_client, admin_user
) -> None:
    # given: a suspended instance that has no failed step
    instance = _waiting_on_a_timer(admin_user)
    url = "/admin/workflows/workflowinstance/"
    admin_client.post(url, {"action": "suspend", "_selected_action": [str(instance.id)]})
    # when: it is suspended again, and its failed step retried
    again = admin_client.post(url, {"action": "suspend", "_selected_action": [str(instance.id)]}, follow=True)
    retry = admin_client.post(
        url, {"action": "retry_failed_step", "_selected_action": [str(instance.id)]}, follow=True
    )
    # then: each refusal says why in words
    again_page, retry_page = again.content.decode(), retry.content.decode()
    assert "Cannot suspend a suspended workflow instance." in again_page
    assert "using method" not in again_page
    assert "it has no failed step" in retry_page
    assert "no such step" not in retry_page
