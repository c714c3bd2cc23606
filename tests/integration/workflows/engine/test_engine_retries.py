"""Retries back off as configured; timeouts are enforced on the worker."""

from __future__ import annotations

import pytest
from engine_support import events, linear, publish, task, wait_finished

from workflows.services.instances import instance_start

pytestmark = pytest.mark.django_db(transaction=True)


def test_retries_back_off_as_configured(cluster) -> None:
    # given: a task that always fails with a retryable error, three attempts, backoff 1s then 1.5s
    retry = {"max_attempts": 3, "backoff_seconds": 1, "max_backoff_seconds": 1.5}
    failing = task("call", "core.fail", {"message": "down", "retryable": True}, retry=retry)
    definition = publish(linear(failing))
    cluster.worker("w1")
    cluster.beat()
    # when
    instance = instance_start(definition_key=definition.key, input={}, started_by=definition.owner)
    # then
    done = wait_finished(instance.id, timeout=20)
    assert done.status == "failed"
    assert done.error["type"] == "RetryableError" and done.error["node_id"] == "call"
    starts = {e.payload["attempt"]: e.created_at for e in events(instance.id, "step_started")}
    retries = {e.payload["attempt"]: e for e in events(instance.id, "step_retrying")}
    assert sorted(starts) == [1, 2, 3] and sorted(retries) == [2, 3]
    for attempt, ceiling in ((2, 1.0), (3, 1.5)):
        planned = retries[attempt]
        not_before = _parse(planned.payload["not_before"])
        backoff = (not_before - planned.created_at).total_seconds()
        assert ceiling / 2 <= backoff <= ceiling + 0.001  # jittered in [d/2, d]
        lateness = (starts[attempt] - not_before).total_seconds()
        assert 0 <= lateness < 4  # never early; late by a beat tick or a busy worker at most
    failures = events(instance.id, "step_failed")
    assert len(failures) == 1 and failures[0].payload["attempt"] == 3


@pytest.mark.parametrize("pool", ["prefork", "threads"])
def test_an_attempt_running_longer_than_its_timeout_fails_with_timeout(cluster, pool) -> None:
    # given: a step that sleeps 5 s with a 0.5 s timeout and no retry
    sleepy = task("nap", "core.sleep", {"seconds": 5}, timeout_seconds=0.5)
    definition = publish(linear(sleepy))
    cluster.worker("w1", pool=pool)
    # when
    instance = instance_start(definition_key=definition.key, input={}, started_by=definition.owner)
    # then
    done = wait_finished(instance.id, timeout=15)
    assert done.status == "failed"
    assert done.error["type"] == "timeout"
    started = events(instance.id, "step_started")[-1].created_at
    failed = events(instance.id, "step_failed")[-1].created_at
    assert 0.5 <= (failed - started).total_seconds() < 3


def _parse(value: str):
    from datetime import datetime

    return datetime.fromisoformat(value)
