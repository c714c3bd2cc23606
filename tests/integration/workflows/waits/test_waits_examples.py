"""The employee-onboarding and incident-response examples end to end on a real worker:
approvals decided through the approvals services, the one-day timer fired by moving the
clock of the due-wait check, the EDR confirmation sent as a signal, its timeout driven
the same way."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from waits_support import later, publish, step_of, wait_finished, wait_for

from approvals.models import ApprovalTask
from approvals.services.deciding import task_decide
from tests.factories import GroupFactory, UserFactory
from workflows.models import StepExecution, WorkflowInstance
from workflows.services.instances import instance_start
from workflows.services.timers import due_waits_fire
from workflows.waits.signals import signal_send

pytestmark = pytest.mark.django_db(transaction=True)
EXAMPLES = Path(__file__).resolve().parents[4] / "workflows" / "demo" / "examples"


def _example(name: str, owner: Any) -> Any:
    return publish(json.loads((EXAMPLES / f"{name}.json").read_text()), owner=owner, key=name)


def _member(username: str, group: str) -> Any:
    return UserFactory(username=username, groups=[GroupFactory(name=group)])


def _decide(instance: WorkflowInstance, node_id: str, actor: Any, outcome: str, **form: Any) -> None:
    task = wait_for(
        lambda: ApprovalTask.objects.filter(
            request__instance=instance, request__node_id=node_id, state="open"
        ).first(),
        what=f"the {node_id} approval task",
    )
    task_decide(task_id=task.pk, actor=actor, outcome=outcome, form=form)


def _waiting(instance: WorkflowInstance, node_id: str) -> StepExecution:
    waiting = StepExecution.objects.filter(instance_id=instance.pk, node_id=node_id, status="waiting")
    return wait_for(waiting.first, what=f"{node_id} to wait")


def test_employee_onboarding_runs_end_to_end_through_its_one_day_timer(cluster, staff) -> None:
    # given
    cluster.worker()
    lead = _member("lena", "team-leads")
    GroupFactory(name="hr")
    definition = _example("employee-onboarding", staff)
    instance = instance_start(
        definition_key=definition.key,
        input={"employee": "Ada Lovelace", "email": "ada@example.com", "start_date": "2030-03-01"},
        started_by=staff,
    )
    # when: the team lead picks a buddy while the worker creates accounts and orders the laptop
    _decide(instance, "buddy", lead, "assigned", buddy="Grace")
    timer = _waiting(instance, "wait")
    # then: a day later (by the check's clock) the welcome mail goes out and it is done
    assert not StepExecution.objects.filter(instance_id=instance.pk, node_id="welcome").exists()
    due_waits_fire(now=later(days=1, seconds=5))
    done = wait_finished(instance.pk)
    assert (done.status, done.result) == ("completed", "onboarded")
    welcome = step_of(instance.pk, "welcome")
    assert welcome.params["subject"] == "Welcome, Ada Lovelace!"
    assert welcome.params["body"] == "Your buddy is Grace."
    assert done.vars["accounts"]["user"] == "ada@example.com"
    assert done.vars["laptop_order"] == {"item": "laptop", "for": "Ada Lovelace"}
    assert StepExecution.objects.get(pk=timer.pk).status == "succeeded"


def _incident(staff: Any, severity: int) -> WorkflowInstance:
    return instance_start(
        definition_key="incident-response",
        input={"alert_id": f"A-{severity}", "host": "web-7", "severity": severity},
        started_by=staff,
    )


def test_incident_response_contains_the_host_and_closes_on_the_edr_signal(cluster, staff) -> None:
    # given
    cluster.worker()
    analyst = _member("sam", "soc-analysts")
    GroupFactory(name="soc-leads")
    _example("incident-response", staff)
    instance = _incident(staff, severity=7)  # risk 70: an analyst decides
    # when: the analyst contains, the worker isolates the host, the EDR confirms
    _decide(instance, "analyst", analyst, "contain", reason="beaconing")
    _waiting(instance, "confirm")
    delivery = signal_send(
        instance_id=instance.pk,
        name="edr_confirmed",
        payload={"isolated": True},
        signal_id="edr-1",
        actor=staff,
    )
    # then
    assert delivery.duplicate is False
    done = wait_finished(instance.pk)
    assert (done.status, done.result) == ("completed", "closed")
    assert done.vars["risk"] == 70
    assert done.vars["containment"] == {"isolate": "web-7"}
    assert step_of(instance.pk, "confirm").output == {"isolated": True}


def test_incident_response_escalates_to_a_lead_when_the_edr_signal_times_out(cluster, staff) -> None:
    # given
    cluster.worker()
    analyst = _member("sam", "soc-analysts")
    lead = _member("sofia", "soc-leads")
    _example("incident-response", staff)
    instance = _incident(staff, severity=9)
    _decide(instance, "analyst", analyst, "contain", reason="ransomware")
    _waiting(instance, "confirm")
    # when: thirty minutes pass without a confirmation
    due_waits_fire(now=later(minutes=31))
    # then: a lead fixes it by hand and the incident closes
    assert step_of(instance.pk, "confirm").status == "failed"
    _decide(instance, "fix_by_hand", lead, "fixed")
    done = wait_finished(instance.pk)
    assert (done.status, done.result) == ("completed", "closed")


def test_incident_response_opens_a_ticket_for_a_low_risk_alert(cluster, staff) -> None:
    cluster.worker()
    _example("incident-response", staff)

    instance = _incident(staff, severity=2)

    done = wait_finished(instance.pk)
    assert (done.status, done.result) == ("completed", "closed")
    assert step_of(instance.pk, "ticket").status == "succeeded"
    assert not StepExecution.objects.filter(instance_id=instance.pk, node_id="analyst").exists()
