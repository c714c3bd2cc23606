"""Admin: tasks (reassign, force-decide with a reason), decisions and history (read-only),
SLA policies and business calendars (with holidays). State changes go through services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from approvals.models import (
    ApprovalRequest,
    ApprovalTask,
    BusinessCalendar,
    Decision,
    Holiday,
    Notification,
    SlaPolicy,
    SlaRecord,
)
from approvals.services.assignment import task_reassign
from approvals.services.deciding import task_force_decide
from config.api_errors import ApiError


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by services: viewable, never added, changed or deleted here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReassignForm(forms.Form):
    to = forms.CharField(label="New holder (username)", max_length=150)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ForceDecideForm(forms.Form):
    outcome = forms.ChoiceField()
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), help_text="Kept with the decision.")

    def __init__(self, *args: Any, outcomes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [(o, o) for o in outcomes]


@admin.register(ApprovalTask)
class ApprovalTaskAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "step_name",
        "workflow",
        "state",
        "assignee",
        "priority",
        "sla_state",
        "created_at",
        "actions_",
    )
    list_filter = ("state", "priority", "request__definition", "request__policy")
    search_fields = (
        "request__name",
        "request__definition__key",
        "assignee__username",
        "request__instance__business_key",
    )
    list_select_related = ("request__definition", "assignee", "sla")
    readonly_fields = (
        "request",
        "instance",
        "assignee",
        "state",
        "priority",
        "outcome",
        "position",
        "created_at",
        "claimed_at",
        "escalated_at",
        "closed_at",
        "delegated_by",
        "delegation_note",
    )
    exclude = ("candidate_users", "candidate_groups")
    date_hierarchy = "created_at"

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_staff  # the change page shows the actions; every field is read-only

    @admin.display(description="Step")
    def step_name(self, task: ApprovalTask) -> str:
        return task.request.name

    @admin.display(description="Workflow")
    def workflow(self, task: ApprovalTask) -> str:
        return task.request.definition.key

    @admin.display(description="SLA")
    def sla_state(self, task: ApprovalTask) -> str:
        try:
            return task.sla.state
        except ApprovalTask.sla.RelatedObjectDoesNotExist:
            return "-"

    @admin.display(description="Actions")
    def actions_(self, task: ApprovalTask) -> str:
        if not task.is_live:
            return "-"
        return format_html(
            '<a href="{}">Reassign</a> · <a href="{}">Force decide</a>',
            reverse("admin:approvals_task_reassign", args=[task.pk]),
            reverse("admin:approvals_task_force_decide", args=[task.pk]),
        )

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "<int:task_id>/reassign/",
                self.admin_site.admin_view(self.reassign_view),
                name="approvals_task_reassign",
            ),
            path(
                "<int:task_id>/force-decide/",
                self.admin_site.admin_view(self.force_decide_view),
                name="approvals_task_force_decide",
            ),
        ]
        return own + super().get_urls()

    def _page(self, request: HttpRequest, task: ApprovalTask, form: forms.Form, title: str) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "task": task,
            "form": form,
            "title": title,
            "opts": self.model._meta,
        }
        return render(request, "approvals/admin/task_action.html", context)

    def reassign_view(self, request: HttpRequest, task_id: int) -> HttpResponse:
        task = get_object_or_404(ApprovalTask.objects.select_related("request"), pk=task_id)
        form = ReassignForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                task_reassign(task_id=task.pk, actor=request.user, **form.cleaned_data)
            except ApiError as exc:
                form.add_error(None, str(exc.detail))
            else:
                messages.success(request, f"Task {task.pk} reassigned to {form.cleaned_data['to']}.")
                return HttpResponseRedirect(reverse("admin:approvals_approvaltask_changelist"))
        return self._page(request, task, form, f"Reassign task {task.pk}")

    def force_decide_view(self, request: HttpRequest, task_id: int) -> HttpResponse:
        task = get_object_or_404(ApprovalTask.objects.select_related("request"), pk=task_id)
        form = ForceDecideForm(request.POST or None, outcomes=list(task.request.outcomes))
        if request.method == "POST" and form.is_valid():
            try:
                task_force_decide(task_id=task.pk, actor=request.user, **form.cleaned_data)
            except ApiError as exc:
                form.add_error(None, str(exc.detail))
            else:
                messages.success(request, f"Task {task.pk} decided: {form.cleaned_data['outcome']}.")
                return HttpResponseRedirect(reverse("admin:approvals_approvaltask_changelist"))
        return self._page(request, task, form, f"Force a decision on task {task.pk}")


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ("id", "task", "decided_by", "kind", "outcome", "decided_at")
    list_filter = ("kind", "outcome")
    search_fields = ("user__username", "request__name", "comment", "reason")
    list_select_related = ("user", "task__request")


class TaskInline(admin.TabularInline):
    model = ApprovalTask
    fields = ("id", "assignee", "state", "outcome", "created_at", "closed_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(ReadOnlyAdmin):
    list_display = ("id", "name", "definition", "policy", "state", "outcome", "opened_at", "closed_at")
    list_filter = ("state", "policy", "definition")
    search_fields = ("name", "node_id", "definition__key")
    inlines = (TaskInline,)


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 1


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ("name", "time_zone", "workdays", "day_start", "day_end")
    inlines = (HolidayInline,)


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ("name", "calendar", "definition", "node_id", "is_default", "due_in", "warn_at")
    list_filter = ("is_default", "calendar")


@admin.register(SlaRecord)
class SlaRecordAdmin(ReadOnlyAdmin):
    list_display = ("id", "task", "state", "started_at", "warn_at", "due_at", "breached_at", "closed_at")
    list_filter = ("state",)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("id", "user", "kind", "title", "created_at", "read_at", "emailed_at")
    list_filter = ("kind",)
    search_fields = ("user__username", "title")
