"""The SLA dashboard page (staff) with inline SVG charts, and its CSV export."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from approvals import clock
from approvals.selectors.reports import sla_csv_rows, sla_dashboard
from approvals.views.charts import duration_bars, stacked_bars


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-in staff only: anonymous users go to the login page, others get the 403 page
    (not the admin's login form, which would suggest signing in again as someone else)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_staff:
            raise PermissionDenied("The SLA report is for staff.")
        return view(request, *args, **kwargs)

    return wrapped


def _days(request: HttpRequest) -> int:
    raw = request.GET.get("days", "30")
    return min(max(int(raw), 1), 366) if raw.isdigit() else 30


@staff_required
@require_GET
def sla_report(request: HttpRequest) -> HttpResponse:
    days = _days(request)
    board = sla_dashboard(now=clock.now(), days=days)
    return render(
        request,
        "approvals/sla_report.html",
        {
            "board": board,
            "days": days,
            "workflow_chart": stacked_bars(board.by_workflow),
            "group_chart": stacked_bars(board.by_group),
            "duration_chart": duration_bars(board.durations),
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@staff_required
@require_GET
def sla_report_csv(request: HttpRequest) -> StreamingHttpResponse:
    since = clock.now() - timedelta(days=_days(request))
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in sla_csv_rows(since=since)), content_type="text/csv"
    )
    response["Content-Disposition"] = 'attachment; filename="flowdesk-sla.csv"'
    return response
