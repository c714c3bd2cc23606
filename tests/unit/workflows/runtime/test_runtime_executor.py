"""Running one action: outcomes, error mapping, JSON output, timeouts and lease renewal."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import datetime

import pytest

from workflows.actions import ActionContext, FatalError, RetryableError, action
from workflows.actions.registry import unregister
from workflows.runtime.executor import run_action

CONTEXT = ActionContext("step-1", "instance-1", "step-1", "node", 1, "alice")


@pytest.fixture
def register() -> Iterator:
    names: list[str] = []

    def add(name: str, fn) -> str:
        action(name, label=name)(fn)
        names.append(name)
        return name

    yield add
    for name in names:
        unregister(name)


def _run(name: str, params=None, timeout=None, renew=None):
    return run_action(action=name, params=params or {}, context=CONTEXT, timeout_seconds=timeout, renew=renew)


def test_a_returned_value_is_the_output_as_json(register) -> None:
    register("test.when", lambda p, c: {"at": (1, 2), "who": c.started_by})
    outcome = _run("test.when")
    assert outcome.ok and outcome.output == {"at": [1, 2], "who": "alice"}


def test_retryable_errors_are_retryable_count_against_the_circuit_and_carry_retry_after(register) -> None:
    def down(p, c):
        raise RetryableError("service down", retry_after=30)

    outcome = _run(register("test.down", down))
    assert outcome.kind == "failed"
    assert outcome.error.type == "RetryableError" and outcome.error.retryable
    assert outcome.retry_after == 30 and outcome.counts_against_circuit
    assert "service down" in outcome.extra["traceback"]


def test_fatal_errors_are_not_retried_and_do_not_count_against_the_circuit(register) -> None:
    def wrong(p, c):
        raise FatalError("bad request", details={"status": 400})

    outcome = _run(register("test.wrong", wrong))
    assert not outcome.error.retryable and not outcome.counts_against_circuit
    assert outcome.extra["details"] == {"status": 400}


def test_unexpected_exceptions_are_retryable_failures_named_after_their_class(register) -> None:
    def bug(p, c):
        return 1 / 0

    outcome = _run(register("test.bug", bug))
    assert outcome.error.type == "ZeroDivisionError" and outcome.error.retryable


def test_unknown_actions_bad_params_and_non_json_output_fail_for_good(register) -> None:
    assert _run("test.nothing").error.type == "unknown_action"
    assert _run("core.log", {"level": "loud"}).error.type == "invalid_params"
    register("test.object", lambda p, c: object())
    outcome = _run("test.object")
    assert outcome.error.type == "invalid_output" and not outcome.error.retryable
    register("test.date", lambda p, c: datetime(2030, 1, 1))
    assert _run("test.date").error.type == "invalid_output"


def test_an_attempt_over_its_timeout_times_out_without_waiting_for_the_action(register) -> None:
    release = threading.Event()
    register("test.slow", lambda p, c: release.wait(5))
    started = time.monotonic()
    outcome = _run("test.slow", timeout=0.2)
    release.set()
    assert outcome.kind == "timed_out" and outcome.error.type == "timeout" and outcome.error.retryable
    assert time.monotonic() - started < 1.5


def test_the_lease_is_renewed_while_a_long_action_runs(register, settings) -> None:
    settings.FLOWDESK_STEP_LEASE_SECONDS = 0.3  # renew every 0.1 s
    renewals: list[float] = []
    register("test.long", lambda p, c: time.sleep(0.55) or "done")
    outcome = _run("test.long", renew=lambda: renewals.append(time.monotonic()) or True)
    assert outcome.ok and outcome.output == "done"
    assert len(renewals) >= 3
