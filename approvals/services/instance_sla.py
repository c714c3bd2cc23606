"""Per-instance SLAs: a whole workflow run must finish within the policy's `instance_due_in`.

Opened when the engine activates the start node, closed when the instance ends
(completed: met or missed; failed or cancelled: cancelled). The SLA checker warns
the person who started it and, at breach, also the policy's `escalate.to_groups`.
Helpers run inside the instance's locked transaction (lock order step 1, then 4).
While no policy sets `instance_due_in` (checked once a minute), the engine's hot
path pays no query for this.
"""

from __future__ import annotations

import time
from datetime import datetime

from django.db.models import Q

from approvals.domain.business_time import CalendarSpec
from approvals.domain.sla import deadlines
from approvals.models import OPEN_SLA_STATES, NotificationKind, SlaPolicy, SlaRecord, SlaState
from approvals.services.notifications import notify
from approvals.services.opening import _people
from workflows.models import WorkflowInstance

_CACHE_SECONDS = 60.0
_any_policy: tuple[float, bool] = (0.0, False)


def instance_slas_in_use() -> bool:
    """Whether any policy sets an instance SLA, so that the engine's hot path pays no query
    while nobody uses instance SLAs. Cached for a minute per process; saving or deleting a
    policy clears this process's cache at once (others notice within the minute)."""
    global _any_policy
    checked_at, answer = _any_policy
    if time.monotonic() - checked_at > _CACHE_SECONDS:
        answer = SlaPolicy.objects.exclude(instance_due_in="").exists()
        _any_policy = (time.monotonic(), answer)
    return answer


def forget_instance_sla_cache(**_: object) -> None:
    global _any_policy
    _any_policy = (0.0, False)


def _instance_policy(definition_id: int) -> SlaPolicy | None:
    candidates = (
        SlaPolicy.objects.filter(Q(definition_id=definition_id, node_id="") | Q(is_default=True))
        .exclude(instance_due_in="")
        .select_related("calendar")
    )
    return min(candidates, key=lambda p: 0 if p.definition_id == definition_id else 1, default=None)


def instance_sla_open(*, instance: WorkflowInstance, now: datetime) -> SlaRecord | None:
    """Open the instance's SLA record when a policy gives one. Idempotent."""
    if not instance_slas_in_use():
        return None
    policy = _instance_policy(instance.definition_id)
    terms = policy.instance_terms() if policy is not None else None
    if policy is None or terms is None:
        return None
    existing = SlaRecord.objects.filter(instance=instance, task__isnull=True).first()
    if existing is not None:
        return existing
    calendar = policy.calendar.spec() if policy.calendar else CalendarSpec.always()
    warn_at, due_at = deadlines(now, terms, calendar)
    return SlaRecord.objects.create(
        task=None,
        instance=instance,
        policy=policy,
        started_at=now,
        warn_at=warn_at,
        due_at=due_at,
        next_check_at=warn_at,
        escalation=terms.escalation.as_dict(),
    )


def instance_sla_close(*, instance_id: object, now: datetime, completed: bool) -> None:
    """End the instance's SLA: met or missed when it completed, cancelled otherwise."""
    if not instance_slas_in_use():
        return
    for record in SlaRecord.objects.select_for_update().filter(
        instance_id=instance_id, task__isnull=True, state__in=OPEN_SLA_STATES
    ):
        if not completed:
            record.withdraw(at=now)
        elif record.state == SlaState.BREACHED:
            record.miss(at=now)
        elif now > record.due_at:
            record.breach(at=now)
            record.save()
            record.miss(at=now)
        else:
            record.meet(at=now)
        record.save()


def instance_sla_advance(*, instance: WorkflowInstance, record: SlaRecord, phase: str, now: datetime) -> bool:
    """Move a locked instance record to at_risk or breached and tell people. True if it moved."""
    starter = [instance.started_by] if instance.started_by is not None else []
    name = instance.definition.name
    url_title = instance.business_key or str(instance.pk)[:8]
    if phase == "at_risk" and record.state == SlaState.ON_TRACK:
        record.warn(at=now)
        record.save()
        notify(
            users=starter,
            kind=NotificationKind.SLA_AT_RISK,
            at=now,
            title=f"Due soon: {name} {url_title}",
            body=f"It should finish by {record.due_at:%Y-%m-%d %H:%M} UTC.",
        )
        return True
    if phase == "breached":
        record.breach(at=now)
        record.save()
        groups = (record.escalation or {}).get("to_groups") or []
        from django.contrib.auth.models import Group

        people = [*starter, *_people([], list(Group.objects.filter(name__in=groups)))]
        notify(
            users=people,
            kind=NotificationKind.SLA_BREACHED,
            at=now,
            title=f"Overdue: {name} {url_title}",
            body=f"It should have finished by {record.due_at:%Y-%m-%d %H:%M} UTC.",
        )
        return True
    return False
