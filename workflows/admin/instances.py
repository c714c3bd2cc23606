"""Admin of instances, steps and action circuits: read-only views, operations through services.

Nothing here writes rows directly: every action calls the same service the API calls
(so permissions, transitions, events and dispatching are the same).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from rest_framework.exceptions import APIException

from config.api_errors import ApiError, transition_refusal
from workflows.models import ActionCircuit, ExecutionEvent, StepExecution, WorkflowInstance
from workflows.runtime.circuits import circuit_reset
from workflows.services.operations import (
    instance_cancel,
    instance_resume,
    instance_suspend,
    step_retry,
    step_skip,
)

EVENTS_SHOWN = 200
REFUSALS = (APIException, TransitionNotAllowed, ConcurrentTransition, Http404)


def _run_each(
    request: HttpRequest, objects: QuerySet[Any] | list[Any], verb: str, call: Callable[[Any], object]
) -> None:
    """Call the service for each object; report successes and refusals as messages."""
    done, refused = [], []
    for obj in objects:
        try:
            call(obj)
            done.append(str(obj.pk))
        except (TransitionNotAllowed, ConcurrentTransition) as error:
            refused.append(f"{obj.pk}: {transition_refusal(error)}")
        except REFUSALS as error:
            refused.append(f"{obj.pk}: {getattr(error, 'detail', error)}")
    if done:
        messages.success(request, f"{verb}: {len(done)} done.")
    if refused:
        messages.warning(request, f"{verb} refused for {len(refused)}: " + "; ".join(refused[:10]))


def _failed_step_id(instance: WorkflowInstance) -> str:
    """The step that failed `instance`; refused in words when nothing failed it."""
    step_id = (instance.error or {}).get("step_id")
    if not step_id:
        raise ApiError(f"it has no failed step (it is {instance.status}).")
    return str(step_id)


def _pretty(value: Any) -> SafeString:
    return format_html("<pre style='max-height:20em;overflow:auto'>{}</pre>", json.dumps(value, indent=2))


class StepInline(admin.TabularInline):
    model = StepExecution
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["node_id", "node_type", "visit", "status", "attempt", "action", "started_at", "finished_at",
              "worker", "redeliveries", "error_message"]  # fmt: skip
    readonly_fields = fields
    ordering = ["created_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="error")
    def error_message(self, step: StepExecution) -> str:
        return f"{step.error.get('type')}: {step.error.get('message')}" if step.error else ""


@admin.register(WorkflowInstance)
class WorkflowInstanceAdmin(admin.ModelAdmin):
    list_display = ["id", "definition_key", "version_number", "status", "business_key", "started_by",
                    "created_at", "finished_at"]  # fmt: skip
    list_filter = ["status", "started_on_deprecated", "created_at", "definition"]
    search_fields = ["=id", "business_key", "correlation_id"]
    list_select_related = ["definition", "version", "started_by"]
    ordering = ["-created_at"]
    date_hierarchy = "created_at"
    inlines = [StepInline]
    actions = ["cancel", "cancel_compensating", "suspend", "resume", "retry_failed_step", "skip_failed_step"]
    fields = ["id", "definition", "version", "status", "business_key", "correlation_id", "started_by",
              "started_on_deprecated", "parent", "parent_step_id", "depth", "created_at", "updated_at",
              "finished_at", "last_seq", "input_json", "vars_json", "result_json", "error_json",
              "compensation_json", "event_table"]  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # instances start through the API (input validation, permissions)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # state changes only through the actions below

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the event stream is the audit trail

    @admin.display(description="definition", ordering="definition__key")
    def definition_key(self, obj: WorkflowInstance) -> str:
        return obj.definition.key

    @admin.display(description="version", ordering="version__number")
    def version_number(self, obj: WorkflowInstance) -> int:
        return obj.version.number

    @admin.display(description="input")
    def input_json(self, obj: WorkflowInstance) -> SafeString:
        return _pretty(obj.input)

    @admin.display(description="variables")
    def vars_json(self, obj: WorkflowInstance) -> SafeString:
        return _pretty(obj.vars)

    @admin.display(description="result")
    def result_json(self, obj: WorkflowInstance) -> SafeString:
        return _pretty(obj.result)

    @admin.display(description="error")
    def error_json(self, obj: WorkflowInstance) -> SafeString:
        return _pretty(obj.error)

    @admin.display(description="compensation")
    def compensation_json(self, obj: WorkflowInstance) -> SafeString:
        return _pretty(obj.compensation)

    @admin.display(description=f"events (latest {EVENTS_SHOWN})")
    def event_table(self, obj: WorkflowInstance) -> SafeString:
        events = ExecutionEvent.objects.filter(instance_id=obj.pk).select_related("actor")
        rows = reversed(list(events.order_by("-seq")[:EVENTS_SHOWN]))
        body = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
            (
                (e.seq, e.created_at.isoformat(timespec="milliseconds"), e.type, e.node_id,
                 e.actor.get_username() if e.actor else "", json.dumps(e.payload))
                for e in rows
            ),
        )  # fmt: skip
        return format_html(
            "<table><tr><th>seq</th><th>at</th><th>type</th><th>node</th><th>actor</th>"
            "<th>payload</th></tr>{}</table>",
            body,
        )

    @admin.action(description="Cancel the selected instances")
    def cancel(self, request: HttpRequest, queryset: QuerySet[WorkflowInstance]) -> None:
        _run_each(
            request, queryset, "Cancel", lambda i: instance_cancel(instance_id=i.pk, actor=request.user)
        )

    @admin.action(description="Cancel the selected instances, compensating finished steps")
    def cancel_compensating(self, request: HttpRequest, queryset: QuerySet[WorkflowInstance]) -> None:
        _run_each(
            request,
            queryset,
            "Cancel with compensation",
            lambda i: instance_cancel(instance_id=i.pk, actor=request.user, compensate=True),
        )

    @admin.action(description="Suspend the selected instances")
    def suspend(self, request: HttpRequest, queryset: QuerySet[WorkflowInstance]) -> None:
        _run_each(
            request, queryset, "Suspend", lambda i: instance_suspend(instance_id=i.pk, actor=request.user)
        )

    @admin.action(description="Resume the selected instances")
    def resume(self, request: HttpRequest, queryset: QuerySet[WorkflowInstance]) -> None:
        _run_each(
            request, queryset, "Resume", lambda i: instance_resume(instance_id=i.pk, actor=request.user)
        )

    @admin.action(description="Retry the step that failed each selected instance")
    def retry_failed_step(self, request: HttpRequest, queryset: QuerySet[WorkflowInstance]) -> None:
        _run_each(
            request,
            queryset,
            "Retry",
            lambda i: step_retry(instance_id=i.pk, step_id=_failed_step_id(i), actor=request.user),
        )

    @admin.action(description="Skip the step that failed each selected instance (output: null)")
    def skip_failed_step(self, request: HttpRequest, queryset: QuerySet[WorkflowInstance]) -> None:
        _run_each(
            request,
            queryset,
            "Skip",
            lambda i: step_skip(instance_id=i.pk, step_id=_failed_step_id(i), actor=request.user),
        )


@admin.register(StepExecution)
class StepExecutionAdmin(admin.ModelAdmin):
    list_display = ["id", "instance_id", "node_id", "node_type", "status", "attempt", "action", "worker",
                    "redeliveries", "started_at", "finished_at"]  # fmt: skip
    list_filter = ["status", "node_type", "action"]
    search_fields = ["=id", "=instance__id", "node_id"]
    ordering = ["-created_at"]
    actions = ["retry", "skip"]
    readonly_fields = [f.name for f in StepExecution._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Retry the selected steps now")
    def retry(self, request: HttpRequest, queryset: QuerySet[StepExecution]) -> None:
        _run_each(
            request,
            queryset,
            "Retry",
            lambda s: step_retry(instance_id=s.instance_id, step_id=s.pk, actor=request.user),
        )

    @admin.action(description="Skip the selected steps (output: null)")
    def skip(self, request: HttpRequest, queryset: QuerySet[StepExecution]) -> None:
        _run_each(
            request,
            queryset,
            "Skip",
            lambda s: step_skip(instance_id=s.instance_id, step_id=s.pk, actor=request.user),
        )


@admin.register(ActionCircuit)
class ActionCircuitAdmin(admin.ModelAdmin):
    list_display = ["action", "state", "consecutive_failures", "opened_at", "open_until", "last_error"]
    list_filter = ["state"]
    search_fields = ["action"]
    actions = ["reset"]
    readonly_fields = [f.name for f in ActionCircuit._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Reset (close) the selected circuits")
    def reset(self, request: HttpRequest, queryset: QuerySet[ActionCircuit]) -> None:
        if not request.user.has_perm("workflows.change_actioncircuit"):
            messages.error(request, "You may not reset circuits.")
            return
        _run_each(request, queryset, "Reset", lambda c: circuit_reset(action=c.action))
