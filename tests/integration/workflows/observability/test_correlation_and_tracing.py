"""A correlation id flows from the API request into the instance, its Celery messages and the
worker's log lines (JSON on request); OpenTelemetry traces the request and the worker's task
in one trace when the standard OTEL_* variables ask for it, and stays off otherwise."""

from __future__ import annotations

import contextlib
import json
import re
import time
import urllib.request
from pathlib import Path
from typing import Any

from rest_framework.authtoken.models import Token

from tests.support.processes import (
    celery_worker_args,
    daphne_args,
    free_port,
    process_env,
    running,
    wait_for_http,
)
from workflows.models import WorkflowInstance
from workflows.observability import tracing

from .conftest import linear, node, publish


def wait_completed(instance_id: Any, log: Path, timeout: float = 60) -> WorkflowInstance:
    deadline = time.monotonic() + timeout
    while True:
        found = WorkflowInstance.objects.get(pk=instance_id)
        if found.status == "completed":
            return found
        assert time.monotonic() < deadline, log.read_text()[-4000:]
        time.sleep(0.2)


def json_lines(path: Path) -> list[dict[str, Any]]:
    records = []
    for line in path.read_text().splitlines():
        if line.startswith("{"):
            try:
                records.append(json.loads(line))
            except ValueError:
                continue
    return records


def test_the_request_correlation_id_reaches_the_instance_the_worker_and_its_json_log_lines(
    api_client: Any, people: dict[str, Any], test_database_url: str, tmp_path: Path
) -> None:
    from config.celery import app

    app.control.purge()
    publish(
        linear(
            node("note", "task", action="core.log", params={"message": "hello from the step"}),
            # with a timeout the action runs in a helper thread: the id must follow it there
            node(
                "timed",
                "task",
                action="core.log",
                params={"message": "hello from a thread"},
                timeout_seconds=30,
            ),
        ),
        owner=people["olivia"],
        key="log-flow",
    )
    env = process_env({"DATABASE_URL": test_database_url, "LOG_FORMAT": "json"})
    log = tmp_path / "worker.log"
    with running(celery_worker_args(concurrency=1), env, log=log):
        # when olivia starts an instance with her own correlation id
        api_client.force_login(people["olivia"])
        response = api_client.post(
            "/api/instances/",
            {"definition": "log-flow", "input": {}},
            format="json",
            HTTP_X_CORRELATION_ID="ticket-4711",
        )
        assert response.status_code == 201, response.content
        assert response["X-Correlation-ID"] == "ticket-4711"
        instance = wait_completed(response.json()["id"], log)
        # and another without one
        plain = api_client.post("/api/instances/", {"definition": "log-flow", "input": {}}, format="json")
        generated = plain["X-Correlation-ID"]
        wait_completed(plain.json()["id"], log)
    app.control.purge()

    # then the instance keeps it, and the worker's log line from the step carries it
    assert instance.correlation_id == "ticket-4711"
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    assert WorkflowInstance.objects.get(pk=plain.json()["id"]).correlation_id == generated
    lines = [r for r in json_lines(log) if r.get("message") == "hello from the step"]
    assert {(r["correlation_id"], r["instance_id"]) for r in lines} == {
        ("ticket-4711", str(instance.pk)),
        (generated, plain.json()["id"]),
    }
    assert all(r["level"] == "INFO" and r["time"].endswith("+00:00") for r in lines)
    threaded = [r for r in json_lines(log) if r.get("message") == "hello from a thread"]
    assert {r["correlation_id"] for r in threaded} == {"ticket-4711", generated}


def test_a_malformed_correlation_id_is_replaced(client: Any, db: None) -> None:
    response = client.get("/accounts/login/", HTTP_X_CORRELATION_ID="bad id with spaces\n")
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Correlation-ID"])


def test_tracing_is_off_unless_the_otel_environment_asks_for_it() -> None:
    assert not tracing.enabled({})
    assert not tracing.enabled(
        {"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://x:4318"}
    )
    assert not tracing.enabled({"OTEL_SDK_DISABLED": "true", "OTEL_TRACES_EXPORTER": "otlp"})
    assert tracing.enabled({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"})
    assert tracing.enabled({"OTEL_TRACES_EXPORTER": "console"})


def spans(path: Path) -> list[dict[str, Any]]:
    """The console exporter's spans: pretty-printed JSON objects in the process output."""
    text = path.read_text()
    found, depth, start = [], 0, None
    for index, char in enumerate(text):
        if char == "{" and depth == 0 and text[index : index + 15].lstrip("{ \n").startswith('"name"'):
            start = index
        if start is not None:
            depth += {"{": 1, "}": -1}.get(char, 0)
            if depth == 0:
                with contextlib.suppress(ValueError):
                    found.append(json.loads(text[start : index + 1]))
                start = None
    return found


def test_one_trace_spans_the_api_request_and_the_worker_running_the_step(
    people: dict[str, Any], test_database_url: str, tmp_path: Path
) -> None:
    from config.celery import app

    app.control.purge()
    publish(linear(node("a", "task", action="core.echo", params={})), owner=people["olivia"], key="traced")
    token = Token.objects.create(user=people["olivia"]).key
    env = process_env(
        {
            "DATABASE_URL": test_database_url,
            "DEBUG": "false",
            "OTEL_TRACES_EXPORTER": "console",
            "OTEL_SERVICE_NAME": "flowdesk-test",
            "OTEL_BSP_SCHEDULE_DELAY": "50",
        }
    )
    port = free_port()
    web_log, worker_log = tmp_path / "daphne.log", tmp_path / "worker.log"
    with (
        running(celery_worker_args(concurrency=1), env, log=worker_log),
        running(daphne_args(port), env, log=web_log) as web,
    ):
        wait_for_http(f"http://127.0.0.1:{port}/accounts/login/", timeout=40, process=web)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/instances/",
            data=json.dumps({"definition": "traced", "input": {}}).encode(),
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 (local test server)
            instance_id = json.loads(response.read())["id"]
        wait_completed(instance_id, worker_log)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            web_spans = [s for s in spans(web_log) if s["name"] == "POST api/instances/"]
            task_spans = [s for s in spans(worker_log) if s["name"] == "run/workflows.run_step"]
            if web_spans and task_spans:
                break
            time.sleep(0.2)
    app.control.purge()

    assert web_spans and task_spans, web_log.read_text()[-2000:] + worker_log.read_text()[-2000:]
    assert web_spans[0]["resource"]["attributes"]["service.name"] == "flowdesk-test"
    assert task_spans[0]["context"]["trace_id"] == web_spans[0]["context"]["trace_id"]
