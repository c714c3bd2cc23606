"""Immutable records: decisions, comments and the task history."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from approvals.models.requests import ApprovalRequest
from approvals.models.tasks import ApprovalTask


class ImmutableRow(models.Model):
    """Written once: updates and deletes of a saved row are refused."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValueError(f"{type(self).__name__} rows are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError(f"{type(self).__name__} rows are immutable")


class DecisionKind(models.TextChoices):
    USER = "user", "By the assignee"
    SYSTEM = "system", "By the system (SLA auto outcome)"
    FORCED = "forced", "Forced by staff"


class Decision(ImmutableRow):
    """Who decided which task, when, with what outcome, form values and comment."""

    task = models.OneToOneField(ApprovalTask, on_delete=models.CASCADE, related_name="decision")
    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="decisions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=8, choices=DecisionKind.choices, default=DecisionKind.USER)
    outcome = models.CharField(max_length=64)
    form = models.JSONField(default=dict, blank=True)
    comment = models.TextField(blank=True, default="")
    reason = models.TextField(blank=True, default="", help_text="Why staff or the system decided")
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["decided_at", "pk"]
        verbose_name = "decision"
        indexes = [
            models.Index(fields=["request", "decided_at"]),
            # "Decided by me", newest first: the inbox's `done` scope reads a page off it
            models.Index(fields=["user", "-decided_at", "-task"], name="decision_user_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.outcome} on task {self.task_id}"

    @property
    def decided_by(self) -> str:
        return self.user.get_username() if self.user is not None else "system"


class Comment(ImmutableRow):
    """A remark on an approval step, visible to everyone who can see one of its tasks."""

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="comments")
    task = models.ForeignKey(ApprovalTask, null=True, on_delete=models.SET_NULL, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["request", "created_at"])]

    def __str__(self) -> str:
        return f"Comment {self.pk} by {self.author_id}"


class TaskEventKind(models.TextChoices):
    OPENED = "opened", "Opened"
    CLAIMED = "claimed", "Claimed"
    UNCLAIMED = "unclaimed", "Unclaimed"
    DELEGATED = "delegated", "Delegated"
    REASSIGNED = "reassigned", "Reassigned"
    DECIDED = "decided", "Decided"
    SETTLED = "settled", "Step settled"
    ESCALATED = "escalated", "Escalated"
    EXPIRED = "expired", "Expired"
    CANCELLED = "cancelled", "Cancelled"
    COMMENTED = "commented", "Commented"
    SLA_AT_RISK = "sla_at_risk", "SLA at risk"
    SLA_BREACHED = "sla_breached", "SLA breached"
    SLA_MET = "sla_met", "SLA met"
    SLA_MISSED = "sla_missed", "SLA missed"
    NOTE = "note", "Note"


class TaskEvent(ImmutableRow):
    """One line of an approval step's history: every transition appends one."""

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="events")
    task = models.ForeignKey(
        ApprovalTask, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(max_length=16, choices=TaskEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["request", "at"])]

    def __str__(self) -> str:
        return f"{self.kind} at {self.at:%Y-%m-%d %H:%M}"
