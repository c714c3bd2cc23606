"""Engine integration fixtures: fast engine settings, real Celery workers and a real beat.

Workers and beat are `celery -A config ...` subprocesses on the test database and the
test Redis, started with the same short leases and intervals as this process, so the
reaper and the durable waits act within a second or two.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.support.processes import PYTHON, celery_worker_args, process_env, running

FAST_ENGINE = {
    "FLOWDESK_STEP_LEASE_SECONDS": "2",
    "FLOWDESK_RESEND_AFTER_SECONDS": "2",
    "FLOWDESK_REAPER_INTERVAL": "0.5",
    "FLOWDESK_DUE_WAITS_INTERVAL": "0.2",
    "FLOWDESK_MAX_REDELIVERIES": "3",
    "FLOWDESK_CIRCUIT_FAILURE_THRESHOLD": "3",
    "FLOWDESK_CIRCUIT_COOLDOWN_SECONDS": "1",
    "FLOWDESK_CIRCUIT_CACHE_SECONDS": "0.1",
}
SETTING_TYPES = {"FLOWDESK_MAX_REDELIVERIES": int, "FLOWDESK_CIRCUIT_FAILURE_THRESHOLD": int}


@pytest.fixture
def fast_engine(settings: Any) -> dict[str, str]:
    """The short engine settings, in this process (services called here) and for children."""
    for name, value in FAST_ENGINE.items():
        setattr(settings, name, SETTING_TYPES.get(name, float)(value))
    from workflows.runtime import circuits
    from workflows.runtime.graphs import clear_graph_cache

    circuits.forget_cache()
    clear_graph_cache()
    return dict(FAST_ENGINE)


@dataclass
class Cluster:
    """Celery processes started by a test; all stopped at its end."""

    env: dict[str, str]
    tmp: Path
    processes: list[Any] = field(default_factory=list)
    _stacks: list[Any] = field(default_factory=list)

    def worker(self, name: str, *, concurrency: int = 2, pool: str = "prefork") -> Any:
        """Start a worker called `name` and wait until it answers a ping."""
        from config.celery import app

        hostname = f"{name}@flowdesk-test"
        args = celery_worker_args(concurrency=concurrency, pool=pool, hostname=hostname)
        process = self._start(args, f"{name}.log")
        for _ in range(80):
            if app.control.ping(destination=[hostname], timeout=0.5) or process.poll() is not None:
                break
        if process.poll() is not None or not app.control.ping(destination=[hostname], timeout=1):
            raise RuntimeError(f"worker {name} did not start:\n" + (self.tmp / f"{name}.log").read_text())
        return process

    def beat(self) -> Any:
        """Start celery beat (due waits and the reaper on the fast schedule)."""
        args = [PYTHON, "-m", "celery", "-A", "config", "beat", "--loglevel=INFO",
                f"--schedule={self.tmp / 'beat-schedule'}"]  # fmt: skip
        return self._start(args, "beat.log")

    def _start(self, args: list[str], log: str) -> Any:
        stack = running(args, self.env, log=self.tmp / log)
        process = stack.__enter__()
        self._stacks.append(stack)
        self.processes.append(process)
        return process

    def close(self) -> None:
        for process in self.processes:  # the test is over: no need for a warm shutdown
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
        for stack in reversed(self._stacks):
            stack.__exit__(None, None, None)  # reaps the process, closes its log

    def log(self, name: str) -> str:
        path = self.tmp / f"{name}.log"
        return path.read_text() if path.exists() else ""


@pytest.fixture
def cluster(test_database_url: str, tmp_path: Path, fast_engine: dict[str, str]) -> Iterator[Cluster]:
    """Start workers (`cluster.worker("w1")`) and beat (`cluster.beat()`) on demand."""
    from config.celery import app

    app.control.purge()  # messages left by earlier tests name rows that no longer exist
    env = process_env({"DATABASE_URL": test_database_url, **fast_engine})
    found = Cluster(env=env, tmp=tmp_path)
    try:
        yield found
    finally:
        found.close()
        app.control.purge()


@pytest.fixture
def flaky() -> Iterator[Any]:
    """The `test.flaky` action, registered in this process for the test (see engine_support.Flaky)."""
    from engine_support import Flaky

    from workflows.actions import action
    from workflows.actions.registry import unregister

    found = Flaky()
    action(Flaky.name, label="Flaky (tests only)")(found)
    try:
        yield found
    finally:
        unregister(Flaky.name)


@pytest.fixture
def staff_client(api_client: Any) -> Any:
    from tests.factories import UserFactory

    user = UserFactory(is_staff=True)
    api_client.force_authenticate(user)
    api_client.user = user
    return api_client
