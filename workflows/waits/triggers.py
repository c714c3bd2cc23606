"""Triggers: manage them, and run internal ones ("when an instance of A ends, start B").

Internal triggers hook into the end of every instance (effect of the terminal engine
commands, inside the ending instance's transaction): each enabled trigger on that
definition whose status, result and condition match gets a `pending` run row in that
same transaction (so an end is never lost), and a worker settles it after commit:
renders the input, starts the instance and marks the run started, skipped or failed.
Rows a lost message left pending are settled by workflows.waits.sweep. A run's
delivery id is the source instance, so one end never starts B twice.

Inbound webhooks are in workflows.waits.webhooks.
"""

from __future__ import annotations

import logging
import threading
import time
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from workflows.expressions import ExpressionError
from workflows.models import (
    SourceStatus,
    Trigger,
    TriggerKind,
    TriggerRun,
    TriggerRunStatus,
    WorkflowInstance,
)
from workflows.runtime.effects import EffectContext
from workflows.services.errors import invalid
from workflows.waits.mapping import (
    FINISHED_ROOTS,
    HOOK_ROOTS,
    condition_holds,
    condition_problem,
    render_mapping,
    template_problems,
)
from workflows.waits.signing import new_secret
from workflows.waits.starting import result_text, start_or_refusal

logger = logging.getLogger(__name__)
SETTLE_TASK = "workflows.settle_trigger_run"


# -- management (the admin's forms call these checks) ---------------------------------------


def trigger_problems(trigger: Trigger) -> dict[str, str]:
    """Field -> message for everything that would stop `trigger` from working."""
    problems: dict[str, str] = {}
    roots = HOOK_ROOTS if trigger.kind == TriggerKind.WEBHOOK else FINISHED_ROOTS
    if not isinstance(trigger.input, dict):
        problems["input"] = "must be a JSON object mapping input names to templates"
    elif found := template_problems(trigger.input, roots=roots):
        problems["input"] = "; ".join(found)
    if trigger.business_key and (found := template_problems(trigger.business_key, roots=roots)):
        problems["business_key"] = "; ".join(found)
    if trigger.kind == TriggerKind.INSTANCE_FINISHED:
        if trigger.source_definition_id is None:
            problems["source_definition"] = "an internal trigger needs the workflow whose end it waits for"
        if trigger.condition and (problem := condition_problem(trigger.condition, roots=roots)):
            problems["condition"] = problem
    elif trigger.condition:
        problems["condition"] = "only internal triggers have a condition"
    return problems


def trigger_save(trigger: Trigger) -> Trigger:
    """Check and save a trigger (a webhook without a secret gets a fresh one). 400 invalid."""
    problems = trigger_problems(trigger)
    if problems:
        field, message = next(iter(problems.items()))
        raise invalid(field, message)
    if trigger.kind == TriggerKind.WEBHOOK and not trigger.secret:
        trigger.secret = new_secret()
    trigger.updated_at = timezone.now()
    trigger.save()
    transaction.on_commit(forget_trigger_cache)
    return trigger


def trigger_rotate_secret(*, trigger_id: int) -> str:
    """Give a webhook trigger a new secret (the old one stops working at once)."""
    secret = new_secret()
    Trigger.objects.filter(pk=trigger_id).update(secret=secret, updated_at=timezone.now())
    return secret


# -- internal triggers -------------------------------------------------------------------------


def finished_context(instance: WorkflowInstance) -> dict[str, Any]:
    """What an internal trigger's templates and condition read about the ended instance."""
    user = instance.started_by
    return {
        "input": instance.input,
        "vars": instance.vars,
        "instance": {
            "id": str(instance.pk),
            "definition": instance.definition.key,
            "business_key": instance.business_key,
            "status": str(instance.status),
            "result": instance.result,
            "error": instance.error,
            "started_by": user.get_username() if user is not None else "",
        },
    }


class _InternalTriggers:
    """Enabled internal triggers by source definition, re-read at most every
    FLOWDESK_TRIGGER_CACHE_SECONDS per process (so an ending instance usually costs no
    query); a trigger saved in this process is seen at once, elsewhere within that time."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.loaded_at: float | None = None
        self.by_source: dict[int, list[Trigger]] = {}

    def get(self, definition_id: int) -> list[Trigger]:
        with self.lock:
            fresh = self.loaded_at is not None and (
                time.monotonic() - self.loaded_at < settings.FLOWDESK_TRIGGER_CACHE_SECONDS
            )
            if not fresh:
                by_source: dict[int, list[Trigger]] = {}
                for trigger in Trigger.objects.filter(kind=TriggerKind.INSTANCE_FINISHED, enabled=True):
                    by_source.setdefault(int(trigger.source_definition_id or 0), []).append(trigger)
                self.by_source, self.loaded_at = by_source, time.monotonic()
            return self.by_source.get(definition_id, [])

    def forget(self) -> None:
        with self.lock:
            self.loaded_at = None


_internal = _InternalTriggers()


def internal_triggers_for(definition_id: int) -> list[Trigger]:
    """The enabled internal triggers fired by instances of `definition_id` (cached)."""
    return _internal.get(definition_id)


def forget_trigger_cache() -> None:
    _internal.forget()


def _matches(trigger: Trigger, instance: WorkflowInstance) -> bool:
    if trigger.source_status != SourceStatus.ANY and trigger.source_status != instance.status:
        return False
    return not trigger.source_result or result_text(instance.result) == trigger.source_result


def on_instance_finished(context: EffectContext, command: Any) -> None:
    """Record a pending run for every internal trigger the ended instance fires."""
    instance = context.instance
    if not instance.is_finished:
        return
    triggers = internal_triggers_for(instance.definition_id)
    if not triggers:
        return
    values = finished_context(instance)
    request = {"instance": values["instance"]}
    for trigger in triggers:
        if not _matches(trigger, instance):
            continue
        run = TriggerRun(
            trigger=trigger,
            delivery_id=f"instance:{instance.pk}",
            request=request,
            source_instance=instance,
            received_at=context.now,
        )
        try:
            holds = condition_holds(trigger.condition, values, roots=FINISHED_ROOTS, now=context.now)
        except ExpressionError as error:
            run.fail(
                error={"code": "condition_failed", "message": error.message}, input=None, now=context.now
            )
            run.save()
            continue
        if not holds:
            continue
        run.save()
        transaction.on_commit(partial(_send_settle, run.pk))


def trigger_run_settle(*, run_id: int) -> TriggerRun | None:
    """Settle a pending internal run: start its instance, or record why not. Idempotent:
    a run already settled (or being settled by someone else) is left alone."""
    with transaction.atomic():
        run = (
            TriggerRun.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("trigger__definition", "trigger__run_as", "source_instance__definition")
            .filter(pk=run_id, status=TriggerRunStatus.PENDING)
            .first()
        )
        if run is None:
            return None
        now = timezone.now()
        trigger, source = run.trigger, run.source_instance
        if source is None:
            run.fail(
                error={"code": "source_gone", "message": "the source instance was deleted"},
                input=None,
                now=now,
            )
            run.save()
            return run
        values = finished_context(source)
        try:
            mapped = render_mapping(trigger.input, values, roots=FINISHED_ROOTS, now=now)
            key = render_mapping(trigger.business_key, values, roots=FINISHED_ROOTS, now=now)
        except ExpressionError as error:
            run.fail(error={"code": "mapping_failed", "message": error.message, "details": {"path": error.path}},
                     input=None, now=now)  # fmt: skip
            run.save()
            return run
        settle_start(run, trigger, mapped, key, now=now)
        run.save()
        return run


def settle_start(run: TriggerRun, trigger: Trigger, mapped: Any, key: Any, *, now: Any) -> None:
    """Start the trigger's workflow with `mapped` input and move `run` on (not saved)."""
    business_key = "" if key is None else str(key)
    instance, refused = start_or_refusal(
        definition_key=trigger.definition.key,
        version=trigger.version,
        input=mapped,
        business_key=business_key,
        started_by=trigger.run_as,
    )
    if instance is not None:
        run.start(started=instance, input=mapped, now=now)
    elif refused is not None and refused["code"] == "duplicate_business_key":
        run.skip(error=refused, input=mapped, now=now)
    else:
        run.fail(error=refused or {"code": "refused"}, input=mapped, now=now)


def _send_settle(run_id: int) -> None:
    from celery import current_app

    try:
        current_app.send_task(SETTLE_TASK, args=[run_id])
    except Exception:
        logger.exception("could not send %s(%s); the sweep will settle it", SETTLE_TASK, run_id)
