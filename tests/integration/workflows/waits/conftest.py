"""Waits integration fixtures: fast intervals, real Celery workers and beats on demand.

Workers and beats are `celery -A config ...` subprocesses on the test database and the
test Redis, with the same short intervals as this process, so timers, schedules and the
reconciler act within a second or two.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.support.processes import PYTHON, celery_worker_args, process_env, running

FAST = {
    "FLOWDESK_DUE_WAITS_INTERVAL": "0.2",
    "FLOWDESK_REAPER_INTERVAL": "0.5",
    "FLOWDESK_SCHEDULES_INTERVAL": "0.5",
    "FLOWDESK_WAITS_SWEEP_INTERVAL": "1",
    "FLOWDESK_WAITS_SWEEP_GRACE_SECONDS": "1",
    "FLOWDESK_TRIGGER_CACHE_SECONDS": "0",
    "FLOWDESK_SUBWORKFLOW_MAX_DEPTH": "3",
}
INTEGERS = {"FLOWDESK_SUBWORKFLOW_MAX_DEPTH"}


@pytest.fixture
def fast_waits(settings: Any) -> dict[str, str]:
    """The short intervals, in this process (services called here) and for child processes."""
    for name, value in FAST.items():
        setattr(settings, name, int(value) if name in INTEGERS else float(value))
    from workflows.runtime.graphs import clear_graph_cache
    from workflows.waits.triggers import forget_trigger_cache

    clear_graph_cache()
    forget_trigger_cache()
    return dict(FAST)


@dataclass
class Cluster:
    """Celery workers and beats started by a test; all stopped at its end (or on `stop_all`)."""

    env: dict[str, str]
    tmp: Path
    _stacks: list[Any] = field(default_factory=list)
    _count: int = 0

    def worker(self, name: str = "w1", *, concurrency: int = 2) -> Any:
        """Start a worker and wait until it answers a ping."""
        from config.celery import app

        self._count += 1
        hostname = f"{name}-{self._count}@waits-test"
        process = self._start(celery_worker_args(concurrency=concurrency, hostname=hostname), f"{name}.log")
        for _ in range(80):
            if app.control.ping(destination=[hostname], timeout=0.5) or process.poll() is not None:
                break
        if process.poll() is not None or not app.control.ping(destination=[hostname], timeout=1):
            raise RuntimeError(f"worker {name} did not start:\n" + self.log(name))
        return process

    def beat(self, name: str = "beat") -> Any:
        """Start `celery beat` with its own schedule file (due waits, schedules, sweep)."""
        args = [PYTHON, "-m", "celery", "-A", "config", "beat", "--loglevel=INFO",
                f"--schedule={self.tmp / (name + '-schedule')}"]  # fmt: skip
        return self._start(args, f"{name}.log")

    def stop_all(self) -> None:
        """Stop every process (SIGTERM, then SIGKILL): a full restart starts new ones."""
        for stack in reversed(self._stacks):
            stack.__exit__(None, None, None)
        self._stacks.clear()

    def log(self, name: str) -> str:
        path = self.tmp / f"{name}.log"
        return path.read_text() if path.exists() else ""

    def _start(self, args: list[str], log: str) -> Any:
        stack = running(args, self.env, log=self.tmp / log)
        process = stack.__enter__()
        self._stacks.append(stack)
        return process


@pytest.fixture
def cluster(test_database_url: str, tmp_path: Path, fast_waits: dict[str, str]) -> Iterator[Cluster]:
    """Start workers (`cluster.worker()`) and beats (`cluster.beat()`) on demand."""
    from config.celery import app

    app.control.purge()  # messages of earlier tests name rows that no longer exist
    found = Cluster(env=process_env({"DATABASE_URL": test_database_url, **fast_waits}), tmp=tmp_path)
    try:
        yield found
    finally:
        found.stop_all()
        app.control.purge()


@pytest.fixture
def staff(db: None) -> Any:
    from tests.factories import UserFactory

    return UserFactory(is_staff=True)


@pytest.fixture
def staff_client(api_client: Any, staff: Any) -> Any:
    api_client.force_authenticate(staff)
    api_client.user = staff
    return api_client
