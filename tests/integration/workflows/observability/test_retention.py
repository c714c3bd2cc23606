"""Retention: finished instances older than N days are archived (JSON lines) and deleted in
batches; running work and recent or locked instances are left alone."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from approvals.models import ApprovalTask, Decision
from approvals.services.deciding import task_decide
from workflows.models import ExecutionEvent, StepExecution, WorkflowInstance
from workflows.retention.purge import instances_purge
from workflows.retention.tasks import purge_instances_task
from workflows.services.instances import instance_start

from .conftest import linear, node, publish, run_scheduled


def finished(people: dict[str, Any], *, days_ago: float, key: str = "echo-flow") -> WorkflowInstance:
    instance = instance_start(definition_key=key, input={}, started_by=people["olivia"])
    run_scheduled(instance.pk)
    WorkflowInstance.objects.filter(pk=instance.pk).update(
        finished_at=timezone.now() - timedelta(days=days_ago)
    )
    instance.refresh_from_db()
    return instance


def test_old_finished_instances_are_archived_then_deleted_with_everything_they_own(
    people: dict[str, Any], echo_flow: Any, tmp_path: Path
) -> None:
    # given two old finished instances, one recent, one running, and an old one with a decided approval
    publish(
        linear(node("ok", "approval", assignees={"users": ["vera"]})), owner=people["olivia"], key="approve"
    )
    old = [finished(people, days_ago=40) for _ in range(2)]
    recent = finished(people, days_ago=5)
    running = instance_start(definition_key="approve", input={}, started_by=people["olivia"])
    approved = instance_start(definition_key="approve", input={}, started_by=people["olivia"])
    task_decide(
        task_id=ApprovalTask.objects.get(instance=approved).pk, actor=people["vera"], outcome="approved"
    )
    WorkflowInstance.objects.filter(pk=approved.pk).update(finished_at=timezone.now() - timedelta(days=31))
    doomed = [*old, approved]
    events_before = {
        str(i.pk): list(
            ExecutionEvent.objects.filter(instance=i).order_by("seq").values_list("hash", flat=True)
        )
        for i in doomed
    }

    # when retention runs with 30 days, in batches of two
    report = instances_purge(days=30, mode="archive", batch=2, archive_dir=tmp_path)

    # then exactly the old finished ones are gone, with their steps, events and approvals
    assert (report.purged, report.batches) == (3, 2)
    assert set(WorkflowInstance.objects.values_list("pk", flat=True)) == {recent.pk, running.pk}
    assert not StepExecution.objects.filter(instance_id__in=[i.pk for i in doomed]).exists()
    assert not ExecutionEvent.objects.filter(instance_id__in=[i.pk for i in doomed]).exists()
    assert not Decision.objects.exists() and ApprovalTask.objects.filter(instance=running).count() == 1
    # and the archive holds one line per purged instance, chains included
    lines = [json.loads(line) for line in Path(report.archive or "").read_text().splitlines()]
    assert {line["instance"]["id"] for line in lines} == {str(i.pk) for i in doomed}
    for line in lines:
        assert line["format"] == "flowdesk.instance-archive/v1"
        assert [e["hash"] for e in line["events"]] == events_before[line["instance"]["id"]]
        assert all(
            e["prev_hash"] == p["hash"] for p, e in zip(line["events"], line["events"][1:], strict=False)
        )
    archived_approval = next(line for line in lines if line["instance"]["id"] == str(approved.pk))
    assert archived_approval["approvals"]["decisions"][0]["outcome"] == "approved"


def test_a_locked_instance_is_skipped_without_waiting(
    people: dict[str, Any], echo_flow: Any, tmp_path: Path
) -> None:
    # given an old finished instance someone holds a lock on, and another one free
    held, free = finished(people, days_ago=90), finished(people, days_ago=90)
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                WorkflowInstance.objects.select_for_update().get(pk=held.pk)
                locked.set()
                release.wait(20)
        finally:
            connection.close()  # this thread's own connection

    holder = threading.Thread(target=hold)
    holder.start()
    assert locked.wait(10)
    try:
        # when retention runs meanwhile
        started = time.monotonic()
        report = instances_purge(days=30, mode="delete", batch=10)
        took = time.monotonic() - started
    finally:
        release.set()
        holder.join(10)

    # then it purged the free one at once and left the held one for next time
    assert report.purged == 1 and took < 5
    assert set(WorkflowInstance.objects.values_list("pk", flat=True)) == {held.pk}
    assert not WorkflowInstance.objects.filter(pk=free.pk).exists()


def test_the_command_and_the_beat_task_follow_the_settings(
    people: dict[str, Any], echo_flow: Any, settings: Any, tmp_path: Path, capsys: Any
) -> None:
    finished(people, days_ago=20)
    finished(people, days_ago=3)

    call_command("purge_instances", "--days", "10", "--dry-run")
    assert "1 finished instance(s)" in capsys.readouterr().out

    settings.FLOWDESK_RETENTION_DAYS = 0
    assert purge_instances_task() == {"purged": 0, "disabled": True}
    assert WorkflowInstance.objects.count() == 2

    settings.FLOWDESK_RETENTION_DAYS = 10
    settings.FLOWDESK_RETENTION_MODE = "archive"
    settings.FLOWDESK_RETENTION_ARCHIVE_DIR = tmp_path
    result = purge_instances_task()
    assert result["purged"] == 1 and Path(result["archive"]).parent == tmp_path
    assert WorkflowInstance.objects.count() == 1

    call_command("purge_instances", "--days", "1", "--mode", "delete")
    assert json.loads(capsys.readouterr().out.strip())["purged"] == 1
    assert WorkflowInstance.objects.count() == 0
