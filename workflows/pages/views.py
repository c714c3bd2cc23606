"""Instance pages: the list, one instance (live), its operations, and the dashboard.

Thin: parse, call one selector or service, render. Access is the API's: the selectors
show only instances of definitions the user may view (404 otherwise), the services
refuse operations to anyone who may not operate the instance.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from rest_framework.exceptions import APIException

from workflows.models import InstanceStatus
from workflows.pages import charts
from workflows.pages.dashboard import dashboard_for
from workflows.pages.detail import page_context
from workflows.pages.listing import InstanceFilters, page_of
from workflows.selectors.definitions import definitions_visible_to
from workflows.selectors.instances import instance_get_for_user
from workflows.services.operations import (
    instance_cancel,
    instance_resume,
    instance_suspend,
    step_retry,
    step_skip,
)

OPERATIONS = {
    "cancel": lambda i, u, s: instance_cancel(
        instance_id=i, actor=u, reason="cancelled from the instance page"
    ),
    "cancel_compensate": lambda i, u, s: instance_cancel(
        instance_id=i, actor=u, compensate=True, reason="cancelled from the instance page"
    ),
    "suspend": lambda i, u, s: instance_suspend(instance_id=i, actor=u),
    "resume": lambda i, u, s: instance_resume(instance_id=i, actor=u),
    "retry": lambda i, u, s: step_retry(instance_id=i, step_id=s, actor=u),
    "skip": lambda i, u, s: step_skip(instance_id=i, step_id=s, actor=u),
}
DONE = {
    "cancel": "Instance cancelled.",
    "cancel_compensate": "Instance cancelled; finished steps are being compensated.",
    "suspend": "Instance suspended: no step will be dispatched until it is resumed.",
    "resume": "Instance resumed.",
    "retry": "Step sent again as a new attempt.",
    "skip": "Step skipped.",
}


@login_required
@require_GET
def instance_list(request: HttpRequest) -> HttpResponse:
    filters = InstanceFilters.parse(request.GET)
    for error in filters.errors:
        messages.error(request, error)
    page = page_of(
        filters.queryset(request.user),
        older_than=request.GET.get("older", ""),
        newer_than=request.GET.get("newer", ""),
    )
    query = urlencode(filters.as_query())
    return render(
        request,
        "workflows/instance_list.html",
        {
            "page": page,
            "filters": filters,
            "query": query,
            "statuses": InstanceStatus.choices,
            "definitions": list(
                definitions_visible_to(request.user).order_by("key").values_list("key", "name")
            ),
            "live": {"definition": filters.definition, "instances": [str(row.pk) for row in page.rows]},
        },
    )


@login_required
@require_GET
def instance_detail(request: HttpRequest, instance_id: Any) -> HttpResponse:
    instance = instance_get_for_user(user=request.user, instance_id=instance_id)
    return render(request, "workflows/instance_detail.html", page_context(instance, request.user))


@login_required
@require_POST
def instance_operate(request: HttpRequest, instance_id: Any) -> HttpResponse:
    """One operation from the page's buttons (the same services as the API)."""
    instance = instance_get_for_user(user=request.user, instance_id=instance_id)
    action = request.POST.get("action", "")
    operation = OPERATIONS.get(action)
    if operation is None:
        messages.error(request, "Unknown operation.")
    else:
        try:
            operation(instance.pk, request.user, request.POST.get("step") or None)
        except (APIException, TransitionNotAllowed, ConcurrentTransition) as exc:
            detail = getattr(exc, "detail", None)
            messages.error(
                request, str(detail) if detail else "Not possible in the instance's current state."
            )
        except Http404:
            messages.error(request, "No such step.")
        else:
            messages.success(request, DONE[action])
    return HttpResponseRedirect(f"/instances/{instance.pk}/")


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    data = dashboard_for(request.user)
    total = sum(data.by_status.values())
    return render(
        request,
        "workflows/dashboard.html",
        {
            "data": data,
            "total": total,
            "status_chart": charts.status_bars(data.by_status),
            "throughput_chart": charts.throughput_columns(data.throughput),
            "duration_chart": charts.duration_bars(data.durations),
            "finished_last_hour": sum(data.throughput.completed) + sum(data.throughput.failed),
            "started_last_hour": sum(data.throughput.started),
        },
    )
