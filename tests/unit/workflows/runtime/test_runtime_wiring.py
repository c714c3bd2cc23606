"""Wiring that only works when spelled right: the claim SQL follows the model's transition,
beat runs tasks that exist, the engine reads its settings, actions give retry defaults."""

from __future__ import annotations

from django.conf import settings

from config.celery import app
from workflows.engine import Graph, RetryPolicy
from workflows.models import StepExecution, StepStatus
from workflows.runtime import claims
from workflows.runtime.graphs import RegistryCatalog, build_graph


def _transition(name: str):
    field = StepExecution._meta.get_field("status")
    for transition in field.get_all_transitions(StepExecution):
        if transition.name == name:
            return transition
    raise AssertionError(f"no transition {name}")


def test_the_one_statement_claim_is_the_start_transition() -> None:
    start = _transition("start")
    assert start.source == claims.CLAIM_SOURCE == StepStatus.SCHEDULED
    assert start.target == claims.CLAIM_TARGET == StepStatus.RUNNING


def test_beat_runs_the_engine_tasks_under_their_registered_names() -> None:
    import workflows.tasks  # noqa: F401  (registers the tasks)

    schedule = app.conf.beat_schedule
    for entry in ("workflows.fire_due_waits", "workflows.reap_steps"):
        assert schedule[entry]["task"] in app.tasks
    assert schedule["workflows.fire_due_waits"]["schedule"] == settings.FLOWDESK_DUE_WAITS_INTERVAL
    assert schedule["workflows.reap_steps"]["schedule"] == settings.FLOWDESK_REAPER_INTERVAL
    assert {"workflows.run_step", "workflows.run_compensation"} <= set(app.tasks)


def test_engine_tasks_ack_late_and_are_rejected_when_their_worker_is_lost() -> None:
    import workflows.tasks

    for task in (workflows.tasks.run_step_task, workflows.tasks.run_compensation_task):
        assert task.acks_late is True and task.reject_on_worker_lost is True


def test_an_actions_retry_policy_is_the_default_for_its_tasks() -> None:
    from workflows.actions import action
    from workflows.actions.registry import unregister

    action("test.retrying", label="Retrying", retry={"max_attempts": 4, "backoff_seconds": 2})(lambda p, c: p)
    try:
        assert RegistryCatalog().retry_policy("test.retrying") == RetryPolicy(4, 2.0, 300.0)
        assert RegistryCatalog().retry_policy("core.echo") is None
        document = {
            "format": "flowdesk.graph/v1",
            "nodes": [
                {"id": "s", "type": "start", "name": "s", "config": {}},
                {"id": "t", "type": "task", "name": "t", "config": {"action": "test.retrying", "params": {}}},
                {"id": "e", "type": "end", "name": "e", "config": {}},
            ],
            "edges": [{"id": "1", "source": "s", "target": "t"}, {"id": "2", "source": "t", "target": "e"}],
        }
        graph: Graph = build_graph(document)
        assert graph.node("t").spec.retry.max_attempts == 4
    finally:
        unregister("test.retrying")


def test_engine_settings_are_defined_with_sane_values() -> None:
    assert settings.FLOWDESK_STEP_LEASE_SECONDS > 0
    assert settings.FLOWDESK_MAX_REDELIVERIES >= 0
    assert settings.FLOWDESK_LOCAL_CHAIN_MAX >= 0
    assert "core.echo" in settings.FLOWDESK_LOCAL_ACTIONS
    assert settings.FLOWDESK_CIRCUIT_COOLDOWN_SECONDS > 0
