"""Scheduled starts: beat starts what is due (once, even with two callers at once), skips
disabled schedules, and follows the missed-run policy; schedules are managed through the
API by editors."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from waits_support import chain, node, publish, wait_for

from tests.factories import DefinitionPermissionFactory, UserFactory
from workflows.models import Role, Schedule, ScheduleRun, WorkflowInstance
from workflows.waits.schedules import schedule_create, schedule_update, schedules_run_due

T0 = datetime(2030, 1, 7, 12, 0, tzinfo=UTC)  # a Monday


def _definition(owner):
    return publish(chain(node("note", "set", assign={"ran": "true"}), inputs={"team": {"type": "string"}}),
                   owner=owner, key="nightly")  # fmt: skip


def _schedule(owner, *, cron: str = "* * * * *", now: datetime = T0, **values):
    values = {"name": "every minute", "cron": cron, "input": {"team": "ops"}, **values}
    return schedule_create(definition_key="nightly", actor=owner, now=now, **values)


@pytest.mark.django_db(transaction=True)
def test_beat_starts_a_due_per_minute_schedule_and_skips_a_disabled_one(cluster, staff_client) -> None:
    # given: two per-minute schedules made due a moment ago, one of them disabled
    cluster.worker()
    cluster.beat()
    definition = _definition(staff_client.user)
    body = {"definition": definition.key, "name": "minutely", "cron": "* * * * *", "input": {"team": "ops"}}
    enabled = staff_client.post("/api/schedules/", body, format="json").json()
    disabled = staff_client.post(
        "/api/schedules/", {**body, "name": "off", "enabled": False}, format="json"
    ).json()
    due = datetime.now(UTC) - timedelta(seconds=1)
    Schedule.objects.filter(pk__in=[enabled["id"], disabled["id"]]).update(next_run_at=due)
    # when: beat checks (every 0.5 s here)
    run = wait_for(
        lambda: ScheduleRun.objects.filter(schedule_id=enabled["id"]).first(), timeout=20, what="a run"
    )
    # then: one instance, started as the schedule's creator with its input
    assert run.status == "started"
    instance = WorkflowInstance.objects.get(pk=run.instance_id)
    assert (instance.definition_id, instance.input, instance.started_by) == (definition.pk, {"team": "ops"},
                                                                             staff_client.user)  # fmt: skip
    schedule = Schedule.objects.get(pk=enabled["id"])
    assert schedule.next_run_at > datetime.now(UTC) - timedelta(seconds=1)
    assert not ScheduleRun.objects.filter(schedule_id=disabled["id"]).exists()
    # and each due time ran once
    runs = ScheduleRun.objects.filter(schedule_id=enabled["id"])
    assert runs.count() == len({r.scheduled_for for r in runs})
    assert WorkflowInstance.objects.filter(definition=definition).count() == runs.count()


@pytest.mark.django_db
def test_a_check_on_time_starts_one_run_per_due_time(staff) -> None:
    # given
    _definition(staff)
    schedule = _schedule(staff, now=T0 - timedelta(seconds=30))
    assert schedule.next_run_at == T0
    # when: checks before, at and after the due time
    assert schedules_run_due(now=T0 - timedelta(seconds=1)) == 0
    assert schedules_run_due(now=T0 + timedelta(seconds=2)) == 1
    assert schedules_run_due(now=T0 + timedelta(seconds=30)) == 0
    assert schedules_run_due(now=T0 + timedelta(seconds=61)) == 1
    # then
    runs = list(ScheduleRun.objects.filter(schedule=schedule).order_by("scheduled_for"))
    assert [(r.scheduled_for, r.status, r.missed) for r in runs] == [
        (T0, "started", 0),
        (T0 + timedelta(minutes=1), "started", 0),
    ]
    assert WorkflowInstance.objects.filter(started_by=staff).count() == 2


@pytest.mark.django_db
def test_missed_runs_are_skipped_or_run_once_by_policy(staff) -> None:
    # given: two hourly schedules, then beat was down for five hours
    _definition(staff)
    skip = _schedule(staff, cron="0 * * * *", now=T0 - timedelta(minutes=1), name="skip")
    once = _schedule(staff, cron="0 * * * *", now=T0 - timedelta(minutes=1), name="once", missed="run_once")
    # when
    schedules_run_due(now=T0 + timedelta(hours=4, minutes=30))
    # then: the skipping one records the latest due time as skipped and starts nothing
    [skipped] = ScheduleRun.objects.filter(schedule=skip)
    assert (skipped.status, skipped.scheduled_for, skipped.missed, skipped.instance) == (
        "skipped", T0 + timedelta(hours=4), 5, None)  # fmt: skip
    # and the other starts exactly one run for all of them
    [ran] = ScheduleRun.objects.filter(schedule=once)
    assert (ran.status, ran.missed) == ("started", 5)
    assert WorkflowInstance.objects.count() == 1
    # and both wait for the next hour
    assert {s.next_run_at for s in Schedule.objects.all()} == {T0 + timedelta(hours=5)}


@pytest.mark.django_db
def test_a_disabled_schedule_never_runs_and_re_enabling_does_not_catch_up(staff) -> None:
    _definition(staff)
    schedule = _schedule(staff, now=T0 - timedelta(seconds=30), enabled=False)

    assert schedules_run_due(now=T0 + timedelta(hours=1)) == 0
    enabled = schedule_update(
        schedule=schedule, actor=staff, enabled=True, now=T0 + timedelta(hours=1, seconds=5)
    )

    assert enabled.next_run_at == T0 + timedelta(hours=1, minutes=1)
    assert not ScheduleRun.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_beats_checking_at_the_same_moment_start_a_due_time_once(staff) -> None:
    # given
    _definition(staff)
    _schedule(staff, now=T0 - timedelta(seconds=30))
    barrier = threading.Barrier(2)
    handled: list[int] = []

    def check() -> None:
        try:
            barrier.wait()
            handled.append(schedules_run_due(now=T0 + timedelta(seconds=1)))
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=check) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    assert sorted(handled) == [0, 1]
    assert ScheduleRun.objects.count() == 1
    assert WorkflowInstance.objects.count() == 1


@pytest.mark.django_db
def test_a_run_as_user_who_lost_the_right_to_start_records_a_failed_run(staff) -> None:
    # given: an editor's schedule, then the editor's grant is taken away
    owner = UserFactory()
    definition = _definition(staff)
    grant = DefinitionPermissionFactory(definition=definition, user=owner, role=Role.EDITOR)
    _schedule(owner, now=T0 - timedelta(seconds=30))
    grant.delete()
    # when
    schedules_run_due(now=T0 + timedelta(seconds=1))
    # then
    [run] = ScheduleRun.objects.all()
    assert (run.status, run.error["code"]) == ("failed", "permission_denied")
    assert not WorkflowInstance.objects.exists()


@pytest.mark.django_db
def test_editors_manage_schedules_through_the_api_and_others_cannot(api_client, staff) -> None:
    # given
    definition = _definition(staff)
    viewer, stranger = UserFactory(), UserFactory()
    DefinitionPermissionFactory(definition=definition, user=viewer, role=Role.VIEWER)
    body = {"definition": "nightly", "name": "weekdays", "cron": "0 9 * * 1-5", "timezone": "Europe/Berlin",
            "input": {"team": "ops"}, "missed": "run_once"}  # fmt: skip
    # when / then: an editor creates, reads, changes and deletes
    api_client.force_authenticate(staff)
    created = api_client.post("/api/schedules/", body, format="json")
    assert created.status_code == 201, created.json()
    data = created.json()
    assert (data["run_as"], data["enabled"], data["missed"]) == (staff.username, True, "run_once")
    assert datetime.fromisoformat(data["next_run_at"]).astimezone(UTC).hour in (7, 8)  # 09:00 Berlin
    url = f"/api/schedules/{data['id']}/"
    changed = api_client.patch(url, {"cron": "30 18 * * *", "enabled": False}, format="json")
    assert changed.status_code == 200 and changed.json()["cron"] == "30 18 * * *"
    assert api_client.get(f"{url}runs/").json() == []
    # bad input is a 400 naming the field; nothing is written
    cases = (({"cron": "61 * * * *"}, "invalid", "cron"), ({"timezone": "Nowhere/City"}, "invalid", "timezone"),
             ({"input": {"unknown": 1}}, "invalid_input", "fields"), ({"missed": "sometimes"}, "invalid", "missed"))  # fmt: skip
    for bad, code, detail in cases:
        response = api_client.post("/api/schedules/", {**body, **bad}, format="json")
        assert response.status_code == 400, (bad, response.json())
        error = response.json()["error"]
        assert (error["code"], detail in error["details"]) == (code, True), error
    assert Schedule.objects.count() == 1
    # a viewer sees but may not create; a stranger sees nothing
    api_client.force_authenticate(viewer)
    assert api_client.get(url).status_code == 200
    assert api_client.post("/api/schedules/", body, format="json").status_code == 403
    assert api_client.patch(url, {"enabled": True}, format="json").status_code == 403
    api_client.force_authenticate(stranger)
    assert api_client.get(url).status_code == 404
    assert api_client.get("/api/schedules/").json()["results"] == []
    # the editor deletes it
    api_client.force_authenticate(staff)
    assert api_client.delete(url).status_code == 204
    assert not Schedule.objects.exists()
