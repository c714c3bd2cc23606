"""Flowdesk starts in both modes and /api/health/ reports each part honestly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.processes import (
    PYTHON,
    celery_worker_args,
    daphne_args,
    free_port,
    http_get,
    process_env,
    running,
    wait_for_http,
)

pytestmark = pytest.mark.slow


def _health(port: int, timeout: float = 15) -> tuple[int, dict]:
    status, body = http_get(f"http://127.0.0.1:{port}/api/health/", timeout=timeout)
    return status, json.loads(body)


def test_standalone_mode_serves_pages_and_runs_its_own_worker_on_sqlite(tmp_path: Path) -> None:
    # given: no database or Redis URL, a fresh var directory
    port = free_port()
    env = process_env(
        {"DATABASE_URL": None, "REDIS_URL": None, "DEBUG": "true", "FLOWDESK_VAR_DIR": str(tmp_path)}
    )
    args = [PYTHON, "manage.py", "standalone", "--port", str(port)]
    with running(args, env, log=tmp_path / "standalone.log") as process:
        wait_for_http(f"http://127.0.0.1:{port}/accounts/login/", timeout=60, process=process)

        # when
        status, report = _health(port)
        login_status, login_page = http_get(f"http://127.0.0.1:{port}/accounts/login/")

    # then
    assert status == 200, report
    assert report["healthy"] is True
    assert report["mode"] == "standalone"
    assert all(part["ok"] for part in report["components"].values())
    assert login_status == 200 and b"Sign in" in login_page
    assert (tmp_path / "flowdesk.sqlite3").exists()
    log = (tmp_path / "standalone.log").read_text()
    assert "admin" in log and "admin-demo" in log  # the demo logins are printed
    assert process.returncode == 0  # SIGTERM stops web server, worker and beat cleanly


def test_distributed_mode_is_healthy_with_postgres_redis_and_a_separate_worker(
    test_database_url: str, tmp_path: Path
) -> None:
    port = free_port()
    env = process_env({"DATABASE_URL": test_database_url})
    with (
        running(celery_worker_args(), env, log=tmp_path / "worker.log"),
        running(daphne_args(port), env, log=tmp_path / "daphne.log") as web,
    ):
        wait_for_http(f"http://127.0.0.1:{port}/accounts/login/", timeout=30, process=web)
        status, report = 503, {}
        for _ in range(30):  # the worker may still be starting
            status, report = _health(port)
            if status == 200:
                break

    assert status == 200, report
    assert report["mode"] == "distributed"
    assert report["healthy"] is True


def test_health_is_503_and_names_the_broker_when_redis_is_unreachable(
    test_database_url: str, tmp_path: Path
) -> None:
    # given: a web node whose REDIS_URL points at a port where nothing listens
    port = free_port()
    dead_redis = f"redis://127.0.0.1:{free_port()}/0"
    env = process_env({"DATABASE_URL": test_database_url, "REDIS_URL": dead_redis})
    with running(daphne_args(port), env, log=tmp_path / "daphne.log") as web:
        wait_for_http(f"http://127.0.0.1:{port}/accounts/login/", timeout=30, process=web)

        status, report = _health(port)

    assert status == 503
    assert report["healthy"] is False
    assert report["components"]["broker"]["ok"] is False
    assert report["components"]["database"]["ok"] is True


def test_health_is_503_when_no_worker_answers(test_database_url: str, tmp_path: Path) -> None:
    port = free_port()
    env = process_env({"DATABASE_URL": test_database_url})
    with running(daphne_args(port), env, log=tmp_path / "daphne.log") as web:
        wait_for_http(f"http://127.0.0.1:{port}/accounts/login/", timeout=30, process=web)

        status, report = _health(port)

    assert status == 503
    assert report["components"]["worker"]["ok"] is False
    assert report["components"]["broker"]["ok"] is True


def test_a_pooled_web_node_serves_many_concurrent_requests_without_exhausting_postgres(
    test_database_url: str, tmp_path: Path
) -> None:
    # given a web node with a pool of 3 connections
    from concurrent.futures import ThreadPoolExecutor

    port = free_port()
    env = process_env({"DATABASE_URL": test_database_url, "DB_POOL_MAX_SIZE": "3"})
    with running(daphne_args(port), env, log=tmp_path / "daphne.log") as web:
        wait_for_http(f"http://127.0.0.1:{port}/accounts/login/", timeout=30, process=web)

        # when 24 requests that each use the database arrive 8 at a time (each also
        # waits ~2 s for a worker that is not there)
        with ThreadPoolExecutor(max_workers=8) as pool:
            reports = list(pool.map(lambda _: _health(port, timeout=90)[1], range(24)))

    # then every one reached the database
    assert all(report["components"]["database"]["ok"] for report in reports)
