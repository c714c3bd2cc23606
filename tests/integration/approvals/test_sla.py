"""SLA records move on_track -> at_risk -> breached on a controlled clock; escalation adds
groups, notifies and can decide automatically; deciding ends them met or missed."""

from __future__ import annotations

import threading
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connections

from approvals.domain.business_time import CalendarSpec, add_business_time
from approvals.models import (
    BusinessCalendar,
    Decision,
    Holiday,
    Notification,
    Priority,
    SlaPolicy,
    SlaRecord,
    SlaState,
    TaskEvent,
    TaskState,
)
from approvals.services.deciding import task_decide
from approvals.services.notifications import notifications_send_email
from approvals.services.opening import approval_open
from approvals.services.sla_checker import sla_check_due
from tests.integration.approvals.conftest import example_graph, tasks_of, with_node_config
from workflows.engine.commands import OpenApproval
from workflows.models import StepExecution

pytestmark = pytest.mark.django_db


def test_a_manager_task_gets_an_sla_from_the_node(expense, start) -> None:
    [task] = tasks_of(start(5000), "manager")

    record = SlaRecord.objects.get(task=task)

    assert record.state == SlaState.ON_TRACK
    assert record.due_at - record.started_at == timedelta(hours=4)
    assert record.warn_at - record.started_at == timedelta(hours=3, minutes=12)  # warn_at 0.8
    assert record.escalation["to_groups"] == ["directors"]


def test_the_clock_moves_the_sla_to_at_risk_then_breached_and_escalates(expense, start, people) -> None:
    # given
    [task] = tasks_of(start(5000), "manager")
    record = SlaRecord.objects.get(task=task)
    t0 = record.started_at
    # when nothing is due yet
    assert sla_check_due(now=t0 + timedelta(hours=3)).checked == 0
    # when the warning time passes
    report = sla_check_due(now=t0 + timedelta(hours=3, minutes=30))
    record.refresh_from_db()
    assert report.at_risk == [task.pk]
    assert record.state == SlaState.AT_RISK
    assert set(Notification.objects.filter(kind="sla_at_risk").values_list("user__username", flat=True)) == {
        "manny",
        "mona",
    }
    # when the deadline passes
    report = sla_check_due(now=t0 + timedelta(hours=4, minutes=1))
    record.refresh_from_db()
    task.refresh_from_db()
    # then it is breached and escalated to the directors
    assert report.breached == [task.pk]
    assert record.state == SlaState.BREACHED
    assert task.state == TaskState.ESCALATED
    assert task.priority == Priority.URGENT
    assert sorted(g.name for g in task.candidate_groups.all()) == ["directors", "managers"]
    assert Notification.objects.filter(kind="escalated", user=people["diana"]).exists()
    # and a director can now decide it
    task_decide(task_id=task.pk, actor=people["diana"], outcome="approved")
    record.refresh_from_db()
    assert record.state == SlaState.MISSED
    # and checking again does nothing more
    assert sla_check_due(now=t0 + timedelta(hours=6)).checked == 0


def test_a_decision_before_the_deadline_meets_the_sla(expense, start, people) -> None:
    [task] = tasks_of(start(5000), "manager")

    task_decide(task_id=task.pk, actor=people["manny"], outcome="approved")

    record = SlaRecord.objects.get(task=task)
    assert record.state == SlaState.MET
    assert record.next_check_at is None


def test_auto_outcome_decides_as_the_system_at_breach(publish, start) -> None:
    graph = with_node_config(
        example_graph("expense-approval"),
        "manager",
        sla={"due_in": "PT1H", "warn_at": 0.5, "escalate": {"auto_outcome": "rejected", "notify": True}},
    )
    publish(graph)
    instance = start(5000)
    [task] = tasks_of(instance, "manager")
    t0 = SlaRecord.objects.get(task=task).started_at

    report = sla_check_due(now=t0 + timedelta(hours=2))

    assert report.auto_decided == [task.pk]
    decision = Decision.objects.get(task=task)
    assert (decision.user, decision.kind, decision.outcome) == (None, "system", "rejected")
    instance.refresh_from_db()
    assert (instance.status, instance.result) == ("completed", "rejected")
    assert instance.steps.get(node_id="manager").output["decided_by"] == "system"


def test_moving_an_escalation_replaces_the_candidates(publish, start, people) -> None:
    graph = with_node_config(
        example_graph("expense-approval"),
        "manager",
        sla={"due_in": "PT1H", "escalate": {"to_groups": ["directors"], "move": True}},
    )
    publish(graph)
    [task] = tasks_of(start(5000), "manager")
    t0 = SlaRecord.objects.get(task=task).started_at

    sla_check_due(now=t0 + timedelta(hours=1))

    assert [g.name for g in task.candidate_groups.all()] == ["directors"]
    from approvals.services.errors import TaskNotFound

    with pytest.raises(TaskNotFound):
        task_decide(task_id=task.pk, actor=people["manny"], outcome="approved")


def test_a_business_calendar_policy_sets_deadlines_in_working_hours(expense, start, people) -> None:
    # given the expense workflow's approvals run on Berlin office hours, with a holiday
    office = BusinessCalendar.objects.create(
        name="Berlin office",
        time_zone="Europe/Berlin",
        workdays=[0, 1, 2, 3, 4],
        day_start=time(9),
        day_end=time(17),
    )
    Holiday.objects.create(calendar=office, date=date(2030, 3, 11), name="Closed")
    SlaPolicy.objects.create(name="Office hours", calendar=office, definition=expense)
    instance = start(5000)
    step = StepExecution.objects.create(
        id="11111111-1111-4111-8111-111111111111",
        instance=instance,
        node_id="manager",
        node_type="approval",
        status="waiting",
    )
    friday_afternoon = datetime(2030, 3, 8, 15, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    # when a 4-hour approval opens on Friday at 15:00
    approval_open(
        instance=instance,
        command=OpenApproval(
            str(step.id),
            "manager",
            "Manager approval",
            {"groups": ["managers"]},
            ("approved", "rejected"),
            {"sla": {"due_in": "PT4H", "warn_at": 0.5}},
        ),
        now=friday_afternoon,
    )
    record = SlaRecord.objects.get(task__request__step=step)
    # then two hours count on Friday, Monday is a holiday, two more on Tuesday morning
    berlin = ZoneInfo("Europe/Berlin")
    assert record.due_at.astimezone(berlin) == datetime(2030, 3, 12, 11, 0, tzinfo=berlin)
    assert record.warn_at.astimezone(berlin) == datetime(2030, 3, 8, 17, 0, tzinfo=berlin)
    spec = office.spec()
    assert record.due_at == add_business_time(friday_afternoon, timedelta(hours=4), spec)
    assert spec != CalendarSpec.always()


def test_notifications_are_emailed_once(expense, start, settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    start(5000)
    ids = list(Notification.objects.values_list("pk", flat=True))
    assert len(ids) == 2  # manny and mona were told about the new task

    assert notifications_send_email(ids) == 2
    assert notifications_send_email(ids) == 0

    assert sorted(m.to[0] for m in mail.outbox) == ["manny@example.com", "mona@example.com"]
    assert all(m.subject == "[Flowdesk] New task: Manager approval · Laptop" for m in mail.outbox)
    assert "/inbox/" in mail.outbox[0].body


@pytest.mark.django_db(transaction=True)
def test_two_checkers_at_once_escalate_a_breached_task_once(expense, start) -> None:
    # given five breached manager tasks
    tasks = [tasks_of(start(5000 + i), "manager")[0] for i in range(5)]
    late = max(SlaRecord.objects.values_list("due_at", flat=True)) + timedelta(minutes=1)
    gate = threading.Barrier(2)
    reports = []

    def check() -> None:
        try:
            gate.wait(timeout=10)
            reports.append(sla_check_due(now=late))
        finally:
            connections.close_all()

    # when two checkers run at the same moment
    threads = [threading.Thread(target=check) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # then every task was escalated exactly once
    assert sorted(pk for r in reports for pk in r.breached) == sorted(t.pk for t in tasks)
    assert TaskEvent.objects.filter(kind="sla_breached").count() == 5
    assert TaskEvent.objects.filter(kind="escalated").count() == 5
    assert Notification.objects.filter(kind="escalated").count() == 5 * 3  # manny, mona, diana each


def test_a_timeout_edge_is_taken_when_the_sla_runs_out(publish, start) -> None:
    # given the manager node has a timeout edge to the rejected end
    graph = example_graph("expense-approval")
    graph["edges"].append({"id": "e_timeout", "source": "manager", "target": "rejected", "timeout": True})
    publish(graph)
    instance = start(5000)
    [task] = tasks_of(instance, "manager")
    t0 = SlaRecord.objects.get(task=task).started_at
    # when the deadline passes
    sla_check_due(now=t0 + timedelta(hours=5))
    # then the step timed out along that edge and the task expired
    task.refresh_from_db()
    assert task.state == TaskState.EXPIRED
    assert instance.steps.get(node_id="manager").status == "failed"  # handled: the timeout edge was taken
    instance.refresh_from_db()
    assert (instance.status, instance.result) == ("completed", "rejected")
    assert SlaRecord.objects.get(task=task).state == SlaState.MISSED


def test_an_instance_sla_runs_from_start_to_finish(expense, start, people) -> None:
    # given a policy: expense instances must finish within a day
    SlaPolicy.objects.create(
        name="Expenses in a day", definition=expense, instance_due_in="P1D", instance_warn_at="0.5"
    )
    instance = start(5000)
    record = SlaRecord.objects.get(instance=instance, task__isnull=True)
    assert record.due_at - record.started_at == timedelta(days=1)
    # when half a day passes, the starter is warned
    sla_check_due(now=record.started_at + timedelta(hours=13))
    record.refresh_from_db()
    assert record.state == SlaState.AT_RISK
    assert Notification.objects.filter(user=people["alice"], kind="sla_at_risk").exists()
    # when the manager rejects, the instance completes in time
    [task] = tasks_of(instance, "manager")
    task_decide(task_id=task.pk, actor=people["manny"], outcome="rejected")
    record.refresh_from_db()
    assert record.state == SlaState.MET
