"""Approval pages at the site root: /inbox/, /notifications/, /reports/sla/."""

from django.urls import path

from approvals.views import inbox, notifications, reports

app_name = "approvals"

urlpatterns = [
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/bulk/", inbox.inbox_bulk_decide, name="bulk"),
    path("inbox/<int:task_id>/", inbox.task_detail, name="task"),
    path("inbox/<int:task_id>/decide/", inbox.task_decide_page, name="decide"),
    path("inbox/<int:task_id>/claim/", inbox.task_claim_page, name="claim"),
    path("inbox/<int:task_id>/unclaim/", inbox.task_unclaim_page, name="unclaim"),
    path("inbox/<int:task_id>/delegate/", inbox.task_delegate_page, name="delegate"),
    path("inbox/<int:task_id>/comment/", inbox.task_comment_page, name="comment"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/read/", notifications.notification_read, name="notifications-read"),
    path("reports/sla/", reports.sla_report, name="sla-report"),
    path("reports/sla.csv", reports.sla_report_csv, name="sla-report-csv"),
]
