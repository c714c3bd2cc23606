"""In-app notifications (the bell in the page header); emails go out after commit."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class NotificationKind(models.TextChoices):
    TASK_ASSIGNED = "task_assigned", "New task"
    TASK_DELEGATED = "task_delegated", "Task delegated to you"
    SLA_AT_RISK = "sla_at_risk", "Task at risk"
    SLA_BREACHED = "sla_breached", "Task overdue"
    ESCALATED = "escalated", "Task escalated to you"
    DECIDED = "decided", "Task decided"


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, default="")
    url = models.CharField(max_length=300, blank=True, default="")
    task = models.ForeignKey(
        "approvals.ApprovalTask",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    email = models.BooleanField(default=True, help_text="Also send it by email")
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "-created_at"]),
            models.Index(
                fields=["user"], condition=models.Q(read_at__isnull=True), name="notification_unread"
            ),
        ]

    def __str__(self) -> str:
        return self.title
