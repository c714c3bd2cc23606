"""SLA records: which terms and calendar apply, opening a task's record, closing it.

Helpers here assume the caller holds the locks of the task they touch (see
services.locking for the order).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q

from approvals.domain.business_time import CalendarSpec
from approvals.domain.sla import SlaTerms, deadlines
from approvals.models import (
    OPEN_SLA_STATES,
    ApprovalTask,
    SlaPolicy,
    SlaRecord,
    SlaState,
    TaskEvent,
    TaskEventKind,
)


@dataclass(frozen=True)
class SlaPlan:
    """What a new task's SLA record will be made from."""

    terms: SlaTerms
    calendar: CalendarSpec
    policy: SlaPolicy | None


def sla_policy_for(*, definition_id: int, node_id: str) -> SlaPolicy | None:
    """The most specific policy: workflow and node, then workflow, then the default one."""
    candidates = list(
        SlaPolicy.objects.filter(
            Q(definition_id=definition_id, node_id__in=[node_id, ""]) | Q(is_default=True)
        ).select_related("calendar")
    )

    def rank(policy: SlaPolicy) -> int:
        if policy.definition_id == definition_id and policy.node_id == node_id:
            return 0
        if policy.definition_id == definition_id and not policy.node_id:
            return 1
        return 2

    return min(candidates, key=rank, default=None)


def sla_plan(*, definition_id: int, node_id: str, config: dict[str, Any]) -> SlaPlan | None:
    """Terms from the node's `sla` (else the policy's defaults) and the policy's calendar.
    None when neither the node nor a policy sets a due time. Raises ValueError on bad terms."""
    policy = sla_policy_for(definition_id=definition_id, node_id=node_id)
    raw = config.get("sla")
    terms = SlaTerms.from_config(raw) if raw else (policy.default_terms() if policy else None)
    if terms is None:
        return None
    calendar = policy.calendar.spec() if policy and policy.calendar else CalendarSpec.always()
    return SlaPlan(terms, calendar, policy)


def sla_open(*, task: ApprovalTask, plan: SlaPlan, now: datetime) -> SlaRecord:
    warn_at, due_at = deadlines(now, plan.terms, plan.calendar)
    return SlaRecord.objects.create(
        task=task,
        instance_id=task.instance_id,
        policy=plan.policy,
        started_at=now,
        warn_at=warn_at,
        due_at=due_at,
        next_check_at=warn_at,
        escalation=plan.terms.escalation.as_dict(),
    )


def sla_close(
    *, task: ApprovalTask, now: datetime, withdrawn: bool = False, events: list[TaskEvent] | None = None
) -> SlaRecord | None:
    """End the task's SLA: met (decided in time), missed (after a breach) or, for a cancelled
    task, withdrawn. Locks the record (after the task, per the lock order). Idempotent.
    The history line is appended to `events` (for the caller to write) when given."""
    record = SlaRecord.objects.select_for_update().filter(task=task, state__in=OPEN_SLA_STATES).first()
    if record is None:
        return None
    if withdrawn:
        record.withdraw(at=now)
        kind = None
    elif record.state == SlaState.BREACHED:
        record.miss(at=now)
        kind = TaskEventKind.SLA_MISSED
    elif now > record.due_at:  # decided after the deadline, before the checker noticed
        record.breach(at=now)
        record.save()
        record.miss(at=now)
        kind = TaskEventKind.SLA_MISSED
    else:
        record.meet(at=now)
        kind = TaskEventKind.SLA_MET
    record.save()
    if kind is not None:
        line = TaskEvent(
            request=task.request, task=task, kind=kind, at=now, data={"due_at": record.due_at.isoformat()}
        )
        if events is not None:
            events.append(line)
        else:
            line.save()
    return record
