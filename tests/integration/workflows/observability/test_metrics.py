"""/metrics: Prometheus text for a token or an allowed network only, counting what really ran."""

from __future__ import annotations

import asyncio
import json
import re
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.support.processes import (
    celery_worker_args,
    daphne_args,
    free_port,
    process_env,
    running,
    wait_for_http,
)
from workflows.models import WorkflowInstance
from workflows.observability import metrics as metrics_module
from workflows.services.instances import instance_start

from .conftest import run_scheduled, session_cookie

TOKEN = "scrape-me-0123456789"


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(text: str, name: str, **labels: str) -> float:
    return samples(text).get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_refuse_a_scraper_without_the_token_or_when_nothing_is_configured(
    client: Any, settings: Any, db: None
) -> None:
    settings.FLOWDESK_METRICS_TOKEN = ""
    settings.FLOWDESK_METRICS_ALLOWED_NETWORKS = []
    closed = client.get("/metrics")
    assert closed.status_code == 403
    assert closed.json()["error"]["code"] == "metrics_disabled"

    settings.FLOWDESK_METRICS_TOKEN = TOKEN
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 401 and wrong["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200


def test_metrics_answer_an_allowed_network_without_a_token(client: Any, settings: Any, db: None) -> None:
    settings.FLOWDESK_METRICS_TOKEN = TOKEN
    settings.FLOWDESK_METRICS_ALLOWED_NETWORKS = ["10.1.0.0/16"]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.2.0.1").status_code == 401


def test_one_process_counts_steps_durations_and_reads_states_from_the_database(
    client: Any, settings: Any, people: dict[str, Any], echo_flow: Any, failing_flow: Any
) -> None:
    settings.FLOWDESK_METRICS_TOKEN = TOKEN
    settings.FLOWDESK_METRICS_CACHE_SECONDS = 0
    auth = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}
    before = client.get("/metrics", **auth).content.decode()

    # when two instances run here (as a worker would run them), one completing, one failing
    for key in ("echo-flow", "failing-flow"):
        instance = instance_start(definition_key=key, input={}, started_by=people["olivia"])
        run_scheduled(instance.pk)
    assert metrics_module.flush()
    after = client.get("/metrics", **auth).content.decode()

    # then the counters moved by exactly what ran
    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("flowdesk_steps_total", action="core.echo", status="succeeded") == 2
    assert delta("flowdesk_steps_total", action="core.fail", status="failed") == 1
    assert delta("flowdesk_step_duration_seconds_count", action="core.echo") == 2
    assert delta("flowdesk_instances_started_total", definition="echo-flow") == 1
    assert delta("flowdesk_instances_finished_total", definition="failing-flow", status="failed") == 1
    # and the gauges are the database's
    assert value(after, "flowdesk_instances", status="completed") == 1
    assert value(after, "flowdesk_instances", status="failed") == 1
    assert value(after, "flowdesk_approvals_open", state="open") == 0
    assert value(after, "flowdesk_sla_breaches") == 0


@pytest.fixture
def web_and_worker(test_database_url: str, tmp_path: Path) -> Any:
    """Daphne and a prefork worker sharing a PROMETHEUS_MULTIPROC_DIR (one host, several processes)."""
    from config.celery import app

    app.control.purge()
    shared = tmp_path / "prometheus"
    shared.mkdir()
    env = process_env(
        {
            "DATABASE_URL": test_database_url,
            "DEBUG": "false",
            "PROMETHEUS_MULTIPROC_DIR": str(shared),
            "FLOWDESK_METRICS_TOKEN": TOKEN,
            "FLOWDESK_METRICS_CACHE_SECONDS": "0",
        }
    )
    port = free_port()
    with (
        running(celery_worker_args(concurrency=2), env, log=tmp_path / "worker.log"),
        running(daphne_args(port), env, log=tmp_path / "daphne.log") as web,
    ):
        wait_for_http(f"http://127.0.0.1:{port}/accounts/login/", timeout=40, process=web)
        yield f"127.0.0.1:{port}", tmp_path
    app.control.purge()


def scrape(host: str, token: str = TOKEN) -> str:
    request = urllib.request.Request(f"http://{host}/metrics", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (local test server)
        return str(response.read().decode())


def test_metrics_add_up_worker_processes_and_count_open_sockets(
    web_and_worker: tuple[str, Path], people: dict[str, Any], echo_flow: Any
) -> None:
    host, logs = web_and_worker
    # given three instances run by the prefork worker's children
    started = [
        instance_start(definition_key="echo-flow", input={}, started_by=people["olivia"]) for _ in range(3)
    ]
    deadline = time.monotonic() + 60
    while WorkflowInstance.objects.filter(pk__in=[i.pk for i in started], status="completed").count() < 3:
        assert time.monotonic() < deadline, (logs / "worker.log").read_text()[-3000:]
        time.sleep(0.2)

    async def with_socket() -> str:
        from websockets.asyncio.client import connect

        cookie = await asyncio.to_thread(session_cookie, people["olivia"])
        async with connect(
            f"ws://{host}/ws/instances/{started[0].pk}/",
            origin=f"http://{host}",
            additional_headers={"Cookie": cookie},
        ) as socket:
            assert json.loads(await socket.recv())["type"] == "hello"
            return await asyncio.to_thread(scrape, host)

    # when /metrics is scraped from the web process (with a socket open)
    text = ""
    deadline = time.monotonic() + 15  # the worker records step metrics in batches (<= 0.5 s)
    while time.monotonic() < deadline:
        text = asyncio.run(with_socket())
        if value(text, "flowdesk_steps_total", action="core.echo", status="succeeded") >= 6:
            break
        time.sleep(0.3)

    # then it shows what the worker processes did and what the web process holds
    assert value(text, "flowdesk_steps_total", action="core.echo", status="succeeded") == 6
    assert value(text, "flowdesk_step_duration_seconds_count", action="core.echo") == 6
    # one Celery message per instance: step b runs on the same worker right after a (local chain)
    assert value(text, "flowdesk_step_queue_wait_seconds_count", action="core.echo") == 3
    assert value(text, "flowdesk_instances", status="completed") == 3
    assert value(text, "flowdesk_websocket_connections", route="instance") == 1
    assert re.search(
        r'^flowdesk_step_duration_seconds_bucket\{action="core.echo",le="\+Inf"\} 6\.0$', text, re.M
    )
    # and without the token it is refused
    with pytest.raises(urllib.error.HTTPError) as refused:
        scrape(host, token="wrong")
    assert refused.value.code == 401
