"""Admin of the execution event stream: read-only (the stream is append-only and sealed)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString

from workflows.models import ExecutionEvent


@admin.register(ExecutionEvent)
class ExecutionEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "instance_link", "seq", "type", "node_id", "actor", "short_hash"]
    list_filter = ["type", "created_at"]
    search_fields = ["=instance__id", "=step_id", "node_id", "type", "=hash"]
    list_select_related = ["actor"]
    ordering = ["-id"]
    show_full_result_count = False  # the stream grows without bound; COUNT(*) would dominate
    fields = ["instance", "seq", "type", "step_id", "node_id", "actor", "created_at", "payload_json",
              "prev_hash", "hash"]  # fmt: skip
    readonly_fields = fields
    raw_id_fields = ["instance"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # append-only: the database refuses updates of sealed rows anyway

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # events go with their instance (retention), never one by one

    @admin.display(description="instance", ordering="instance_id")
    def instance_link(self, obj: ExecutionEvent) -> SafeString:
        return format_html('<a href="/instances/{}/">{}</a>', obj.instance_id, str(obj.instance_id)[:8])

    @admin.display(description="hash")
    def short_hash(self, obj: ExecutionEvent) -> str:
        return obj.hash[:12]

    @admin.display(description="payload")
    def payload_json(self, obj: ExecutionEvent) -> SafeString:
        return format_html("<pre>{}</pre>", json.dumps(obj.payload, indent=2, sort_keys=True))
