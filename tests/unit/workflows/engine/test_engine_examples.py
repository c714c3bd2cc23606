"""The four shared example graphs, simulated end to end along their expected paths."""

from __future__ import annotations

from datetime import timedelta

import pytest
from engine_testkit import example

from workflows.engine import InstanceInfo, InstanceStatus, StepStatus
from workflows.engine.commands import ScheduleRetry, ScheduleStep
from workflows.engine.simulate import Decide, Fail, Scenario, TimeOut, simulate

ANN = InstanceInfo("inst-9", "EXP-9", "ann", "ann@example.com")


@pytest.mark.parametrize(
    ("amount", "approvals", "path", "result"),
    [
        (500, {}, ["start", "route", "auto_ok", "notify", "done"], "approved"),
        (5000, {"manager": "approved"}, ["start", "route", "manager", "big", "notify", "done"], "approved"),
        (
            20000,
            {"manager": "approved", "finance": "approved"},
            ["start", "route", "manager", "big", "finance", "notify", "done"],
            "approved",
        ),
        (
            20000,
            {"manager": "approved", "finance": "rejected"},
            ["start", "route", "manager", "big", "finance", "rejected"],
            "rejected",
        ),
        (5000, {"manager": "rejected"}, ["start", "route", "manager", "rejected"], "rejected"),
    ],
)
def test_expense_approval_routes_by_amount_and_decisions(
    amount: int, approvals: dict[str, str], path: list[str], result: str
) -> None:
    run = simulate(
        example("expense-approval"),
        Scenario(input={"title": "Taxi", "amount": amount}, approvals=approvals, info=ANN),
    )
    assert run.status is InstanceStatus.COMPLETED
    assert list(run.nodes) == path and run.result == result


def test_expense_approval_mails_the_submitter_with_rendered_params_and_defaults() -> None:
    run = simulate(example("expense-approval"), Scenario(input={"title": "Taxi", "amount": 42}, info=ANN))
    [mail] = [c for c in run.commands if isinstance(c, ScheduleStep)]
    assert mail.params == {
        "to": "ann@example.com",
        "subject": "Expense Taxi approved",
        "body": "Your expense of 42 EUR was approved.",
    }
    assert mail.timeout_seconds == 30 and run.vars == {"decision": "approved"}
    assert run.edges == ("e1", "e3", "e4", "e11")


def test_expense_approval_retries_the_mail_before_giving_up() -> None:
    run = simulate(
        example("expense-approval"),
        Scenario(input={"title": "Taxi", "amount": 42}, tasks={"notify": Fail("smtp down")}),
    )
    retries = [c for c in run.commands if isinstance(c, ScheduleRetry)]
    assert [r.attempt for r in retries] == [2, 3]
    assert run.status is InstanceStatus.FAILED and run.statuses()["notify"] is StepStatus.FAILED


def test_employee_onboarding_prepares_in_parallel_waits_a_day_and_welcomes() -> None:
    run = simulate(
        example("employee-onboarding"),
        Scenario(
            input={"employee": "Ann", "email": "ann@example.com"},
            approvals={"buddy": Decide("assigned", {"buddy": "Bob"})},
        ),
    )
    assert run.status is InstanceStatus.COMPLETED and run.result == "onboarded"
    assert run.nodes == ("start", "fork", "accounts", "laptop", "buddy", "join", "wait", "welcome", "end")
    assert run.finished_at - run.started_at == timedelta(days=1)
    [welcome] = [c for c in run.commands if isinstance(c, ScheduleStep) and c.node_id == "welcome"]
    assert welcome.params["body"] == "Your buddy is Bob."
    assert run.vars["accounts"] == {"user": "ann@example.com", "systems": ["mail", "chat", "vpn"]}
    assert run.vars["laptop_order"] == {"item": "laptop", "for": "Ann"}


def test_employee_onboarding_waits_for_the_buddy_when_no_one_decides() -> None:
    run = simulate(
        example("employee-onboarding"), Scenario(input={"employee": "Ann", "email": "a@example.com"})
    )
    assert run.status is InstanceStatus.RUNNING
    assert sorted(w.node_id for w in run.waiting) == ["buddy", "join"]


def test_employee_onboarding_removes_the_accounts_when_the_welcome_fails_for_good() -> None:
    run = simulate(
        example("employee-onboarding"),
        Scenario(
            input={"employee": "Ann", "email": "ann@example.com"},
            approvals={"buddy": Decide("assigned", {"buddy": "Bob"})},
            tasks={"welcome": Fail("mailbox full", retryable=False)},
        ),
    )
    assert run.status is InstanceStatus.COMPENSATED and run.compensated == ("accounts",)


def test_order_saga_ships_when_the_carrier_is_up() -> None:
    run = simulate(example("order-saga"), Scenario(input={"order_id": "o-1", "amount": 10}))
    assert run.status is InstanceStatus.COMPLETED and run.result == "shipped"
    assert run.nodes == ("start", "reserve", "charge", "ship_or_fail", "ship", "end")
    assert run.vars == {
        "reservation": {"reserved": "o-1"},
        "payment": {"charged": 10},
        "shipment": {"order": "o-1"},
    }


INCIDENT = {"alert_id": "A-1", "host": "web-1"}


def test_incident_response_contains_a_high_risk_host_once_edr_confirms() -> None:
    run = simulate(
        example("incident-response"),
        Scenario(
            input={**INCIDENT, "severity": 7},
            approvals={"analyst": Decide("contain", {"reason": "malware"})},
            signals={"confirm": {"confirmed": True}},
        ),
    )
    assert run.status is InstanceStatus.COMPLETED and run.result == "closed"
    assert run.nodes == ("start", "enrich", "risk", "triage", "analyst", "contain", "confirm", "closed")
    assert run.vars["risk"] == 70 and run.vars["containment"] == {"isolate": "web-1"}


def test_incident_response_opens_a_ticket_for_low_risk() -> None:
    run = simulate(example("incident-response"), Scenario(input={**INCIDENT, "severity": 2}))
    assert run.nodes == ("start", "enrich", "risk", "triage", "ticket", "closed")
    assert run.edges == ("e1", "e2", "e3", "e5", "e13")


def test_incident_response_closes_when_the_analyst_dismisses() -> None:
    run = simulate(
        example("incident-response"),
        Scenario(input={**INCIDENT, "severity": 9}, approvals={"analyst": "dismiss"}),
    )
    assert run.nodes[-2:] == ("analyst", "closed") and run.status is InstanceStatus.COMPLETED


def test_incident_response_takes_the_error_edge_when_containment_keeps_failing() -> None:
    run = simulate(
        example("incident-response"),
        Scenario(
            input={**INCIDENT, "severity": 9},
            approvals={"analyst": "contain", "fix_by_hand": "fixed"},
            tasks={"contain": Fail("EDR API down")},
        ),
    )
    assert run.nodes == ("start", "enrich", "risk", "triage", "analyst", "contain", "fix_by_hand", "closed")
    assert run.path[5].attempts == 5 and run.path[5].status is StepStatus.FAILED
    assert run.status is InstanceStatus.COMPLETED


def test_incident_response_escalates_by_hand_when_edr_never_confirms() -> None:
    run = simulate(
        example("incident-response"),
        Scenario(
            input={**INCIDENT, "severity": 9},
            approvals={"analyst": "contain", "fix_by_hand": "fixed"},
            signals={"confirm": TimeOut()},
        ),
    )
    assert run.nodes[-3:] == ("confirm", "fix_by_hand", "closed")
    assert "e12" in run.edges and run.finished_at - run.started_at == timedelta(minutes=30)
