"""Timing the inbox with many tasks stored: the list API and the server-rendered page.

Through Django's test client (the whole request: middleware, session, view, template),
as a typical user: a member of two or three of the twenty groups, holding some tasks.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from workflows.bench.scenarios import Row
from workflows.bench.stats import ms, percentile

TYPICAL_USER = "bench-u001"  # groups bench-g01 and bench-g10
API_TARGET_S, PAGE_TARGET_S = 0.05, 0.15


def _get(client: Client, url: str) -> Any:
    response = client.get(url, HTTP_HOST="127.0.0.1", secure=True)  # secure: no https redirect
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}: {response.content[:300]!r}")
    return response


def _timed(client: Client, url: str, repeats: int) -> tuple[float, float]:
    _get(client, url)  # warm-up: templates, plans, caches
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        _get(client, url)
        timings.append(time.perf_counter() - started)
    return percentile(timings, 0.5), percentile(timings, 0.95)


def statements(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        _get(client, url)
    return len(captured)


def inbox_rows(*, repeats: int) -> list[Row]:
    user = get_user_model().objects.get(username=TYPICAL_USER)
    client = Client()
    client.force_login(user)
    first = _get(client, "/api/tasks/").json()
    workflow = first["results"][0]["workflow"]["key"] if first["results"] else "bench-appr-01"
    term = first["results"][0]["instance"]["business_key"][:9] if first["results"] else "APR-0000"
    cases = [
        ("API first page", "/api/tasks/", API_TARGET_S),
        ("API filtered (workflow + SLA at risk)", f"/api/tasks/?workflow={workflow}&sla=at_risk", API_TARGET_S),
        ("API search (business key prefix)", f"/api/tasks/?q={term}", API_TARGET_S),
        ("API 'everything I can see' (history, newest first), first page", "/api/tasks/?scope=all", API_TARGET_S),
        ("API 'decided by me' (history, latest decision first), first page", "/api/tasks/?scope=done", API_TARGET_S),
        ("page first page", "/inbox/", PAGE_TARGET_S),
        ("page filtered (workflow + SLA at risk)", f"/inbox/?workflow={workflow}&sla=at_risk", PAGE_TARGET_S),
        ("page search (business key prefix)", f"/inbox/?q={term}", PAGE_TARGET_S),
        ("page 'everything I can see', first page", "/inbox/?scope=all", PAGE_TARGET_S),
        ("page 'decided by me', first page", "/inbox/?scope=done", PAGE_TARGET_S),
    ]  # fmt: skip
    rows = [Row(f"inbox of a typical user ({TYPICAL_USER}): tasks to decide", first["count"], "")]
    for label, url, target in cases:
        p50, p95 = _timed(client, url, repeats)
        rows.append(Row(f"inbox {label}: p50", ms(p50), "ms"))
        if target is None:
            rows.append(Row(f"inbox {label}: p95", ms(p95), "ms"))
        else:
            rows.append(Row(f"inbox {label}: p95", ms(p95), "ms", f"< {ms(target):g} ms", p95 < target))
    rows.append(Row("inbox API first page: SQL statements", statements(client, "/api/tasks/"), ""))
    rows.append(Row("inbox page first page: SQL statements", statements(client, "/inbox/"), ""))
    rows.append(
        Row(
            "inbox API 'everything I can see': SQL statements",
            statements(client, "/api/tasks/?scope=all"),
            "",
        )
    )
    rows.append(
        Row("inbox API 'decided by me': SQL statements", statements(client, "/api/tasks/?scope=done"), "")
    )
    return rows
