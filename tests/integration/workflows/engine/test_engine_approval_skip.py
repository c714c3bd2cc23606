"""Skipping an approval would decide it without its approvers: only staff may."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from engine_support import edge, graph, node, publish, step_of
from rest_framework.test import APIClient

from tests.factories import UserFactory
from workflows.models import DefinitionPermission, Role
from workflows.services.instances import instance_start

pytestmark = pytest.mark.django_db(transaction=True)


def _approval_graph() -> dict:
    nodes = [
        node("start", "start"),
        node("review", "approval", assignees={"groups": ["managers"]}, policy="any"),
        node("yes", "end", result="approved"),
        node("no", "end", result="rejected"),
    ]
    edges = [
        edge("e1", "start", "review"),
        edge("e2", "review", "yes", outcome="approved"),
        edge("e3", "review", "no", outcome="rejected"),
    ]
    return graph(nodes, edges)


def test_the_starter_cannot_skip_their_own_approval_but_staff_can() -> None:
    # given: alice may start (and edit) the workflow and starts an instance waiting for managers
    Group.objects.get_or_create(name="managers")
    alice = UserFactory(username="alice-starter")
    definition = publish(_approval_graph())
    DefinitionPermission.objects.create(definition=definition, user=alice, role=Role.EDITOR)
    instance = instance_start(definition_key=definition.key, input={}, started_by=alice)
    review = step_of(instance.id, "review")
    url = f"/api/instances/{instance.id}/steps/{review.id}/skip/"
    client = APIClient()
    client.force_authenticate(alice)

    # when she skips the approval
    refused = client.post(url, {"output": {"outcome": "approved"}}, format="json")

    # then she is refused and the approval still waits
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "permission_denied"
    assert step_of(instance.id, "review").status == "waiting"

    # and staff may, taking the chosen outcome's path
    client.force_authenticate(UserFactory(username="ops", is_staff=True))
    assert client.post(url, {"output": {"outcome": "approved"}}, format="json").status_code == 200
    instance.refresh_from_db()
    assert instance.status == "completed" and instance.result == "approved"
