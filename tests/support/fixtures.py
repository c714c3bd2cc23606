"""Real-service fixtures: the PostgreSQL test database, Redis and Celery worker processes.

Integration tests need DATABASE_URL (PostgreSQL) and REDIS_URL: they fail, loudly,
rather than skip when either is missing, so CI can never pass without them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.support.processes import celery_worker_args, process_env, running


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if any(("/integration/" in str(item.path) or "/e2e/" in str(item.path)) for item in items):
        missing = [name for name in ("DATABASE_URL", "REDIS_URL") if not os.environ.get(name)]
        if missing or not settings.IS_POSTGRES:
            raise pytest.UsageError(
                "integration and browser tests need PostgreSQL and Redis: set DATABASE_URL=postgres://... and "
                f"REDIS_URL=redis://... (missing: {', '.join(missing) or 'a PostgreSQL DATABASE_URL'}); "
                "`make test` sets them up."
            )


@pytest.fixture
def test_database_url(transactional_db: None) -> str:
    """A DATABASE_URL naming the test database, for processes started by a test."""
    params = connection.settings_dict
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or 5432
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    return f"postgres://{params['USER']}{password}@{host}:{port}/{params['NAME']}"


@pytest.fixture
def celery_worker_process(test_database_url: str, tmp_path: Path) -> Iterator[object]:
    """A real `celery -A config worker` (prefork, 2 processes) on the test database and Redis.

    Tests using it must be transactional (they are, through test_database_url) so the
    worker sees their committed rows.
    """
    from config.celery import app

    env = process_env({"DATABASE_URL": test_database_url})
    with running(celery_worker_args(), env, log=tmp_path / "worker.log") as process:
        replies: list[object] = []
        for _ in range(60):
            replies = app.control.ping(timeout=0.5)
            if replies or process.poll() is not None:
                break
        if not replies:
            raise RuntimeError("the Celery worker did not answer:\n" + (tmp_path / "worker.log").read_text())
        yield process
