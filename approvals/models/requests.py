"""Approval requests: one per activation of an approval node (one engine step).

The request is the aggregate an approval policy works on: it holds the node's
settings as they were when the step opened (policy, quorum, outcomes, form,
four-eyes rule), its tasks and their decisions. Its row is locked (after the
instance row, before any task row) whenever a decision could settle the step.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from approvals.domain.forms import FormField, form_fields, needs_input
from approvals.domain.policies import Policy, PolicySpec

INSTANCE_MODEL = "workflows.WorkflowInstance"
STEP_MODEL = "workflows.StepExecution"


class RequestState(models.TextChoices):
    OPEN = "open", "Open"
    DECIDED = "decided", "Decided"
    CANCELLED = "cancelled", "Cancelled"


class ApprovalRequest(ConcurrentTransitionMixin, models.Model):
    """An approval step waiting for people: settled once its policy reaches an outcome."""

    instance = models.ForeignKey(INSTANCE_MODEL, on_delete=models.CASCADE, related_name="approval_requests")
    step = models.OneToOneField(STEP_MODEL, on_delete=models.CASCADE, related_name="approval_request")
    definition = models.ForeignKey(
        "workflows.WorkflowDefinition", on_delete=models.CASCADE, related_name="approval_requests"
    )
    node_id = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    policy = models.CharField(max_length=16, choices=[(p.value, p.value) for p in Policy], default=Policy.ANY)
    quorum = models.PositiveIntegerField(default=1)
    assignee_count = models.PositiveIntegerField(default=1)
    outcomes = models.JSONField(default=list)
    form = models.JSONField(default=list, blank=True)
    config = models.JSONField(default=dict, blank=True, help_text="The node config as written")
    allow_self_approval = models.BooleanField(default=False)
    sequence = models.JSONField(
        default=list, blank=True, help_text="User ids in turn order (sequential policy)"
    )
    state = FSMField(default=RequestState.OPEN, choices=RequestState.choices, protected=True)
    outcome = models.CharField(max_length=64, blank=True, default="")
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = "approval request"
        indexes = [models.Index(fields=["definition", "state"]), models.Index(fields=["instance", "state"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.node_id})"

    @property
    def subject(self) -> str:
        """What the step is about: the instance's business key, else its input's title (or name)."""
        instance = self.instance
        if instance.business_key:
            return str(instance.business_key)
        data = instance.input if isinstance(instance.input, dict) else {}
        return next((str(data[key]) for key in ("title", "name", "subject", "summary") if data.get(key)), "")

    @property
    def headline(self) -> str:
        """The step's name with its subject, for notifications and titles."""
        return f"{self.name} · {self.subject}" if self.subject else self.name

    @property
    def policy_spec(self) -> PolicySpec:
        return PolicySpec(Policy(self.policy), tuple(self.outcomes), self.assignee_count, self.quorum)

    @property
    def form_fields(self) -> tuple[FormField, ...]:
        return form_fields(self.form)

    @property
    def needs_input(self) -> bool:
        return needs_input(self.form_fields)

    @transition(field=state, source=RequestState.OPEN, target=RequestState.DECIDED)
    def settle(self, *, outcome: str, at: object) -> None:
        """The policy reached `outcome`."""
        self.outcome = outcome
        self.closed_at = at

    @transition(field=state, source=RequestState.OPEN, target=RequestState.CANCELLED)
    def cancel(self, *, at: object) -> None:
        """The step was cancelled (instance cancelled, failed or moved on)."""
        self.closed_at = at
