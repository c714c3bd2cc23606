"""Two people deciding one task at the same moment: exactly one wins, the other gets 409.

Runs on PostgreSQL with real transactions (transaction=True): each thread has its own
database connection, so the row locks are the real ones.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from approvals.models import Decision, TaskState
from approvals.services import deciding
from tests.integration.approvals.conftest import tasks_of

pytestmark = pytest.mark.django_db(transaction=True)


def _decide_in_thread(
    user: Any,
    task_id: int,
    outcome: str,
    results: dict[str, Any],
    key: str,
    start_gate: threading.Barrier | None = None,
) -> threading.Thread:
    def run() -> None:
        try:
            client = APIClient()
            client.force_authenticate(user)
            if start_gate is not None:
                start_gate.wait(timeout=10)
            response = client.post(f"/api/tasks/{task_id}/decide/", {"outcome": outcome}, format="json")
            results[key] = (response.status_code, response.json())
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not reached")
        time.sleep(0.02)


def _backends_waiting_for_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return int(cursor.fetchone()[0])


def test_the_second_decision_waits_for_the_first_and_gets_409(expense, start, people, monkeypatch) -> None:
    """Forced interleaving: manny's decision is recorded but not committed when mona's arrives."""
    # given
    [task] = tasks_of(start(5000), "manager")
    recorded, release = threading.Event(), threading.Event()
    real_record = deciding.decision_record

    def record_then_pause(**kwargs: Any) -> Any:
        decision = real_record(**kwargs)
        if kwargs["user"].username == "manny":
            recorded.set()
            release.wait(timeout=10)
        return decision

    # the real decision_record, with a pause after it (the before_after pattern)
    monkeypatch.setattr(deciding, "decision_record", record_then_pause)
    results: dict[str, Any] = {}
    # when manny decides and holds his transaction open...
    first = _decide_in_thread(people["manny"], task.pk, "approved", results, "manny")
    assert recorded.wait(timeout=10)
    # ...and mona decides the same task, she blocks on the instance lock
    second = _decide_in_thread(people["mona"], task.pk, "rejected", results, "mona")
    _wait_until(lambda: _backends_waiting_for_a_lock() >= 1)
    release.set()
    first.join(timeout=20)
    second.join(timeout=20)
    # then
    assert results["manny"][0] == 200
    assert results["mona"][0] == 409
    assert results["mona"][1]["error"]["code"] == "task_already_decided"
    assert list(Decision.objects.values_list("user__username", "outcome")) == [("manny", "approved")]
    task.refresh_from_db()
    assert task.state == TaskState.DECIDED


@pytest.mark.parametrize("round_", range(5))
def test_two_simultaneous_decisions_exactly_one_200_and_one_409(expense, start, people, round_: int) -> None:
    # given
    [task] = tasks_of(start(5000 + round_), "manager")
    gate = threading.Barrier(2)
    results: dict[str, Any] = {}
    # when both press the button at the same moment
    threads = [
        _decide_in_thread(people["manny"], task.pk, "approved", results, "manny", gate),
        _decide_in_thread(people["mona"], task.pk, "rejected", results, "mona", gate),
    ]
    for thread in threads:
        thread.join(timeout=30)
    # then
    statuses = sorted(status for status, _ in results.values())
    assert statuses == [200, 409]
    loser = next(body for status, body in results.values() if status == 409)
    assert loser["error"]["code"] == "task_already_decided"
    assert Decision.objects.filter(task=task).count() == 1
    instance_step = task.instance.steps.get(node_id="manager")
    assert instance_step.status == "succeeded"
