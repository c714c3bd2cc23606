"""Scheduled starts: manage schedules, and start what is due (the beat task calls
`schedules_run_due` every FLOWDESK_SCHEDULES_INTERVAL seconds).

Why our own due rows and croniter rather than django-celery-beat: a schedule is then
exactly like every other durable wait here, a row with a due time claimed with
`FOR UPDATE SKIP LOCKED`, so the one beat we already run (standalone or production)
needs no second scheduler and no extra configuration; the run record is unique per
(schedule, due time), so even two beats running by mistake never start a run twice;
missed runs follow the schedule's own policy (skip, or run once); and a `now`
parameter makes the whole thing testable without waiting for the clock.

One schedule per transaction: claim it (skipping rows another beat holds), record the
run, start the instance (as `run_as`) and move `next_run_at` past now, then commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.exceptions import PermissionDenied

from workflows.models import MissedRuns, Schedule, ScheduleRun, WorkflowDefinition
from workflows.runtime.inputs import input_problems
from workflows.selectors.definitions import (
    can_edit,
    can_start,
    definition_get_for_user,
    version_get,
    version_latest_startable,
)
from workflows.services.engine_errors import InvalidInput
from workflows.services.errors import invalid
from workflows.waits import cron
from workflows.waits.starting import start_or_refusal

MAX_NAME = 200
EDITABLE = ("name", "cron", "timezone", "version", "input", "enabled", "missed")


def _grace() -> timedelta:
    return timedelta(seconds=settings.FLOWDESK_SCHEDULE_GRACE_SECONDS)


def _clean(values: dict[str, Any], definition: WorkflowDefinition) -> dict[str, Any]:
    """Check the editable fields present in `values`; 400 invalid / invalid_input."""
    cleaned = dict(values)
    if "name" in values:
        name = values["name"]
        if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME:
            raise invalid("name", f"must be a non-empty string of at most {MAX_NAME} characters")
        cleaned["name"] = name.strip()
    try:
        if "cron" in values:
            cleaned["cron"] = cron.check_cron(values["cron"])
        if "timezone" in values:
            cron.check_timezone(values["timezone"])
    except cron.ScheduleError as error:
        raise invalid(error.field, error.message) from None
    if "missed" in values and values["missed"] not in MissedRuns.values:
        raise invalid("missed", f"must be one of {', '.join(MissedRuns.values)}")
    if "enabled" in values and not isinstance(values["enabled"], bool):
        raise invalid("enabled", "must be true or false")
    if "input" in values and not isinstance(values["input"], dict):
        raise invalid("input", "must be a JSON object")
    return cleaned


def _check_input(definition: WorkflowDefinition, version: int | None, data: dict[str, Any]) -> None:
    """Refuse input the version it would start on refuses (none published yet: not checked)."""
    pinned = version_get(definition=definition, number=version) if version else None
    pinned = pinned or version_latest_startable(definition=definition)
    if pinned is not None and (problems := input_problems(pinned.graph.get("inputs"), data)):
        raise InvalidInput(problems)


def _editable_definition(actor: Any, key: str) -> WorkflowDefinition:
    definition = definition_get_for_user(user=actor, key=key)
    if not can_edit(actor, definition):
        raise PermissionDenied("Only editors of this workflow manage its schedules.")
    return definition


@transaction.atomic
def schedule_create(
    *, definition_key: str, actor: Any, now: datetime | None = None, **values: Any
) -> Schedule:
    """Create a schedule of `definition_key` that starts instances as `actor`.
    404 hidden, 403 not an editor, 400 invalid / invalid_input."""
    definition = _editable_definition(actor, definition_key)
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise invalid(sorted(unknown)[0], "is not a schedule field")
    for required in ("name", "cron"):
        if required not in values:
            raise invalid(required, "is required")
    values.setdefault("timezone", "UTC")
    cleaned = _clean(values, definition)
    _check_input(definition, cleaned.get("version"), cleaned.get("input", {}))
    moment = now or timezone.now()
    schedule = Schedule(definition=definition, run_as=actor, created_at=moment, updated_at=moment, **cleaned)
    schedule.next_run_at = cron.next_after(schedule.cron, schedule.timezone, moment)
    schedule.save()
    return schedule


@transaction.atomic
def schedule_update(
    *, schedule: Schedule, actor: Any, now: datetime | None = None, **values: Any
) -> Schedule:
    """Change a schedule; a new cron, zone or re-enabling counts from now (no catch-up)."""
    locked = Schedule.objects.select_for_update(of=("self",)).select_related("definition").get(pk=schedule.pk)
    if not can_edit(actor, locked.definition):
        raise PermissionDenied("Only editors of this workflow manage its schedules.")
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise invalid(sorted(unknown)[0], "is not a schedule field")
    cleaned = _clean(values, locked.definition)
    if "input" in cleaned or "version" in cleaned:
        _check_input(
            locked.definition, cleaned.get("version", locked.version), cleaned.get("input", locked.input)
        )
    moment = now or timezone.now()
    recount = any(name in cleaned for name in ("cron", "timezone")) or (
        cleaned.get("enabled") is True and not locked.enabled
    )
    for name, value in cleaned.items():
        setattr(locked, name, value)
    if recount:
        locked.next_run_at = cron.next_after(locked.cron, locked.timezone, moment)
    locked.updated_at = moment
    locked.save()
    return locked


@transaction.atomic
def schedule_delete(*, schedule: Schedule, actor: Any) -> None:
    if not can_edit(actor, schedule.definition):
        raise PermissionDenied("Only editors of this workflow manage its schedules.")
    Schedule.objects.filter(pk=schedule.pk).delete()


def schedules_run_due(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Start what is due at `now` (default: the clock); return how many schedules were handled."""
    handled = 0
    while handled < limit:
        moment = now or timezone.now()
        with transaction.atomic():
            schedule = (
                Schedule.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("definition", "run_as")
                .filter(enabled=True, next_run_at__lte=moment)
                .order_by("next_run_at")
                .first()
            )
            if schedule is None:
                return handled
            schedule_run(schedule, now=moment)
        handled += 1
    return handled


def schedule_run(schedule: Schedule, *, now: datetime) -> ScheduleRun | None:
    """Handle one due schedule. Precondition: its row is locked (SELECT ... FOR UPDATE)."""
    assert schedule.next_run_at is not None
    plan = cron.plan(
        schedule.cron,
        schedule.timezone,
        due=schedule.next_run_at,
        now=now,
        run_missed_once=schedule.missed == MissedRuns.RUN_ONCE,
        grace=_grace(),
    )
    schedule.next_run_at = plan.next_run_at
    schedule.last_run_at = plan.scheduled_for
    schedule.save(update_fields=["next_run_at", "last_run_at"])
    run = ScheduleRun(schedule=schedule, scheduled_for=plan.scheduled_for, missed=plan.missed, created_at=now)
    try:
        with transaction.atomic():
            run.save()  # first: the unique (schedule, due time) key refuses a second run
    except IntegrityError:  # this due time already ran (two beats whose clocks disagree)
        return None
    if not plan.start:
        run.skip()
    elif not can_start(schedule.run_as, schedule.definition):
        run.fail(
            error={"code": "permission_denied", "message": f"{schedule.run_as} may not start this workflow"}
        )
    else:
        instance, refused = start_or_refusal(
            definition_key=schedule.definition.key,
            version=schedule.version,
            input=schedule.input,
            business_key="",
            started_by=schedule.run_as,
        )
        if instance is not None:
            run.start(started=instance)
        else:
            run.fail(error=refused or {"code": "refused"})
    run.save()
    return run
