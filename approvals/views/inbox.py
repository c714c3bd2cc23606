"""Inbox pages: the list (filters, search, sort, pagination, bulk decisions) and one task."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from approvals.models.sla import SlaState
from approvals.selectors.inbox import (
    ORDERINGS,
    SLA_FILTERS,
    InboxFilters,
    InboxPaginator,
    InboxQuery,
    inbox_workflows,
)
from approvals.selectors.tasks import task_form_for_user, task_get_for_user, task_view
from approvals.services.assignment import task_claim, task_delegate, task_unclaim
from approvals.services.comments import comment_add
from approvals.services.deciding import task_decide, tasks_decide_bulk
from approvals.services.errors import FormRejected, TaskNotFound
from config.api_errors import ApiError

PAGE_SIZE = 25
SLA_LABELS = {**{state.value: state.label for state in SlaState}, "none": "No SLA"}
SCOPE_LABELS = [
    ("actionable", "To decide"),
    ("mine", "Held by me"),
    ("group", "My groups"),
    ("done", "Decided by me"),
    ("all", "Everything I can see"),
]


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """The inbox; `?partial=rows` renders only the table (the live-update hook swaps it in)."""
    try:
        filters = InboxFilters.parse(request.GET)
    except ApiError as exc:
        messages.error(request, str(exc.detail))
        filters = InboxFilters()
    page = InboxPaginator(InboxQuery(request.user, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    tasks = list(page.object_list)
    bulk_outcomes = sorted({o for t in tasks if not t.request.needs_input for o in t.request.outcomes})
    context: dict[str, Any] = {
        "page": page,
        "tasks": tasks,
        "filters": filters,
        "query": urlencode(filters.as_query()),
        "scopes": SCOPE_LABELS,
        "workflows": inbox_workflows(request.user, filters.workflow),
        "sla_choices": [(value, SLA_LABELS.get(value, value)) for value in SLA_FILTERS],
        "orderings": list(ORDERINGS),
        "bulk_outcomes": bulk_outcomes,
        "bulk_allowed": filters.scope in ("actionable", "mine", "group"),
    }
    template = "approvals/_task_rows.html" if request.GET.get("partial") == "rows" else "approvals/inbox.html"
    return render(request, template, context)


@login_required
@require_POST
def inbox_bulk_decide(request: HttpRequest) -> HttpResponse:
    ids = [int(raw) for raw in request.POST.getlist("task") if raw.isdigit()]
    outcome = request.POST.get("outcome", "")
    if not ids:
        messages.error(request, "Select at least one task.")
    else:
        result = tasks_decide_bulk(task_ids=ids, actor=request.user, outcome=outcome)
        if result.decided:
            messages.success(request, f"Decided {len(result.decided)} task(s): {outcome}.")
        if result.failed:
            reasons = ", ".join(
                f"#{task_id} ({why.replace('_', ' ')})" for task_id, why in result.failed.items()
            )
            messages.error(request, f"Not decided: {reasons}.")
    return HttpResponseRedirect(_back(request, reverse("approvals:inbox")))


def _back(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    return target if target.startswith("/inbox/") else default


def _render_task(
    request: HttpRequest,
    task_id: int,
    *,
    form_errors: dict[str, list[str]] | None = None,
    values: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    task = task_get_for_user(task_id, request.user)
    view = task_view(task, request.user)
    fields = [
        {
            "name": f.name,
            "label": f.label,
            "type": f.type,
            "required": f.required,
            "choices": f.choices,
            "value": (values or {}).get(f.name, ""),
            "errors": (form_errors or {}).get(f.name, []),
        }
        for f in task.request.form_fields
    ]
    return render(
        request,
        "approvals/task_detail.html",
        {
            "task": task,
            "view": view,
            "fields": fields,
            "form_errors": form_errors or {},
            "values": values or {},
            "form_has_comment": any(f["name"] == "comment" for f in fields),
        },
        status=status,
    )


@login_required
@require_GET
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    try:
        return _render_task(request, task_id)
    except TaskNotFound:
        return render(request, "404.html", status=404)


def _form_values(request: HttpRequest, task_id: int) -> dict[str, Any]:
    """The posted form values; TaskNotFound (404) for a task the user cannot see."""
    values: dict[str, Any] = {}
    for field in task_form_for_user(task_id, request.user):
        raw = request.POST.get(f"field_{field.name}", "")
        if field.type == "boolean":
            values[field.name] = "true" if raw else "false"
        elif raw != "":
            values[field.name] = raw
    return values


@login_required
@require_POST
def task_decide_page(request: HttpRequest, task_id: int) -> HttpResponse:
    try:
        values = _form_values(request, task_id)
        task_decide(
            task_id=task_id,
            actor=request.user,
            outcome=request.POST.get("outcome", ""),
            form=values,
            comment=request.POST.get("comment", ""),
        )
    except TaskNotFound:
        return render(request, "404.html", status=404)
    except FormRejected as exc:
        messages.error(request, str(exc.detail))
        return _render_task(request, task_id, form_errors=exc.details["form"], values=values, status=400)
    except ApiError as exc:
        messages.error(request, str(exc.detail))
        return HttpResponseRedirect(reverse("approvals:task", args=[task_id]))
    messages.success(request, f"Recorded: {request.POST.get('outcome')}.")
    return HttpResponseRedirect(reverse("approvals:inbox"))


def _simple_action(request: HttpRequest, task_id: int, action: Any, done: str, **kwargs: Any) -> HttpResponse:
    try:
        action(task_id=task_id, actor=request.user, **kwargs)
    except TaskNotFound:
        return render(request, "404.html", status=404)
    except ApiError as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, done)
    return HttpResponseRedirect(reverse("approvals:task", args=[task_id]))


@login_required
@require_POST
def task_claim_page(request: HttpRequest, task_id: int) -> HttpResponse:
    return _simple_action(request, task_id, task_claim, "You hold this task now.")


@login_required
@require_POST
def task_unclaim_page(request: HttpRequest, task_id: int) -> HttpResponse:
    return _simple_action(request, task_id, task_unclaim, "The task is back with the group.")


@login_required
@require_POST
def task_delegate_page(request: HttpRequest, task_id: int) -> HttpResponse:
    to = request.POST.get("to", "").strip()
    return _simple_action(
        request, task_id, task_delegate, f"Delegated to {to}.", to=to, note=request.POST.get("note", "")
    )


@login_required
@require_POST
def task_comment_page(request: HttpRequest, task_id: int) -> HttpResponse:
    try:
        comment_add(task_id=task_id, author=request.user, body=request.POST.get("body", ""))
    except TaskNotFound:
        return render(request, "404.html", status=404)
    except ApiError as exc:
        messages.error(request, str(exc.detail))
    return HttpResponseRedirect(reverse("approvals:task", args=[task_id]) + "#comments")
