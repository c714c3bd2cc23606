"""The rows the adapter writes load back as exactly the state the core returned.

Each event is decided twice from the same loaded state and the same seeded random
source: once here, once by `instance_apply` (which then writes its commands). Loading
the rows again must give the core's returned state, field for field.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from django.db import transaction
from engine_support import example, parallel, publish

from workflows.engine import ErrorInfo, InstanceState, decide
from workflows.engine.events import (
    CompensationSucceeded,
    InstanceStarted,
    StepFailed,
    StepSucceeded,
    TimerFired,
)
from workflows.models import StepExecution, WorkflowInstance
from workflows.runtime.graphs import graph_for_version
from workflows.runtime.repository import build_state, instance_info, load_steps, lock_instance
from workflows.services import instances as instance_services
from workflows.services.instances import instance_apply, instance_start

pytestmark = pytest.mark.django_db(transaction=True)


def _load(instance_id):
    with transaction.atomic():
        instance = lock_instance(instance_id)
        return instance, build_state(instance, load_steps(instance))


def _next_event(instance_id, fail_nodes: set[str]):
    """The outside world's next report: tasks succeed with their params (or fail), timers fire,
    compensations succeed."""
    for step in StepExecution.objects.filter(instance_id=instance_id).order_by("created_at"):
        if step.status == "scheduled" and step.node_type == "task":
            if step.node_id in fail_nodes:
                return StepFailed(str(step.id), ErrorInfo("Boom", "boom", False), attempt=step.attempt)
            return StepSucceeded(str(step.id), step.params, attempt=step.attempt)
        if step.status == "waiting" and step.node_type == "timer":
            return TimerFired(str(step.id))
        if step.status == "compensating":
            return CompensationSucceeded(str(step.id), attempt=step.compensation_attempt)
    return None


@pytest.mark.parametrize(
    ("document", "input", "fail_nodes", "final"),
    [
        (example("order-saga"), {"order_id": "X", "amount": 3}, set(), "completed"),
        (
            example("order-saga"),
            {"order_id": "X", "amount": 3, "fail_shipping": True},
            {"ship_broken"},
            "compensated",
        ),
        (parallel(5), {}, set(), "completed"),
        (parallel(3), {}, {"b1"}, "failed"),
    ],
    ids=["saga", "saga-compensated", "parallel", "parallel-failing"],
)
def test_rows_load_back_as_the_state_the_core_returned(
    cluster, monkeypatch, document, input, fail_nodes, final
) -> None:
    # given: the adapter's random source is seeded, like ours
    seed = random.Random(11).getrandbits(32)
    monkeypatch.setattr(instance_services, "_rng", random.Random(seed))
    definition = publish(document)
    graph = graph_for_version(definition.versions.get().pk)
    now = datetime(2031, 1, 1, tzinfo=UTC)
    instance = instance_start(definition_key=definition.key, input=input, started_by=definition.owner)
    # the start, decided from a fresh state with the same seed
    row, started = _load(instance.id)
    fresh = InstanceState(info=instance_info(row), input=row.input)
    assert started == decide(graph, fresh, InstanceStarted(), now=now, rng=random.Random(seed)).state
    for _ in range(100):
        event = _next_event(instance.id, fail_nodes)
        if event is None:
            break
        # when
        _, before = _load(instance.id)
        mine = random.Random(seed + 1)
        monkeypatch.setattr(instance_services, "_rng", random.Random(seed + 1))
        expected = decide(graph, before, event, now=now, rng=mine)
        assert expected.ignored is None, expected.ignored
        instance_apply(instance.id, event, now=now)
        # then
        _, after = _load(instance.id)
        assert after == expected.state
        seed += 2
    assert WorkflowInstance.objects.get(pk=instance.id).status == final
