"""The SLA checker: run every minute by Celery beat (`approvals.sla_check`).

It picks records whose `next_check_at` has passed and, for each, in its own short
transaction, locks instance, request, task and record in the standard order
(services.locking) with SKIP LOCKED: rows a decision or another checker holds are
left for the next round, so two checkers never act on the same record and a
checker never waits behind a person. Then it moves the record on:

- on_track -> at_risk at `warn_at`: the holder (or candidates) are told;
- -> breached at `due_at`: with `auto_outcome` the system decides; else, when the node
  has a `timeout` edge, the step times out and the engine takes that edge; else the task
  is escalated (priority urgent) and the node's `escalate` actions run: `to_groups` (added as candidates, or replacing them with
  `move`), `notify` (email + in-app to holders, candidates and the new groups),
  `auto_outcome` (the system decides and the step settles with that outcome).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime

from django.contrib.auth.models import Group
from django.db import transaction

from approvals import clock
from approvals.domain.sla import sla_phase
from approvals.models import OPEN_SLA_STATES, NotificationKind, SlaRecord, SlaState, TaskEventKind, TaskState
from approvals.services.deciding import task_auto_decide
from approvals.services.engine import node_has_timeout_edge
from approvals.services.history import announce, event_append
from approvals.services.instance_sla import instance_sla_advance
from approvals.services.locking import LockedTask, lock_task
from approvals.services.notifications import notify
from approvals.services.opening import _people
from approvals.services.settling import request_time_out
from workflows.models import WorkflowInstance

logger = logging.getLogger(__name__)


@dataclass
class SlaCheckReport:
    checked: int = 0
    at_risk: list[int | str] = field(default_factory=list)
    breached: list[int | str] = field(default_factory=list)
    auto_decided: list[int] = field(default_factory=list)
    skipped: int = 0

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def sla_check_due(*, now: datetime | None = None, limit: int = 500) -> SlaCheckReport:
    """Advance every SLA record that is due at `now` (default: the clock). Idempotent."""
    now = now or clock.now()
    report = SlaCheckReport()
    due = list(
        SlaRecord.objects.filter(next_check_at__lte=now, state__in=OPEN_SLA_STATES)
        .order_by("next_check_at")
        .values_list("pk", "task_id", "instance_id")[:limit]
    )
    for record_id, task_id, instance_id in due:
        report.checked += 1
        try:
            if task_id is None:
                _check_instance_record(record_id, instance_id, now, report)
            else:
                _check_one(record_id, task_id, now, report)
        except Exception:  # one broken record must not stop the others; it is retried next minute
            logger.exception("SLA check of record %s failed", record_id)
    return report


@transaction.atomic(durable=True)
def _check_instance_record(
    record_id: int, instance_id: object, now: datetime, report: SlaCheckReport
) -> None:
    instance = (
        WorkflowInstance.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("definition", "started_by")
        .filter(pk=instance_id)
        .first()
    )
    if instance is None:
        report.skipped += 1
        return
    record = (
        SlaRecord.objects.select_for_update(skip_locked=True)
        .filter(pk=record_id, state__in=OPEN_SLA_STATES, next_check_at__lte=now)
        .first()
    )
    if record is None:
        report.skipped += 1
        return
    phase = sla_phase(now, record.warn_at, record.due_at)
    if instance_sla_advance(instance=instance, record=record, phase=phase, now=now):
        (report.breached if phase == "breached" else report.at_risk).append(f"instance:{instance.pk}")
    else:
        record.next_check_at = record.warn_at if record.state == SlaState.ON_TRACK else record.due_at
        record.save()


@transaction.atomic(durable=True)
def _check_one(record_id: int, task_id: int, now: datetime, report: SlaCheckReport) -> None:
    locked = lock_task(task_id, skip_locked=True)
    if locked is None:  # a decision or another checker holds it: next round
        report.skipped += 1
        return
    record = (
        SlaRecord.objects.select_for_update(skip_locked=True)
        .filter(pk=record_id, state__in=OPEN_SLA_STATES, next_check_at__lte=now)
        .first()
    )
    if record is None:  # already moved on (another checker got there first)
        report.skipped += 1
        return
    phase = sla_phase(now, record.warn_at, record.due_at)
    if phase == "at_risk" and record.state == SlaState.ON_TRACK:
        record.warn(at=now)
        record.save()
        _at_risk(locked, record, now)
        report.at_risk.append(task_id)
    elif phase == "breached":
        record.breach(at=now)
        record.save()
        if _breached(locked, record, now):
            report.auto_decided.append(task_id)
        report.breached.append(task_id)
    else:  # the deadlines are later than the check time (e.g. clock skew): look again then
        record.next_check_at = record.warn_at if record.state == SlaState.ON_TRACK else record.due_at
        record.save()


def _watchers(locked: LockedTask) -> list:  # type: ignore[type-arg]
    task = locked.task
    if task.assignee is not None:
        return [task.assignee]
    return [*task.candidate_users.all(), *_people([], list(task.candidate_groups.all()))]


def _at_risk(locked: LockedTask, record: SlaRecord, now: datetime) -> None:
    task, request = locked.task, locked.request
    event_append(
        request=request,
        task=task,
        kind=TaskEventKind.SLA_AT_RISK,
        at=now,
        data={"due_at": record.due_at.isoformat()},
    )
    notify(
        users=_watchers(locked),
        kind=NotificationKind.SLA_AT_RISK,
        task=task,
        at=now,
        title=f"Due soon: {request.headline}",
        body=f"{request.name} is due at {record.due_at:%Y-%m-%d %H:%M} UTC.",
    )
    announce([task.pk], TaskEventKind.SLA_AT_RISK)


def _breached(locked: LockedTask, record: SlaRecord, now: datetime) -> bool:
    """Run the escalation actions; True when the auto outcome settled the step."""
    task, request = locked.task, locked.request
    escalation = record.escalation or {}
    event_append(
        request=request,
        task=task,
        kind=TaskEventKind.SLA_BREACHED,
        at=now,
        data={"due_at": record.due_at.isoformat(), "escalation": escalation},
    )
    if not task.is_live:
        return False
    auto_outcome = escalation.get("auto_outcome")
    if auto_outcome and task_auto_decide(locked=locked, outcome=auto_outcome, now=now):
        SlaRecord.objects.filter(pk=record.pk).update(escalated_at=now)  # closed (missed) meanwhile
        return True
    if node_has_timeout_edge(locked.instance.version.graph, request.node_id):
        request_time_out(request=request, now=now)
        return True
    watchers = _watchers(locked)
    groups = list(Group.objects.filter(name__in=escalation.get("to_groups") or []))
    if escalation.get("move") and groups:
        task.candidate_users.clear()
        task.candidate_groups.set(groups)
    elif groups:
        task.candidate_groups.add(*groups)
    if task.state in (TaskState.OPEN, TaskState.CLAIMED):
        task.escalate(at=now)
        task.save()
    record.escalated_at = now
    record.save()
    event_append(
        request=request,
        task=task,
        kind=TaskEventKind.ESCALATED,
        at=now,
        data={"to_groups": [g.name for g in groups], "move": bool(escalation.get("move"))},
    )
    if escalation.get("notify", True):
        recipients = [*watchers, *_people([], groups)]
        recipients = [r for r in recipients if request.allow_self_approval or r.pk != request.started_by_id]
        notify(
            users=recipients,
            kind=NotificationKind.ESCALATED,
            task=task,
            at=now,
            title=f"Overdue: {request.headline}",
            body=f"{request.name} was due at {record.due_at:%Y-%m-%d %H:%M} UTC and is escalated.",
        )
    announce([task.pk], TaskEventKind.ESCALATED)
    return False
