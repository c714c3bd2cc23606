"""The notification list page and marking notifications read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from approvals.models import Notification
from approvals.services.notifications import notifications_mark_read


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    rows = (
        Notification.objects.filter(user=request.user).select_related("task").order_by("-created_at", "-pk")
    )
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(request, "approvals/notifications.html", {"page": page})


@login_required
@require_POST
def notification_read(request: HttpRequest) -> HttpResponse:
    """Mark one (`id`) or all notifications read; follow `open` to the notification's page."""
    raw = request.POST.get("id", "")
    ids = [int(raw)] if raw.isdigit() else None
    notifications_mark_read(user=request.user, ids=ids)
    if ids and request.POST.get("open"):
        row = Notification.objects.filter(user=request.user, pk=ids[0]).first()
        if row is not None and row.url.startswith("/"):
            return HttpResponseRedirect(row.url)
    return HttpResponseRedirect(reverse("approvals:notifications"))
