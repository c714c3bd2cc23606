"""SQL statements per automatic step stay within the budget (PERFORMANCE_NOTES.md: <= 8).

Counted with CaptureQueriesContext, BEGIN and COMMIT included, with the per-process caches
(built graph, circuit snapshot) warm, as on a worker that has run a step before.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from engine_support import linear, publish, task

from workflows.models import StepExecution, WorkflowInstance
from workflows.services.instances import instance_start
from workflows.services.steps import step_run

pytestmark = pytest.mark.django_db(transaction=True)
BUDGET = 8


@pytest.fixture(autouse=True)
def warm_worker_caches(fast_engine, settings) -> None:
    """As on a long-running worker: the circuit snapshot is refreshed once a second, not
    every 0.1 s as the fast test settings have it."""
    settings.FLOWDESK_CIRCUIT_CACHE_SECONDS = 60.0


def _five_tasks():
    return publish(linear(*(task(f"t{i}", params={"i": i, "x": "{{ input.x }}"}) for i in range(5)),
                          inputs={"x": {"type": "string"}}))  # fmt: skip


def _run_one_message(instance_id) -> tuple[int, int]:
    step = StepExecution.objects.get(instance_id=instance_id, status="scheduled")
    with CaptureQueriesContext(connection) as queries:
        report = step_run(
            step_id=str(step.id), attempt=step.attempt, worker="w", task_id="t", action=step.action
        )
    return report.ran, len(queries)


def test_a_step_delivered_by_the_broker_costs_at_most_eight_statements(cluster, settings) -> None:
    # given: local chaining off, so every step is claimed from its own message; caches warm
    settings.FLOWDESK_LOCAL_CHAIN_MAX = 0
    definition = _five_tasks()
    warm = instance_start(definition_key=definition.key, input={"x": "a"}, started_by=definition.owner)
    for _ in range(5):
        _run_one_message(warm.id)
    instance = instance_start(definition_key=definition.key, input={"x": "b"}, started_by=definition.owner)
    # when
    counts = [_run_one_message(instance.id) for _ in range(5)]
    # then
    assert WorkflowInstance.objects.get(pk=instance.id).status == "completed"
    assert all(ran == 1 for ran, _ in counts)
    per_step = [n for _, n in counts]
    assert max(per_step) <= BUDGET, per_step
    print(f"statements per step (broker path): {per_step}")


def test_steps_run_locally_in_a_chain_cost_at_most_eight_statements_each(cluster) -> None:
    # given
    definition = _five_tasks()
    warm = instance_start(definition_key=definition.key, input={"x": "a"}, started_by=definition.owner)
    _run_one_message(warm.id)
    instance = instance_start(definition_key=definition.key, input={"x": "b"}, started_by=definition.owner)
    # when: one message; the worker runs the other four steps itself
    ran, statements = _run_one_message(instance.id)
    # then
    assert ran == 5
    assert WorkflowInstance.objects.get(pk=instance.id).status == "completed"
    assert statements / ran <= BUDGET
    print(f"statements per step (local chain): {statements / ran:.1f}")


def test_starting_an_instance_costs_a_bounded_number_of_statements(cluster) -> None:
    # given
    definition = _five_tasks()
    instance_start(definition_key=definition.key, input={"x": "a"}, started_by=definition.owner)
    # when
    with CaptureQueriesContext(connection) as queries:
        instance_start(definition_key=definition.key, input={"x": "b"}, started_by=definition.owner)
    # then: definition + access, version, then one write statement (plus BEGIN/COMMIT)
    assert len(queries) <= 6, [q["sql"][:80] for q in queries]
