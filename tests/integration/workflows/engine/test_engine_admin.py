"""The admin shows instances, steps and circuits read-only and operates through the services."""

from __future__ import annotations

import pytest
from engine_support import edge, graph, node, publish, task

from workflows.models import WorkflowInstance
from workflows.services.instances import instance_start

pytestmark = pytest.mark.django_db(transaction=True)


def _waiting_instance(owner) -> WorkflowInstance:
    nodes = [
        node("start", "start"),
        task("reserve"),
        node("wait", "timer", duration="PT1H"),
        node("end", "end"),
    ]
    edges = [edge("a", "start", "reserve"), edge("b", "reserve", "wait"), edge("c", "wait", "end")]
    definition = publish(graph(nodes, edges), owner=owner)
    return instance_start(definition_key=definition.key, input={}, started_by=owner)


def test_admin_pages_render_instances_steps_and_circuits(cluster, admin_client, admin_user) -> None:
    instance = _waiting_instance(admin_user)
    for url in ("/admin/workflows/workflowinstance/", "/admin/workflows/stepexecution/",
                "/admin/workflows/actioncircuit/", f"/admin/workflows/workflowinstance/{instance.id}/change/",
                f"/admin/workflows/workflowinstance/?q={instance.id}"):  # fmt: skip
        response = admin_client.get(url)
        assert response.status_code == 200, url
    page = admin_client.get(f"/admin/workflows/workflowinstance/{instance.id}/change/").content.decode()
    assert "instance_started" in page and "reserve" in page


def test_admin_actions_suspend_resume_and_cancel_through_the_services(
    cluster, admin_client, admin_user
) -> None:
    instance = _waiting_instance(admin_user)
    url = "/admin/workflows/workflowinstance/"

    def act(action: str) -> str:
        admin_client.post(url, {"action": action, "_selected_action": [str(instance.id)]}, follow=True)
        return WorkflowInstance.objects.get(pk=instance.id).status

    assert act("suspend") == "suspended"
    assert act("resume") == "running"
    assert act("cancel") == "cancelled"
    response = admin_client.post(
        url, {"action": "suspend", "_selected_action": [str(instance.id)]}, follow=True
    )
    assert "refused" in response.content.decode()  # 409 in the API: a message here
    assert WorkflowInstance.objects.get(pk=instance.id).status == "cancelled"
