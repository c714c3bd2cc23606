"""The instance pages: list (filters, search, keyset pages), detail (graph, steps, variables,
events, operations), and the dashboard, with the API's access rules."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import UserFactory
from workflows.models import WorkflowInstance
from workflows.pages.listing import PAGE_SIZE
from workflows.services.instances import instance_start

from .helpers import run_scheduled_task_steps


def start(people: dict[str, Any], **extra: Any) -> WorkflowInstance:
    return instance_start(definition_key="live-expense", input={}, started_by=people["olivia"], **extra)


def listed(html: str) -> list[str]:
    return re.findall(r'<tr data-instance="([0-9a-f-]{36})"', html)


def test_list_filters_by_status_starter_dates_and_business_key(
    client: Any, people: dict[str, Any], definition: Any
) -> None:
    # given three instances: one waiting for approval, two still on their first step
    waiting = start(people, business_key="INV-1001")
    run_scheduled_task_steps(waiting.pk)
    other = start(people, business_key="INV-2002")
    third = start(people, business_key="PO-7")
    WorkflowInstance.objects.filter(pk=third.pk).update(created_at=timezone.now() - timedelta(days=10))
    client.force_login(people["olivia"])

    def ids(query: str) -> set[str]:
        response = client.get(f"/instances/?{query}")
        assert response.status_code == 200
        return set(listed(response.content.decode()))

    everything = {str(waiting.pk), str(other.pk), str(third.pk)}
    assert ids("") == everything
    assert ids("definition=live-expense&status=running") == everything
    assert ids("status=completed") == set()
    assert ids("q=INV-1001") == {str(waiting.pk)}
    assert ids("q=INV-*") == {str(waiting.pk), str(other.pk)}
    assert ids(f"q={third.pk}") == {str(third.pk)}
    assert ids("started_by=olivia") == everything and ids("started_by=bob") == set()
    since = (timezone.now() - timedelta(days=2)).date().isoformat()
    assert ids(f"created_after={since}") == {str(waiting.pk), str(other.pk)}
    assert ids(f"created_before={since}") == {str(third.pk)}
    # a bad filter is reported, not a 500
    response = client.get("/instances/?status=nope&created_after=yesterday")
    assert response.status_code == 200 and "Unknown status" in response.content.decode()


def test_list_shows_strangers_nothing_and_pages_with_cursors_in_constant_queries(
    client: Any, people: dict[str, Any], definition: Any
) -> None:
    made = [start(people) for _ in range(PAGE_SIZE + 7)]
    newest_first = [str(i.pk) for i in sorted(made, key=lambda i: (i.created_at, i.pk), reverse=True)]

    client.force_login(people["stan"])
    assert listed(client.get("/instances/").content.decode()) == []

    client.force_login(people["vera"])  # a viewer sees them
    with CaptureQueriesContext(connection) as first_queries:
        first = client.get("/instances/").content.decode()
    assert listed(first) == newest_first[:PAGE_SIZE]
    older = re.search(r'href="\?older=([^"]+)" rel="next"', first)
    assert older is not None
    second = client.get(f"/instances/?older={older.group(1)}").content.decode()
    assert listed(second) == newest_first[PAGE_SIZE:]
    newer = re.search(r'href="\?newer=([^"]+)" rel="prev"', second)
    assert newer is not None
    with CaptureQueriesContext(connection) as back_queries:
        back = client.get(f"/instances/?newer={newer.group(1)}").content.decode()
    assert listed(back) == newest_first[:PAGE_SIZE]
    assert len(first_queries) == len(back_queries) <= 8
    instance_sql = [
        q["sql"].lower() for q in first_queries.captured_queries if "workflows_workflowinstance" in q["sql"]
    ]
    assert instance_sql and not any("count(" in sql for sql in instance_sql)  # never counts the instances


def test_detail_shows_graph_steps_variables_and_events_to_viewers_only(
    client: Any, people: dict[str, Any], definition: Any
) -> None:
    instance = start(people, business_key="INV-9")
    run_scheduled_task_steps(instance.pk)
    instance.refresh_from_db()

    client.force_login(people["stan"])
    assert client.get(f"/instances/{instance.pk}/").status_code == 404

    client.force_login(people["vera"])
    page = client.get(f"/instances/{instance.pk}/").content.decode()
    for node_id in ("start", "work", "ok", "end"):
        assert f'data-node-id="{node_id}"' in page
    assert '"nodes": {"start": "succeeded", "work": "succeeded", "ok": "waiting"}' in page
    assert f'"seq": {instance.last_seq}' in page and f'"socketPath": "/ws/instances/{instance.pk}/"' in page
    assert page.count('<li data-seq="') == instance.last_seq
    assert 'name="action" value="cancel"' not in page  # a viewer may not operate
    assert "INV-9" in page and "core.echo" in page


def test_tracebacks_are_for_staff_and_operations_run_the_services(
    client: Any, people: dict[str, Any], definition: Any
) -> None:
    from tests.factories import DefinitionFactory, VersionFactory

    boom = {
        "format": "flowdesk.graph/v1",
        "inputs": {},
        "nodes": [
            {"id": "start", "type": "start", "name": "start", "position": {"x": 0, "y": 0}, "config": {}},
            {"id": "boom", "type": "task", "name": "boom", "position": {"x": 1, "y": 0},
             "config": {"action": "core.fail", "params": {"message": "kaput"}}},
            {"id": "end", "type": "end", "name": "end", "position": {"x": 2, "y": 0}, "config": {}},
        ],
        "edges": [{"id": "e1", "source": "start", "target": "boom"}, {"id": "e2", "source": "boom", "target": "end"}],
    }  # fmt: skip
    VersionFactory(definition=DefinitionFactory(key="boom", graph=boom, owner=people["olivia"]))
    failed = instance_start(definition_key="boom", input={}, started_by=people["olivia"])
    run_scheduled_task_steps(failed.pk)
    staff = UserFactory(username="sue", is_staff=True)

    client.force_login(people["olivia"])
    owner_page = client.get(f"/instances/{failed.pk}/").content.decode()
    assert "kaput" in owner_page and "Traceback (most recent call last)" not in owner_page
    assert 'value="retry"' in owner_page  # the step that failed the instance may be retried
    client.force_login(staff)
    assert "Traceback (most recent call last)" in client.get(f"/instances/{failed.pk}/").content.decode()

    # the owner suspends, resumes and cancels a running instance from the page
    running = start(people)
    client.force_login(people["olivia"])
    for action, status in (("suspend", "suspended"), ("resume", "running"), ("cancel", "cancelled")):
        response = client.post(f"/instances/{running.pk}/operate/", {"action": action})
        assert response.status_code == 302
        running.refresh_from_db()
        assert running.status == status
    refused = client.post(f"/instances/{running.pk}/operate/", {"action": "resume"}, follow=True)
    assert "cancelled" in refused.content.decode().lower()
    # a viewer cannot
    client.force_login(people["vera"])
    other = start(people)
    client.post(f"/instances/{other.pk}/operate/", {"action": "cancel"})
    other.refresh_from_db()
    assert other.status == "running"


def test_dashboard_counts_what_the_viewer_may_see(
    client: Any, people: dict[str, Any], definition: Any
) -> None:
    waiting = start(people)
    run_scheduled_task_steps(waiting.pk)
    start(people)

    client.force_login(people["olivia"])
    page = client.get("/dashboard/").content.decode()
    assert re.search(r'data-testid="kpi-total">2<', page)
    assert re.search(r'data-testid="kpi-approvals">1<', page)
    assert "<svg" in page and "core.echo" in page  # the duration chart names the action
    client.force_login(people["stan"])
    assert re.search(r'data-testid="kpi-total">0<', client.get("/dashboard/").content.decode())
