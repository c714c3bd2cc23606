"""Approvals integration fixtures: demo groups and people, the expense example published,
and helpers to start instances through the real engine adapter."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User

from approvals.models import ApprovalRequest, ApprovalTask
from tests.factories import DefinitionFactory, GroupFactory, UserFactory, VersionFactory
from workflows.models import DefinitionPermission, Role, WorkflowDefinition, WorkflowInstance

EXAMPLES = Path(__file__).resolve().parents[3] / "workflows" / "demo" / "examples"
DEMO_GROUPS = ("managers", "finance", "directors", "team-leads", "hr", "soc-analysts", "soc-leads")
PEOPLE = {
    "alice": (),
    "manny": ("managers", "team-leads"),
    "mona": ("managers",),
    "fiona": ("finance",),
    "frank": ("finance",),
    "fatima": ("finance",),
    "diana": ("directors",),
    "sam": ("soc-analysts",),
    "sofia": ("soc-leads",),
}


def example_graph(name: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / f"{name}.json").read_text())


def with_node_config(graph: dict[str, Any], node_id: str, **changes: Any) -> dict[str, Any]:
    """A copy of `graph` whose node `node_id` has `changes` merged into its config (None removes)."""
    graph = copy.deepcopy(graph)
    node = next(n for n in graph["nodes"] if n["id"] == node_id)
    for key, value in changes.items():
        if value is None:
            node["config"].pop(key, None)
        else:
            node["config"][key] = value
    return graph


@pytest.fixture
def groups(db: None) -> dict[str, Group]:
    return {name: GroupFactory(name=name) for name in DEMO_GROUPS}


@pytest.fixture
def people(groups: dict[str, Group]) -> dict[str, User]:
    return {
        name: UserFactory(username=name, groups=[groups[g] for g in member_of])
        for name, member_of in PEOPLE.items()
    }


@pytest.fixture
def publish(people: dict[str, User]) -> Callable[..., WorkflowDefinition]:
    """Publish a graph as a definition owned (and so startable) by alice."""

    def _publish(
        graph: dict[str, Any], key: str = "expense-approval", name: str = "Expense approval"
    ) -> WorkflowDefinition:
        definition = DefinitionFactory(key=key, name=name, owner=people["alice"], graph=graph)
        VersionFactory(definition=definition, graph=graph)
        return definition

    return _publish


@pytest.fixture
def expense(publish: Callable[..., WorkflowDefinition]) -> WorkflowDefinition:
    return publish(example_graph("expense-approval"))


@pytest.fixture
def start(people: dict[str, User]) -> Callable[..., WorkflowInstance]:
    from workflows.services.instances import instance_start

    def _start(
        amount: float, *, key: str = "expense-approval", by: str = "alice", title: str = "Laptop"
    ) -> WorkflowInstance:
        definition = WorkflowDefinition.objects.get(key=key)
        if definition.owner_id != people[by].pk:
            DefinitionPermission.objects.get_or_create(
                definition=definition, user=people[by], role=Role.STARTER
            )
        return instance_start(
            definition_key=key, input={"title": title, "amount": amount}, started_by=people[by]
        )

    return _start


def tasks_of(instance: WorkflowInstance, node_id: str) -> list[ApprovalTask]:
    return list(
        ApprovalTask.objects.filter(request__instance=instance, request__node_id=node_id)
        .select_related("assignee", "request")
        .order_by("position", "pk")
    )


def request_of(instance: WorkflowInstance, node_id: str) -> ApprovalRequest:
    return ApprovalRequest.objects.get(instance=instance, node_id=node_id)


def step_statuses(instance: WorkflowInstance) -> dict[str, str]:
    return {step.node_id: step.status for step in instance.steps.order_by("created_at")}
