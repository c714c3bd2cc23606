"""Flowdesk starts in both modes and /api/health/ reports each part honestly."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def _standalone(tmp_path: Path) -> Iterator[tuple[int, dict[str, str], subprocess.Popen[bytes]]]:
    """`manage.py standalone` with no database or Redis URL and a fresh var directory,
    serving: (port, its environment, the process)."""
    port = free_port()
    env = process_env(
        {"DATABASE_URL": None, "REDIS_URL": None, "DEBUG": "true", "FLOWDESK_VAR_DIR": str(tmp_path)}
    )
    args = [PYTHON, "manage.py", "standalone", "--port", str(port)]
    with running(args, env, log=tmp_path / "standalone.log") as process:
        wait_for_http(f"http://127.0.0.1:{port}/accounts/login/", timeout=60, process=process)
        yield port, env, process


def test_standalone_mode_serves_pages_and_runs_its_own_worker_on_sqlite(tmp_path: Path) -> None:
    # given: no database or Redis URL, a fresh var directory
    with _standalone(tmp_path) as (port, _, process):
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


def _api(port: int, method: str, path: str, token: str, body: object = None) -> tuple[int, object]:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def test_standalone_mode_on_sqlite_delivers_signals_and_pages_every_inbox_scope(tmp_path: Path) -> None:
    import time

    from workflows.bench.waits_common import graph, node

    # given: standalone on SQLite, with an API token for the demo admin
    with _standalone(tmp_path) as (port, env, _):
        made = subprocess.run(
            [PYTHON, "manage.py", "drf_create_token", "admin"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        token = made.stdout.split()[2]
        document = graph(node("wait", "signal", name="go"), {})
        assert (
            _api(port, "POST", "definitions/", token, {"key": "sq-signal", "name": "S", "graph": document})[0]
            == 201
        )
        assert _api(port, "POST", "definitions/sq-signal/publish/", token, {"notes": "t"})[0] == 201
        _, instance = _api(port, "POST", "instances/", token, {"definition": "sq-signal", "input": {}})

        # when a signal is sent, then it is accepted and applied by the in-process worker
        sent = _api(port, "POST", f"instances/{instance['id']}/signals/", token, {"name": "go", "id": "s1"})
        deadline = time.monotonic() + 30
        while _api(port, "GET", f"instances/{instance['id']}/", token)[1]["status"] != "completed":
            assert time.monotonic() < deadline, "the signal was not applied"
            time.sleep(0.2)
        signals = _api(port, "GET", f"instances/{instance['id']}/signals/", token)[1]
        scopes = [
            _api(port, "GET", f"tasks/?scope={scope}", token)[0]
            for scope in ("actionable", "mine", "group", "all", "done")
        ]

    assert sent[0] == 202 and sent[1]["signal"]["status"] == "accepted"
    assert [(s["id"], s["status"], s["node_id"]) for s in signals] == [("s1", "delivered", "wait")]
    assert scopes == [200] * 5
