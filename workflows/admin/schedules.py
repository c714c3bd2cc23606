"""Admin of schedules: edit them through the services (the same checks as the API), see
their recent runs, enable or disable several at once."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from rest_framework.exceptions import APIException

from workflows.models import Schedule, ScheduleRun
from workflows.waits import cron
from workflows.waits.schedules import EDITABLE, schedule_create, schedule_update

RUNS_SHOWN = 20


class ScheduleAdminForm(forms.ModelForm):
    class Meta:
        model = Schedule
        fields = ["definition", "name", "cron", "timezone", "version", "input", "enabled", "missed"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        try:
            if cleaned.get("cron"):
                cleaned["cron"] = cron.check_cron(cleaned["cron"])
            if cleaned.get("timezone"):
                cron.check_timezone(cleaned["timezone"])
        except cron.ScheduleError as error:
            self.add_error(error.field, error.message)
        if "input" in cleaned and not isinstance(cleaned["input"], dict):
            self.add_error("input", "must be a JSON object")
        return cleaned


class ScheduleRunInline(admin.TabularInline):
    model = ScheduleRun
    extra = 0
    can_delete = False
    fields = ["scheduled_for", "status", "instance", "missed", "error", "created_at"]
    readonly_fields = fields
    ordering = ["-scheduled_for"]
    verbose_name_plural = f"recent runs (newest first, up to {RUNS_SHOWN} shown)"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[ScheduleRun]:
        return super().get_queryset(request).select_related("instance")


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin):
    form = ScheduleAdminForm
    list_display = ["name", "definition", "cron", "timezone", "enabled", "missed", "next_run_at", "last_run_at",
                    "run_as"]  # fmt: skip
    list_filter = ["enabled", "missed", "timezone"]
    search_fields = ["name", "definition__key", "cron"]
    list_select_related = ["definition", "run_as"]
    readonly_fields = ["run_as", "next_run_at", "last_run_at", "created_at", "updated_at"]
    inlines = [ScheduleRunInline]
    actions = ["enable", "disable"]

    def save_model(self, request: HttpRequest, obj: Schedule, form: Any, change: bool) -> None:
        """Through the services: the same checks as the API, and `next_run_at` kept right."""
        values = {name: form.cleaned_data[name] for name in EDITABLE if name in form.cleaned_data}
        if change:
            changed = {name: value for name, value in values.items() if name in form.changed_data}
            saved = schedule_update(schedule=obj, actor=request.user, **changed)
        else:
            saved = schedule_create(definition_key=obj.definition.key, actor=request.user, **values)
        obj.pk, obj.next_run_at, obj.run_as_id = saved.pk, saved.next_run_at, saved.run_as_id

    def _set_enabled(self, request: HttpRequest, queryset: QuerySet[Schedule], enabled: bool) -> None:
        done, refused = 0, []
        for schedule in queryset:
            try:
                schedule_update(schedule=schedule, actor=request.user, enabled=enabled)
                done += 1
            except APIException as error:
                refused.append(f"{schedule}: {error.detail}")
        if done:
            messages.success(request, f"{'Enabled' if enabled else 'Disabled'} {done} schedule(s).")
        if refused:
            messages.warning(request, "; ".join(refused[:10]))

    @admin.action(description="Enable the selected schedules (next run counted from now)")
    def enable(self, request: HttpRequest, queryset: QuerySet[Schedule]) -> None:
        self._set_enabled(request, queryset, True)

    @admin.action(description="Disable the selected schedules")
    def disable(self, request: HttpRequest, queryset: QuerySet[Schedule]) -> None:
        self._set_enabled(request, queryset, False)
