"""Admin of triggers (webhooks and internal) and their runs.

Saving checks the templates and condition (`trigger_problems`, the same rules the
runtime relies on) and gives a new webhook a random secret; an action rotates it. Runs
are read-only: they are the record of what came in and what it started.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from workflows.models import Trigger, TriggerKind, TriggerRun
from workflows.waits.signing import SIGNATURE_HEADER
from workflows.waits.triggers import trigger_problems, trigger_rotate_secret, trigger_save


class TriggerAdminForm(forms.ModelForm):
    class Meta:
        model = Trigger
        fields = ["key", "name", "kind", "enabled", "definition", "version", "input", "business_key",
                  "source_definition", "source_status", "source_result", "condition"]  # fmt: skip

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        probe = Trigger(**{name: cleaned.get(name) for name in self.Meta.fields if name in cleaned})
        probe.input = cleaned.get("input") if cleaned.get("input") is not None else {}
        probe.business_key = cleaned.get("business_key") or ""
        probe.condition = cleaned.get("condition") or ""
        for field, message in trigger_problems(probe).items():
            self.add_error(field if field in self.fields else None, message)
        return cleaned


class TriggerRunInline(admin.TabularInline):
    model = TriggerRun
    extra = 0
    can_delete = False
    fields = ["received_at", "status", "delivery_id", "instance", "error"]
    readonly_fields = fields
    ordering = ["-received_at"]
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Trigger)
class TriggerAdmin(admin.ModelAdmin):
    form = TriggerAdminForm
    list_display = ["key", "name", "kind", "enabled", "definition", "source_definition", "run_as"]
    list_filter = ["kind", "enabled"]
    search_fields = ["key", "name", "definition__key", "source_definition__key"]
    list_select_related = ["definition", "source_definition", "run_as"]
    readonly_fields = ["webhook", "run_as", "created_at", "updated_at"]
    inlines = [TriggerRunInline]
    actions = ["rotate_secret"]

    @admin.display(description="webhook")
    def webhook(self, trigger: Trigger) -> SafeString | str:
        if trigger.kind != TriggerKind.WEBHOOK or not trigger.pk:
            return "—"
        url = reverse("api:hook-receive", kwargs={"trigger_key": trigger.key})
        return format_html(
            "POST <code>{}</code><br>{}: <code>sha256=&lt;hex HMAC-SHA256 of the body&gt;</code><br>"
            "secret: <code>{}</code>",
            url,
            SIGNATURE_HEADER,
            trigger.secret,
        )

    def save_model(self, request: HttpRequest, obj: Trigger, form: Any, change: bool) -> None:
        if not change:
            obj.run_as = request.user  # type: ignore[assignment]
        trigger_save(obj)

    @admin.action(description="Give the selected webhooks a new secret")
    def rotate_secret(self, request: HttpRequest, queryset: QuerySet[Trigger]) -> None:
        rotated = [trigger_rotate_secret(trigger_id=t.pk) for t in queryset if t.kind == TriggerKind.WEBHOOK]
        messages.success(request, f"New secrets for {len(rotated)} webhook(s); the old ones stopped working.")


@admin.register(TriggerRun)
class TriggerRunAdmin(admin.ModelAdmin):
    list_display = ["id", "trigger", "status", "received_at", "delivery_id", "instance"]
    list_filter = ["status", "trigger__kind"]
    search_fields = ["trigger__key", "delivery_id"]
    list_select_related = ["trigger", "instance"]
    readonly_fields = ["trigger", "status", "delivery_id", "request_json", "source_instance", "input_json",
                       "instance", "error_json", "received_at", "finished_at"]  # fmt: skip
    exclude = ["request", "input", "error"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def _pretty(self, value: Any) -> SafeString:
        return format_html("<pre style='max-height:20em;overflow:auto'>{}</pre>", json.dumps(value, indent=2))

    @admin.display(description="request")
    def request_json(self, run: TriggerRun) -> SafeString:
        return self._pretty(run.request)

    @admin.display(description="input")
    def input_json(self, run: TriggerRun) -> SafeString:
        return self._pretty(run.input)

    @admin.display(description="error")
    def error_json(self, run: TriggerRun) -> SafeString:
        return self._pretty(run.error)
