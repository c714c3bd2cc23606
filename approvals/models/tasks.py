"""Approval tasks: what one person (or one group, until claimed) is asked to decide.

`any` opens one shared task whose candidates are the node's users and groups;
`all`, `quorum` and `sequential` give each assignee a task of their own. A task
is decidable while open, claimed or escalated; `assignee` is who holds it (set
directly, by a claim, a delegation or a reassignment).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from approvals.models.requests import INSTANCE_MODEL, ApprovalRequest


class TaskState(models.TextChoices):
    OPEN = "open", "Open"
    CLAIMED = "claimed", "Claimed"
    DECIDED = "decided", "Decided"
    ESCALATED = "escalated", "Escalated"
    EXPIRED = "expired", "Expired"
    CANCELLED = "cancelled", "Cancelled"


LIVE_STATES = (TaskState.OPEN, TaskState.CLAIMED, TaskState.ESCALATED)
"""States in which a task can still be decided."""


class Priority(models.IntegerChoices):
    LOW = 0, "Low"
    NORMAL = 1, "Normal"
    HIGH = 2, "High"
    URGENT = 3, "Urgent"


class ApprovalTask(ConcurrentTransitionMixin, models.Model):
    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="tasks")
    instance = models.ForeignKey(INSTANCE_MODEL, on_delete=models.CASCADE, related_name="approval_tasks")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="approval_tasks",
    )
    candidate_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="candidate_approval_tasks"
    )
    candidate_groups = models.ManyToManyField(Group, blank=True, related_name="candidate_approval_tasks")
    position = models.PositiveIntegerField(default=0, help_text="Turn (sequential) or assignee index")
    state = FSMField(default=TaskState.OPEN, choices=TaskState.choices, protected=True)
    priority = models.SmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    outcome = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    delegated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    delegation_note = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-priority", "created_at"]
        verbose_name = "approval task"
        indexes = [
            models.Index(fields=["assignee", "state"]),
            models.Index(fields=["state", "-priority", "created_at"]),
            models.Index(fields=["request", "position"]),
            # "Everything I can see", newest first; and its count reads the holder's task ids
            models.Index(fields=["-created_at", "-id"], name="task_created_recent"),
            models.Index(fields=["assignee", "id"], name="task_assignee_ids"),
        ]

    def __str__(self) -> str:
        return f"Task {self.pk}: {self.request.name}"

    @property
    def is_live(self) -> bool:
        return self.state in LIVE_STATES

    @transition(field=state, source=[TaskState.OPEN, TaskState.ESCALATED], target=TaskState.CLAIMED)
    def claim(self, *, user: object, at: datetime) -> None:
        """Take a group task: only the claimer may decide it until it is unclaimed."""
        self.assignee = user  # type: ignore[assignment]
        self.claimed_at = at

    @transition(field=state, source=TaskState.CLAIMED, target=TaskState.OPEN)
    def unclaim(self) -> None:
        """Give a claimed task back to its candidates."""
        self.assignee = None
        self.claimed_at = None

    @transition(field=state, source=LIVE_STATES, target=RETURN_VALUE(*LIVE_STATES))
    def hand_over(self, *, to: object, by: object | None, note: str, at: datetime, shared: bool) -> str:
        """Delegate or reassign: `to` holds the task from now on.

        A shared (group) task becomes claimed by `to`, so `to` may give it back to the
        group; an escalated task stays escalated; a personal task stays open.
        """
        self.assignee = to  # type: ignore[assignment]
        self.delegated_by = by  # type: ignore[assignment]
        self.delegation_note = note
        if self.state == TaskState.ESCALATED:
            return TaskState.ESCALATED
        if shared:
            self.claimed_at = at
            return TaskState.CLAIMED
        return TaskState.OPEN

    @transition(field=state, source=LIVE_STATES, target=TaskState.DECIDED)
    def decide(self, *, outcome: str, by: object | None, at: datetime) -> None:
        """Record the outcome; a person deciding a shared task becomes its holder."""
        if by is not None:
            self.assignee = by  # type: ignore[assignment]
        self.outcome = outcome
        self.closed_at = at

    @transition(field=state, source=[TaskState.OPEN, TaskState.CLAIMED], target=TaskState.ESCALATED)
    def escalate(self, *, at: datetime) -> None:
        """The SLA was breached; the task stays decidable and goes up in priority."""
        self.escalated_at = at
        self.priority = max(self.priority, Priority.URGENT)

    @transition(field=state, source=LIVE_STATES, target=TaskState.EXPIRED)
    def expire(self, *, at: datetime) -> None:
        """The step was settled without this task's decision (the policy no longer needs it)."""
        self.closed_at = at

    @transition(field=state, source=LIVE_STATES, target=TaskState.CANCELLED)
    def cancel(self, *, at: datetime) -> None:
        """The step was cancelled."""
        self.closed_at = at


class LiveCandidate(models.Model):
    """Who a live task is offered to: one row per candidate user or group (and one for its
    holder) of a task that is open, claimed or escalated. The inbox's way in at scale: the candidate tables keep every
    task ever offered, these rows only the live ones (a few percent), so a user's actionable
    tasks are found from their groups without reading the history.

    Kept in step by `services.candidates` (signal receivers on the candidate relations and
    on task saves). A row left for a task that has closed meanwhile is harmless (the inbox
    also requires a live state); a missing row would hide a task, so every change of the
    candidates of a live task goes through the receivers.
    """

    task = models.ForeignKey(ApprovalTask, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    # What the inbox filters and sorts on, copied from the task, its request and SLA record
    # (`services.candidates.live_candidates_sync`), so a page needs no join to find its rows.
    state = models.CharField(max_length=16, default=TaskState.OPEN)
    assignee_id = models.BigIntegerField(null=True, blank=True)
    priority = models.SmallIntegerField(default=Priority.NORMAL)
    created_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    definition_id = models.BigIntegerField(null=True, blank=True)
    search = models.TextField(
        blank=True, default="", help_text="Step name, workflow name and key, business key, input title"
    )
    four_eyes_user_id = models.BigIntegerField(
        null=True, blank=True, help_text="Who may not decide it: the starter, unless self approval is allowed"
    )

    class Meta:
        verbose_name = "live candidate"
        indexes = [
            models.Index(
                fields=["user", "task"], condition=models.Q(user__isnull=False), name="live_candidate_user"
            ),
            models.Index(
                fields=["group", "task"], condition=models.Q(group__isnull=False), name="live_candidate_group"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=True) ^ models.Q(group__isnull=True),
                name="live_candidate_user_xor_group",
            )
        ]

    def __str__(self) -> str:
        return f"Task {self.task_id} offered to {'user ' + str(self.user_id) if self.user_id else 'group ' + str(self.group_id)}"
