"""Circuit breakers, one per action: stop calling an action that keeps failing.

closed: steps run. After FLOWDESK_CIRCUIT_FAILURE_THRESHOLD failures in a row the
circuit opens until `open_until`: steps of that action wait (a durable wait at
`open_until`, no attempt used). Then it is half-open: one step is let through as a
probe; its success closes the circuit, its failure opens it again. Operators see and
reset circuits in the admin.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition


class CircuitState(models.TextChoices):
    CLOSED = "closed", "Closed (calls go through)"
    OPEN = "open", "Open (calls wait)"
    HALF_OPEN = "half_open", "Half-open (one probe call)"


class ActionCircuit(ConcurrentTransitionMixin, models.Model):
    action = models.CharField(max_length=100, unique=True)
    state = FSMField(default=CircuitState.CLOSED, choices=CircuitState.choices, protected=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    opened_at = models.DateTimeField(null=True, blank=True)
    open_until = models.DateTimeField(null=True, blank=True)
    probe_started_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["action"]
        verbose_name = "action circuit"

    def __str__(self) -> str:
        return f"{self.action} ({self.state})"

    @transition(field=state, source=[CircuitState.CLOSED, CircuitState.HALF_OPEN], target=CircuitState.OPEN)
    def trip(self, *, now: Any, until: Any) -> None:
        """Too many failures in a row (or the probe failed): open for the cool-down."""
        self.opened_at = now
        self.open_until = until
        self.probe_started_at = None
        self.updated_at = now

    @transition(
        field=state, source=[CircuitState.OPEN, CircuitState.HALF_OPEN], target=CircuitState.HALF_OPEN
    )
    def probe(self, *, now: Any) -> None:
        """The cool-down is over (or the last probe was lost): let one call through."""
        self.probe_started_at = now
        self.updated_at = now

    @transition(field=state, source="*", target=CircuitState.CLOSED)
    def close(self, *, now: Any) -> None:
        """A call succeeded (or an operator reset the circuit)."""
        self.consecutive_failures = 0
        self.opened_at = None
        self.open_until = None
        self.probe_started_at = None
        self.updated_at = now
