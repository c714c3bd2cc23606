"""Observability fixtures: people, a small published workflow, steps run the way a worker runs them."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Iterator
from typing import Any

import pytest

from tests.factories import DefinitionFactory, DefinitionPermissionFactory, UserFactory, VersionFactory
from workflows.models import Role, StepExecution, StepStatus, WorkflowDefinition


def node(node_id: str, type: str, **config: Any) -> dict[str, Any]:
    return {"id": node_id, "type": type, "name": node_id, "position": {"x": 0, "y": 0}, "config": config}


def linear(*tasks: dict[str, Any]) -> dict[str, Any]:
    nodes = [node("start", "start"), *tasks, node("end", "end")]
    edges = [
        {"id": f"e{i}", "source": a["id"], "target": b["id"]}
        for i, (a, b) in enumerate(itertools.pairwise(nodes))
    ]
    return {"format": "flowdesk.graph/v1", "inputs": {}, "nodes": nodes, "edges": edges}


def publish(document: dict[str, Any], *, owner: Any, key: str) -> WorkflowDefinition:
    definition = DefinitionFactory(key=key, graph=copy.deepcopy(document), owner=owner)
    VersionFactory(definition=definition)
    return definition


def run_scheduled(instance_id: Any) -> int:
    """Run every scheduled task step the way a Celery worker does (step_run), until none is left."""
    from workflows.services.steps import step_run

    ran = 0
    while True:
        steps = list(StepExecution.objects.filter(instance_id=instance_id, status=StepStatus.SCHEDULED))
        if not steps:
            return ran
        for step in steps:
            ran += step_run(
                step_id=str(step.id),
                attempt=step.attempt,
                action=step.action,
                worker="test",
                task_id=f"t-{step.id}",
            ).ran


def session_cookie(user: Any) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


@pytest.fixture(autouse=True)
def empty_broker() -> Iterator[None]:
    """Steps run in-process here; drop the Celery messages the engine sends for them."""
    from config.celery import app

    yield
    app.control.purge()


@pytest.fixture
def people(transactional_db: None) -> dict[str, Any]:
    users = {name: UserFactory(username=name) for name in ("olivia", "vera", "stan")}
    users["admin"] = UserFactory(username="root", is_staff=True, is_superuser=True)
    return users


@pytest.fixture
def echo_flow(people: dict[str, Any]) -> WorkflowDefinition:
    """start -> a (core.echo) -> b (core.echo) -> end, owned by olivia, viewable by vera."""
    found = publish(
        linear(
            node("a", "task", action="core.echo", params={"n": 1}),
            node("b", "task", action="core.echo", params={"n": 2}),
        ),
        owner=people["olivia"],
        key="echo-flow",
    )
    DefinitionPermissionFactory(definition=found, user=people["vera"], role=Role.VIEWER)
    return found


@pytest.fixture
def failing_flow(people: dict[str, Any]) -> WorkflowDefinition:
    """start -> boom (core.fail, permanent) -> end."""
    return publish(
        linear(node("boom", "task", action="core.fail", params={"message": "kaput"})),
        owner=people["olivia"],
        key="failing-flow",
    )
