"""Admin of workflow definitions: searchable, filterable, the draft shown as a picture.

Saves go through the services (validation, revision check), never straight to the model.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from config.api_errors import ApiError
from workflows.admin.svg import graph_svg
from workflows.models import DefinitionPermission, WorkflowDefinition
from workflows.selectors.definitions import definitions_visible_to
from workflows.services.definitions import (
    clean_description,
    clean_key,
    clean_name,
    clean_tags,
    definition_create,
    definition_update,
)


class DefinitionPermissionInline(admin.TabularInline):
    model = DefinitionPermission
    extra = 0
    autocomplete_fields = ["user", "group"]


class DefinitionAdminForm(forms.ModelForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = WorkflowDefinition
        fields = ["key", "name", "description", "tags", "owner", "revision"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("revision") != self.instance.revision:
            raise forms.ValidationError(
                "Someone changed this definition since you opened it; reload and try again."
            )
        # The services' own rules, so the admin refuses exactly what the API refuses.
        for field, rule in (("key", clean_key), ("name", clean_name), ("description", clean_description),
                            ("tags", clean_tags)):  # fmt: skip
            if field in cleaned and field in self.fields:
                try:
                    cleaned[field] = rule(cleaned[field])
                except ApiError as error:
                    self.add_error(field, str(error.detail).split(": ", 1)[-1])
        return cleaned


@admin.register(WorkflowDefinition)
class WorkflowDefinitionAdmin(admin.ModelAdmin):
    form = DefinitionAdminForm
    list_display = ["key", "name", "owner", "revision", "latest_version", "updated_at"]
    list_filter = [("owner", admin.RelatedOnlyFieldListFilter), "updated_at"]
    search_fields = ["key", "name", "description"]
    list_select_related = ["owner"]
    autocomplete_fields = ["owner"]
    readonly_fields = ["graph_picture", "graph_json", "created_at", "updated_at"]
    inlines = [DefinitionPermissionInline]
    fieldsets = [
        (None, {"fields": ["key", "name", "description", "tags", "owner", "revision"]}),
        ("Draft graph", {"fields": ["graph_picture", "graph_json"]}),
        ("Dates", {"fields": ["created_at", "updated_at"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[WorkflowDefinition]:
        return definitions_visible_to(request.user)

    def get_readonly_fields(self, request: HttpRequest, obj: WorkflowDefinition | None = None) -> list[str]:
        return [*self.readonly_fields, "key"] if obj else list(self.readonly_fields)

    @admin.display(description="latest version", ordering="latest_version")
    def latest_version(self, obj: WorkflowDefinition) -> Any:
        return getattr(obj, "latest_version", None) or "—"

    @admin.display(description="picture")
    def graph_picture(self, obj: WorkflowDefinition) -> SafeString:
        return mark_safe(graph_svg(obj.graph))  # noqa: S308 (graph_svg escapes every text it draws)

    @admin.display(description="JSON")
    def graph_json(self, obj: WorkflowDefinition) -> SafeString:
        return format_html(
            "<pre style='max-height:30em;overflow:auto'>{}</pre>", json.dumps(obj.graph, indent=2)
        )

    def save_model(
        self, request: HttpRequest, obj: WorkflowDefinition, form: forms.ModelForm, change: bool
    ) -> None:
        data = form.cleaned_data
        if change:
            saved = definition_update(
                definition=obj,
                actor=request.user,
                expected_revision=data["revision"],
                name=data["name"],
                description=data["description"],
                tags=data["tags"],
            )
        else:
            saved = definition_create(
                owner=data["owner"], key=data["key"], name=data["name"], description=data["description"],
                tags=data["tags"],
            )  # fmt: skip
        obj.pk, obj.revision, obj._state.adding = saved.pk, saved.revision, False
