"""Admin of published versions: read-only, with deprecate and retire through the services."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST
from django_fsm import TransitionNotAllowed, can_proceed
from rest_framework.exceptions import APIException

from workflows.admin.svg import graph_svg
from workflows.models import WorkflowVersion
from workflows.services.versions import version_deprecate, version_retire

TRANSITIONS = {"deprecate": version_deprecate, "retire": version_retire}


@admin.register(WorkflowVersion)
class WorkflowVersionAdmin(admin.ModelAdmin):
    list_display = ["definition_key", "number", "status", "published_by", "published_at", "short_checksum"]
    list_filter = ["status", "published_at"]
    search_fields = ["definition__key", "definition__name", "notes", "checksum"]
    list_select_related = ["definition", "published_by"]
    ordering = ["definition__key", "-number"]
    actions = ["deprecate_versions", "retire_versions"]
    fields = ["definition", "number", "status", "checksum", "published_by", "published_at", "notes",
              "graph_picture", "graph_json"]  # fmt: skip
    readonly_fields = fields
    change_form_template = "admin/workflows/workflowversion/change_form.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # versions come from publishing a definition

    def has_change_permission(self, request: HttpRequest, obj: WorkflowVersion | None = None) -> bool:
        return False  # immutable; transitions have their own buttons and actions

    def has_delete_permission(self, request: HttpRequest, obj: WorkflowVersion | None = None) -> bool:
        return False  # instances pin versions; retire instead

    def _may_transition(self, request: HttpRequest) -> bool:
        return request.user.has_perm("workflows.change_workflowversion")

    @admin.display(description="definition", ordering="definition__key")
    def definition_key(self, obj: WorkflowVersion) -> str:
        return obj.definition.key

    @admin.display(description="checksum")
    def short_checksum(self, obj: WorkflowVersion) -> str:
        return obj.checksum[:12]

    @admin.display(description="picture")
    def graph_picture(self, obj: WorkflowVersion) -> SafeString:
        return mark_safe(graph_svg(obj.graph))  # noqa: S308 (graph_svg escapes every text it draws)

    @admin.display(description="JSON")
    def graph_json(self, obj: WorkflowVersion) -> SafeString:
        return format_html(
            "<pre style='max-height:30em;overflow:auto'>{}</pre>", json.dumps(obj.graph, indent=2)
        )

    def _apply(
        self, request: HttpRequest, versions: QuerySet[WorkflowVersion] | list[WorkflowVersion], name: str
    ) -> None:
        done, refused = [], []
        for version in versions:
            try:
                TRANSITIONS[name](version=version, actor=request.user)
                done.append(str(version))
            except (TransitionNotAllowed, APIException) as error:
                refused.append(f"{version} ({error})")
        if done:
            messages.success(request, f"{name.title()}d: {', '.join(done)}")
        if refused:
            messages.error(request, f"Not {name}d: {', '.join(refused)}")

    @admin.action(description="Deprecate selected versions", permissions=["transition"])
    def deprecate_versions(self, request: HttpRequest, queryset: QuerySet[WorkflowVersion]) -> None:
        self._apply(request, queryset.select_related("definition"), "deprecate")

    @admin.action(description="Retire selected versions", permissions=["transition"])
    def retire_versions(self, request: HttpRequest, queryset: QuerySet[WorkflowVersion]) -> None:
        self._apply(request, queryset.select_related("definition"), "retire")

    def has_transition_permission(self, request: HttpRequest) -> bool:
        return self._may_transition(request)

    def get_urls(self) -> list[URLPattern]:
        transition = self.admin_site.admin_view(require_POST(self.transition_view))
        return [
            path("<int:pk>/transition/<str:name>/", transition, name="workflows_workflowversion_transition"),
            *super().get_urls(),
        ]

    def transition_view(self, request: HttpRequest, pk: int, name: str) -> HttpResponseRedirect:
        version = get_object_or_404(WorkflowVersion.objects.select_related("definition"), pk=pk)
        if name in TRANSITIONS and self._may_transition(request):
            self._apply(request, [version], name)
        else:
            messages.error(request, "That transition is not available to you.")
        return HttpResponseRedirect(reverse("admin:workflows_workflowversion_change", args=[pk]))

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Any:
        obj = context.get("original")
        context["transitions"] = (
            [name for name in TRANSITIONS if obj is not None and _allowed(obj, name)]
            if self._may_transition(request)
            else []
        )
        return super().render_change_form(request, context, *args, **kwargs)


def _allowed(version: WorkflowVersion, name: str) -> bool:
    return bool(can_proceed(getattr(version, name)))
