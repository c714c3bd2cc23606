"""Service levels: business calendars, holidays, SLA policies and one SLA record per task.

A record's deadlines are computed once, when its task opens, in business time of
the calendar its policy names (24x7 when none), so editing a calendar never moves
a running deadline. The checker (services.sla.sla_check_due, every minute) claims
records whose `next_check_at` has passed with SKIP LOCKED and moves them along
on_track -> at_risk -> breached; closing the task ends them met or missed.
"""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import available_timezones

from django.core.exceptions import ValidationError
from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from approvals.domain.business_time import CalendarSpec
from approvals.domain.sla import SlaTerms
from approvals.models.requests import INSTANCE_MODEL
from approvals.models.tasks import ApprovalTask

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def default_workdays() -> list[int]:
    return [0, 1, 2, 3, 4]


class BusinessCalendar(models.Model):
    """Working days and hours in a time zone, with holidays. day_end 00:00 means midnight."""

    name = models.CharField(max_length=100, unique=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    workdays = models.JSONField(default=default_workdays, help_text="Weekdays that are worked, 0=Monday")
    day_start = models.TimeField(default=time(9))
    day_end = models.TimeField(default=time(17), help_text="00:00 means midnight (the end of the day)")

    class Meta:
        ordering = ["name"]
        verbose_name = "business calendar"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.time_zone not in available_timezones():
            raise ValidationError({"time_zone": f"Unknown time zone {self.time_zone!r}."})
        try:
            CalendarSpec(
                self.time_zone, frozenset(int(d) for d in self.workdays or ()), self.day_start, self.day_end
            )
        except (TypeError, ValueError) as exc:
            raise ValidationError(str(exc)) from exc

    def spec(self) -> CalendarSpec:
        """The pure calendar, holidays included (one query)."""
        return CalendarSpec(
            time_zone=self.time_zone,
            workdays=frozenset(int(day) for day in self.workdays),
            day_start=self.day_start,
            day_end=self.day_end,
            holidays=frozenset(self.holidays.values_list("date", flat=True)),
        )


class Holiday(models.Model):
    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField()
    name = models.CharField(max_length=100, blank=True, default="")

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["calendar", "date"], name="holiday_once_per_calendar")]

    def __str__(self) -> str:
        return f"{self.date} {self.name}".strip()


class SlaPolicy(models.Model):
    """Which calendar (and default terms) apply to approval steps.

    The most specific policy wins: one naming the workflow and node, then one naming
    the workflow, then the default one; with none, the 24x7 calendar and the node's
    own `sla`. `due_in`/`warn_at`/`escalate` apply to nodes that declare no `sla`.
    """

    name = models.CharField(max_length=100, unique=True)
    calendar = models.ForeignKey(
        BusinessCalendar, null=True, blank=True, on_delete=models.PROTECT, related_name="policies"
    )
    definition = models.ForeignKey(
        "workflows.WorkflowDefinition", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    node_id = models.CharField(max_length=64, blank=True, default="")
    is_default = models.BooleanField(default=False)
    due_in = models.CharField(max_length=64, blank=True, default="", help_text="ISO 8601, e.g. PT8H")
    warn_at = models.CharField(max_length=64, blank=True, default="", help_text="0.8 or an ISO 8601 duration")
    escalate = models.JSONField(default=dict, blank=True)
    instance_due_in = models.CharField(
        max_length=64, blank=True, default="", help_text="ISO 8601: the whole instance must end within this"
    )
    instance_warn_at = models.CharField(max_length=64, blank=True, default="", help_text="0.8 or ISO 8601")

    class Meta:
        ordering = ["name"]
        verbose_name = "SLA policy"
        verbose_name_plural = "SLA policies"
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="one_default_sla_policy"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def default_terms(self) -> SlaTerms | None:
        """Terms for approval steps whose node declares no `sla`."""
        return self._terms(self.due_in, self.warn_at)

    def instance_terms(self) -> SlaTerms | None:
        """Terms for whole instances of the policy's workflow (start to finish)."""
        return self._terms(self.instance_due_in, self.instance_warn_at)

    def _terms(self, due_in: str, warn_at: str) -> SlaTerms | None:
        if not due_in:
            return None
        raw: dict[str, object] = {"due_in": due_in, "escalate": self.escalate or {}}
        if warn_at:
            raw["warn_at"] = float(warn_at) if warn_at[0].isdigit() else warn_at
        return SlaTerms.from_config(raw)

    def clean(self) -> None:
        try:
            self.default_terms()
            self.instance_terms()
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


class SlaState(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    BREACHED = "breached", "Breached"
    MET = "met", "Met"
    MISSED = "missed", "Missed"
    CANCELLED = "cancelled", "Cancelled (the step was withdrawn)"


OPEN_SLA_STATES = (SlaState.ON_TRACK, SlaState.AT_RISK, SlaState.BREACHED)


class SlaRecord(ConcurrentTransitionMixin, models.Model):
    """The service level of one task (or, with no task, of one whole instance)."""

    task = models.OneToOneField(
        ApprovalTask, null=True, blank=True, on_delete=models.CASCADE, related_name="sla"
    )
    instance = models.ForeignKey(INSTANCE_MODEL, on_delete=models.CASCADE, related_name="sla_records")
    policy = models.ForeignKey(SlaPolicy, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    state = FSMField(default=SlaState.ON_TRACK, choices=SlaState.choices, protected=True)
    started_at = models.DateTimeField()
    warn_at = models.DateTimeField()
    due_at = models.DateTimeField()
    next_check_at = models.DateTimeField(null=True, blank=True, help_text="When the checker looks next")
    at_risk_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    escalation = models.JSONField(default=dict, blank=True, help_text="What to do at breach")
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at"]
        verbose_name = "SLA record"
        indexes = [
            models.Index(
                fields=["next_check_at"],
                condition=models.Q(next_check_at__isnull=False),
                name="sla_due_checks",
            ),
            models.Index(fields=["state", "due_at"]),
        ]

    def __str__(self) -> str:
        return f"SLA {self.state} due {self.due_at:%Y-%m-%d %H:%M}"

    @transition(field=state, source=SlaState.ON_TRACK, target=SlaState.AT_RISK)
    def warn(self, *, at: datetime) -> None:
        self.at_risk_at = at
        self.next_check_at = self.due_at

    @transition(field=state, source=[SlaState.ON_TRACK, SlaState.AT_RISK], target=SlaState.BREACHED)
    def breach(self, *, at: datetime) -> None:
        self.breached_at = at
        self.at_risk_at = self.at_risk_at or at
        self.next_check_at = None

    @transition(field=state, source=[SlaState.ON_TRACK, SlaState.AT_RISK], target=SlaState.MET)
    def meet(self, *, at: datetime) -> None:
        self.closed_at = at
        self.next_check_at = None

    @transition(field=state, source=OPEN_SLA_STATES, target=SlaState.CANCELLED)
    def withdraw(self, *, at: datetime) -> None:
        """The task was cancelled: the record counts neither as met nor as missed."""
        self.closed_at = at
        self.next_check_at = None

    @transition(field=state, source=SlaState.BREACHED, target=SlaState.MISSED)
    def miss(self, *, at: datetime) -> None:
        self.closed_at = at
        self.next_check_at = None
