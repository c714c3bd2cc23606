"""Run step attempts and compensations on a worker (what the Celery tasks call).

`step_run`: check the action's circuit, claim the attempt (scheduled -> running, one
statement; a duplicate or late message changes nothing), run the action outside any
transaction, report the outcome through `instance_apply` with the attempt. When that
report leaves exactly one short step to run next on this instance, the same
transaction claims it for this worker, which runs it right away without crossing the
broker ("local activities"), at most FLOWDESK_LOCAL_CHAIN_MAX in a row. Every step
still commits in its own transaction.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

from workflows.actions import ActionContext
from workflows.engine.events import (
    CompensationFailed,
    CompensationSucceeded,
    Event,
    StepFailed,
    StepSucceeded,
    StepTimedOut,
)
from workflows.models import DueWait, StepExecution, StepStatus, WaitKind
from workflows.runtime import circuits
from workflows.runtime.claims import Claim, claim_compensation, claim_step, renew_lease
from workflows.runtime.executor import Outcome, run_action
from workflows.runtime.publisher import publish_now
from workflows.runtime.units import Annotations, LocalBudget, LocalClaim
from workflows.services.instances import Applied, instance_apply

logger = logging.getLogger(__name__)
REPORT_TRIES = 3


@dataclass(frozen=True)
class StepRunReport:
    """What one message did: how many steps ran (0: duplicate, late or parked)."""

    ran: int = 0
    parked_until: datetime | None = None


def step_run(
    *, step_id: str, attempt: int, worker: str, task_id: str, action: str | None = None
) -> StepRunReport:
    """Run attempt `attempt` of step `step_id` here, then any local steps it leads to.

    Idempotent: a second delivery of the same message finds the step no longer
    scheduled on that attempt and returns `ran=0` without running the action.
    """
    if action:
        until = circuits.gate(action)
        if until is not None:
            step_park(step_id=step_id, attempt=attempt, until=until)
            return StepRunReport(parked_until=until)
    claim = claim_step(step_id=step_id, attempt=attempt, worker=worker, token=task_id, now=timezone.now())
    if claim is None:
        logger.info("step %s attempt %s is not scheduled any more; message ignored", step_id, attempt)
        return StepRunReport()
    publish_now(instance_id=claim.instance_id, definition_key=claim.definition_key, events=[claim.event])
    current: Claim | LocalClaim | None = claim
    ran = 0
    while current is not None:
        ran += 1
        outcome = _execute(current, worker)
        left = settings.FLOWDESK_LOCAL_CHAIN_MAX - ran
        budget = LocalBudget(worker=worker, remaining=left) if left > 0 else None
        current = _report(current, outcome, budget).local_claim
    return StepRunReport(ran=ran)


def step_park(*, step_id: str, attempt: int, until: datetime) -> bool:
    """Keep a scheduled step waiting for its action's circuit (no attempt is used).
    The reaper leaves it alone until `until`; a durable wait dispatches it then."""
    found = (
        StepExecution.objects.filter(pk=step_id, status=StepStatus.SCHEDULED, attempt=attempt)
        .values_list("instance_id", flat=True)
        .first()
    )
    if found is None:
        return False
    StepExecution.objects.filter(pk=step_id, status=StepStatus.SCHEDULED, attempt=attempt).update(
        dispatched_at=until, not_before=until
    )
    DueWait.objects.create(
        kind=WaitKind.CIRCUIT, instance_id=found, step_id=step_id, attempt=attempt, due_at=until
    )
    return True


def _context(claim: Claim | LocalClaim, *, key: str | None = None) -> ActionContext:
    return ActionContext(
        idempotency_key=key or claim.step_id,
        instance_id=claim.instance_id,
        step_id=claim.step_id,
        node_id=claim.node_id,
        attempt=claim.attempt,
        started_by=claim.started_by or None,
    )


def _execute(claim: Claim | LocalClaim, worker: str) -> Outcome:
    def renew() -> bool:
        return renew_lease(step_id=claim.step_id, token=claim.token, now=timezone.now())

    outcome = run_action(
        action=claim.action,
        params=claim.params,
        context=_context(claim),
        timeout_seconds=claim.timeout_seconds,
        renew=renew,
    )
    if outcome.ok:
        circuits.record_success(claim.action)
    elif outcome.counts_against_circuit:
        circuits.record_failure(claim.action, outcome.error.message if outcome.error else outcome.kind)
    return outcome


def _event(step_id: str, attempt: int, outcome: Outcome) -> Event:
    if outcome.kind == "succeeded":
        return StepSucceeded(step_id, outcome.output, attempt=attempt)
    if outcome.kind == "timed_out":
        return StepTimedOut(step_id, attempt=attempt)
    assert outcome.error is not None
    return StepFailed(step_id, outcome.error, attempt=attempt, retry_after=outcome.retry_after)


def _report(claim: Claim | LocalClaim, outcome: Outcome, local: LocalBudget | None) -> Applied:
    event = _event(claim.step_id, claim.attempt, outcome)
    annotations = Annotations(error_extra={claim.step_id: outcome.extra}) if outcome.extra else None
    return _apply_retrying(claim.instance_id, event, annotations=annotations, local=local, known=claim.known)


def _apply_retrying(instance_id: str, event: Event, **kwargs: Any) -> Applied:
    """Apply with a few retries on deadlocks or lost connections (the report is idempotent)."""
    for attempt in range(1, REPORT_TRIES + 1):
        try:
            return instance_apply(instance_id, event, **kwargs)
        except OperationalError:
            kwargs["known"] = None  # rows kept in memory may hold the failed attempt's changes
            if attempt == REPORT_TRIES:
                raise
            logger.warning("reporting %s failed; trying again", type(event).__name__, exc_info=True)
            time.sleep(0.05 * attempt)
    raise AssertionError("unreachable")


def compensation_run(
    *, step_id: str, attempt: int, worker: str, task_id: str, action: str | None = None
) -> bool:
    """Run attempt `attempt` of step `step_id`'s compensation (idempotency key
    `<step_id>:compensate`) and report it. False for a duplicate or late message."""
    now = timezone.now()
    if not claim_compensation(step_id=step_id, attempt=attempt, worker=worker, token=task_id, now=now):
        return False
    row = StepExecution.objects.select_related("instance__started_by").get(pk=step_id)
    spec = row.compensation or {}
    user = row.instance.started_by
    claim = LocalClaim(
        step_id=step_id,
        instance_id=str(row.instance_id),
        node_id=row.node_id,
        attempt=attempt,
        action=str(spec.get("action", "")),
        params=spec.get("params"),
        timeout_seconds=None,
        token=task_id[:64],
        started_by=user.get_username() if user is not None else "",
    )
    outcome = run_action(
        action=claim.action,
        params=claim.params,
        context=_context(claim, key=f"{step_id}:compensate"),
        timeout_seconds=None,
        renew=lambda: renew_lease(step_id=step_id, token=claim.token, now=timezone.now()),
    )
    event: Event
    if outcome.ok:
        event = CompensationSucceeded(step_id, attempt=attempt)
    else:
        assert outcome.error is not None
        event = CompensationFailed(step_id, outcome.error, attempt=attempt)
    annotations = Annotations(error_extra={step_id: outcome.extra}) if outcome.extra else None
    _apply_retrying(claim.instance_id, event, annotations=annotations)
    return True
