"""Helpers of the live-update tests: a small published workflow, sessions, sockets, a worker stand-in."""

from __future__ import annotations

import copy
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from channels.testing import WebsocketCommunicator
from django.test import Client

from tests.factories import DefinitionFactory, VersionFactory
from workflows.models import StepExecution, StepStatus, WorkflowDefinition

ORIGIN = b"http://127.0.0.1"


def node(node_id: str, type: str, **config: Any) -> dict[str, Any]:
    return {"id": node_id, "type": type, "name": node_id, "position": {"x": 0, "y": 0}, "config": config}


def graph_with_approval(approver: str) -> dict[str, Any]:
    """start -> work (core.echo) -> ok (approval by `approver`) -> end."""
    nodes = [
        node("start", "start"),
        node("work", "task", action="core.echo", params={"hello": "world"}),
        node("ok", "approval", assignees={"users": [approver]}),
        node("end", "end"),
    ]
    edges = [
        {"id": f"e{i}", "source": a["id"], "target": b["id"]}
        for i, (a, b) in enumerate(itertools.pairwise(nodes))
    ]
    edges[-1]["outcome"] = "approved"
    nodes.append(node("no", "end"))
    edges.append({"id": "e-no", "source": "ok", "target": "no", "outcome": "rejected"})
    return {"format": "flowdesk.graph/v1", "inputs": {}, "nodes": nodes, "edges": edges}


def publish(document: dict[str, Any], *, owner: Any, key: str) -> WorkflowDefinition:
    definition = DefinitionFactory(key=key, graph=copy.deepcopy(document), owner=owner)
    VersionFactory(definition=definition)
    return definition


def session_cookie(user: Any) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


@asynccontextmanager
async def socket(
    application: Any, path: str, user: Any | None, *, origin: bytes = ORIGIN
) -> AsyncIterator[Any]:
    """A WebSocket through the whole ASGI stack (origin check, session auth, routing)."""
    from asgiref.sync import sync_to_async

    headers = [(b"origin", origin), (b"host", b"127.0.0.1")]
    if user is not None:
        headers.append((b"cookie", await sync_to_async(session_cookie)(user)))
    communicator = WebsocketCommunicator(application, path, headers=headers)
    try:
        yield communicator
    finally:
        await communicator.disconnect()


def run_scheduled_task_steps(instance_id: Any) -> int:
    """Do what a Celery worker does with each scheduled task step's message (step_run)."""
    from workflows.services.steps import step_run

    ran = 0
    for step in StepExecution.objects.filter(instance_id=instance_id, status=StepStatus.SCHEDULED):
        ran += step_run(
            step_id=str(step.id),
            attempt=step.attempt,
            action=step.action,
            worker="test-worker",
            task_id=f"t-{step.id}",
        ).ran
    return ran
