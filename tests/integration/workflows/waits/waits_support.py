"""Helpers of the waits integration tests: graphs, publishing, clocks, waiting, reading rows."""

from __future__ import annotations

import copy
import itertools
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from tests.factories import DefinitionFactory, UserFactory, VersionFactory
from workflows.models import DueWait, ExecutionEvent, StepExecution, WorkflowInstance

FINISHED = ("completed", "failed", "cancelled", "compensated")


def node(node_id: str, type: str, **config: Any) -> dict[str, Any]:
    return {"id": node_id, "type": type, "name": node_id, "position": {"x": 0, "y": 0}, "config": config}


def edge(edge_id: str, source: str, target: str, **extra: Any) -> dict[str, Any]:
    return {"id": edge_id, "source": source, "target": target, **extra}


def graph(
    nodes: list[dict[str, Any]], edges: list[dict[str, Any]], inputs: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {"format": "flowdesk.graph/v1", "inputs": inputs or {}, "nodes": nodes, "edges": edges}


def chain(
    *middle: dict[str, Any], inputs: dict[str, Any] | None = None, result: str | None = None
) -> dict[str, Any]:
    """start -> middle nodes in order -> end."""
    end = node("end", "end", **({"result": result} if result is not None else {}))
    nodes = [node("start", "start"), *middle, end]
    edges = [edge(f"e{i}", a["id"], b["id"]) for i, (a, b) in enumerate(itertools.pairwise(nodes))]
    return graph(nodes, edges, inputs)


def publish(document: dict[str, Any], *, owner: Any = None, key: str | None = None) -> Any:
    """A definition with `document` as draft and published version 1, owned by `owner`."""
    owner = owner or UserFactory(is_staff=True)
    extra = {"key": key} if key else {}
    definition = DefinitionFactory(graph=copy.deepcopy(document), owner=owner, **extra)
    VersionFactory(definition=definition)
    return definition


def wait_for(
    predicate: Callable[[], Any], *, timeout: float = 30, interval: float = 0.05, what: str = ""
) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what or predicate}")
        time.sleep(interval)


def wait_finished(instance_id: Any, *, timeout: float = 30) -> WorkflowInstance:
    def done() -> WorkflowInstance | None:
        found = WorkflowInstance.objects.get(pk=instance_id)
        return found if found.status in FINISHED else None

    return wait_for(done, timeout=timeout, what=f"instance {instance_id} to finish")


def wait_status(instance_id: Any, status: str, *, timeout: float = 30) -> WorkflowInstance:
    def reached() -> WorkflowInstance | None:
        found = WorkflowInstance.objects.get(pk=instance_id)
        return found if found.status == status else None

    return wait_for(reached, timeout=timeout, what=f"instance {instance_id} to be {status}")


def events(instance_id: Any, *types: str) -> list[ExecutionEvent]:
    queryset = ExecutionEvent.objects.filter(instance_id=instance_id).order_by("seq")
    return list(queryset.filter(type__in=types) if types else queryset)


def step_of(instance_id: Any, node_id: str) -> StepExecution:
    return StepExecution.objects.filter(instance_id=instance_id, node_id=node_id).latest("created_at")


def statuses(instance_id: Any) -> dict[str, str]:
    return {
        s.node_id: s.status
        for s in StepExecution.objects.filter(instance_id=instance_id).order_by("created_at")
    }


def pending_waits(instance_id: Any) -> list[DueWait]:
    return list(DueWait.objects.filter(instance_id=instance_id, fired_at__isnull=True).order_by("due_at"))


def later(seconds: float = 0, **delta: float) -> datetime:
    """A moment in the future: the controllable clock handed to the services' `now`."""
    return timezone.now() + timedelta(seconds=seconds, **delta)
