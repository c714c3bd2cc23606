"""Helpers of the engine integration tests: graphs, publishing, waiting, reading events."""

from __future__ import annotations

import copy
import itertools
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.factories import DefinitionFactory, UserFactory, VersionFactory
from workflows.models import ExecutionEvent, StepExecution, WorkflowInstance

EXAMPLES = Path(__file__).resolve().parents[4] / "workflows" / "demo" / "examples"


def example(name: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / f"{name}.json").read_text())


def node(node_id: str, type: str, **config: Any) -> dict[str, Any]:
    return {"id": node_id, "type": type, "name": node_id, "position": {"x": 0, "y": 0}, "config": config}


def edge(edge_id: str, source: str, target: str, **extra: Any) -> dict[str, Any]:
    return {"id": edge_id, "source": source, "target": target, **extra}


def task(
    node_id: str, action: str = "core.echo", params: dict[str, Any] | None = None, **config: Any
) -> dict[str, Any]:
    return node(
        node_id, "task", action=action, params=params if params is not None else {"node": node_id}, **config
    )


def graph(
    nodes: list[dict[str, Any]], edges: list[dict[str, Any]], inputs: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {"format": "flowdesk.graph/v1", "inputs": inputs or {}, "nodes": nodes, "edges": edges}


def linear(
    *tasks: dict[str, Any], inputs: dict[str, Any] | None = None, result: str | None = None
) -> dict[str, Any]:
    """start -> tasks in order -> end."""
    end = node("end", "end", **({"result": result} if result else {}))
    chain = [node("start", "start"), *tasks, end]
    edges = [edge(f"e{i}", a["id"], b["id"]) for i, (a, b) in enumerate(itertools.pairwise(chain))]
    return graph(chain, edges, inputs)


def parallel(width: int, action: str = "core.echo", params: dict[str, Any] | None = None) -> dict[str, Any]:
    """start -> split -> `width` tasks -> join -> end."""
    branches = [task(f"b{i}", action, params if params is not None else {"branch": i}) for i in range(width)]
    nodes = [
        node("start", "start"),
        node("split", "parallel"),
        *branches,
        node("join", "join"),
        node("end", "end"),
    ]
    edges = [edge("e-start", "start", "split"), edge("e-end", "join", "end")]
    for i in range(width):
        edges += [edge(f"e-in{i}", "split", f"b{i}"), edge(f"e-out{i}", f"b{i}", "join")]
    return graph(nodes, edges)


def publish(document: dict[str, Any], *, owner: Any = None, key: str | None = None) -> Any:
    """A definition with `document` as its draft and version 1, owned by `owner` (a new staff user)."""
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


FINISHED = ("completed", "failed", "cancelled", "compensated")


def wait_finished(instance_id: Any, *, timeout: float = 30) -> WorkflowInstance:
    def done() -> WorkflowInstance | None:
        found = WorkflowInstance.objects.get(pk=instance_id)
        return found if found.status in FINISHED else None

    return wait_for(done, timeout=timeout, what=f"instance {instance_id} to finish")


def events(instance_id: Any, *types: str) -> list[ExecutionEvent]:
    queryset = ExecutionEvent.objects.filter(instance_id=instance_id).order_by("seq")
    return list(queryset.filter(type__in=types) if types else queryset)


def step_of(instance_id: Any, node_id: str) -> StepExecution:
    return StepExecution.objects.filter(instance_id=instance_id, node_id=node_id).latest("created_at")


class Flaky:
    """A test action `test.flaky` (registered in this process only): fails while `failures`
    is above zero (counting down), then returns its params. Counts its calls."""

    name = "test.flaky"

    def __init__(self) -> None:
        self.failures = 0
        self.calls = 0
        self.fatal = False

    def __call__(self, params: dict[str, Any], ctx: Any) -> Any:
        from workflows.actions import FatalError, RetryableError

        self.calls += 1
        if self.failures > 0:
            self.failures -= 1
            if self.fatal:
                raise FatalError("flaky failed for good")
            raise RetryableError("flaky is down")
        return params
