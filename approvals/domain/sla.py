"""SLA terms of an approval node (`config.sla`) and the deadlines they give.

    "sla": {"due_in": "PT4H", "warn_at": 0.8, "escalate": {"to_groups": ["directors"], "notify": true}}

`due_in` is an ISO 8601 duration of business time (of the SLA policy's calendar;
24x7 by default). `warn_at` is either a fraction of `due_in` (0.8: at risk after 80%)
or an ISO 8601 duration from the start. `escalate` says what happens at breach:
`to_groups` (add those groups as candidates), `move` (true: replace the current
candidates with them), `notify` (email + in-app), `auto_outcome` (decide
automatically, recorded as the system's decision).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from approvals.domain.business_time import CalendarSpec, add_business_time
from workflows.engine.durations import Duration

DEFAULT_WARN_FRACTION = 0.75


@dataclass(frozen=True, slots=True)
class Escalation:
    to_groups: tuple[str, ...] = ()
    move: bool = False
    notify: bool = True
    auto_outcome: str | None = None

    @classmethod
    def from_config(cls, raw: Mapping[str, Any] | None) -> Escalation:
        raw = raw or {}
        return cls(
            to_groups=tuple(str(name) for name in raw.get("to_groups") or ()),
            move=bool(raw.get("move", False)),
            notify=bool(raw.get("notify", True)),
            auto_outcome=str(raw["auto_outcome"]) if raw.get("auto_outcome") else None,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "to_groups": list(self.to_groups),
            "move": self.move,
            "notify": self.notify,
            "auto_outcome": self.auto_outcome,
        }


@dataclass(frozen=True, slots=True)
class SlaTerms:
    due_in: Duration
    warn_fraction: float | None = DEFAULT_WARN_FRACTION
    warn_after: Duration | None = None
    escalation: Escalation = Escalation()

    @classmethod
    def from_config(cls, raw: Mapping[str, Any]) -> SlaTerms:
        """Parse a node's `sla` (or an SLA policy's defaults). Raises ValueError when malformed."""
        due_in = Duration.parse(str(raw["due_in"]))
        warn = raw.get("warn_at", DEFAULT_WARN_FRACTION)
        fraction: float | None = None
        after: Duration | None = None
        if isinstance(warn, int | float) and not isinstance(warn, bool):
            if not 0 < float(warn) < 1:
                raise ValueError("warn_at as a fraction must lie strictly between 0 and 1")
            fraction = float(warn)
        elif isinstance(warn, str):
            after = Duration.parse(warn)
        elif warn is not None:
            raise ValueError("warn_at must be a fraction of due_in or an ISO 8601 duration")
        return cls(due_in, fraction, after, Escalation.from_config(raw.get("escalate")))


def _span(duration: Duration, start: datetime) -> timedelta:
    """A duration as working time: months and years count as the calendar time they cover."""
    return duration.after(start) - start if duration.months else duration.delta


def deadlines(start: datetime, terms: SlaTerms, calendar: CalendarSpec) -> tuple[datetime, datetime]:
    """Return (warn_at, due_at) for a task opened at `start`, in business time of `calendar`."""
    due_span = _span(terms.due_in, start)
    due_at = add_business_time(start, due_span, calendar)
    if terms.warn_after is not None:
        warn_span = min(_span(terms.warn_after, start), due_span)
    else:
        warn_span = due_span * (terms.warn_fraction or DEFAULT_WARN_FRACTION)
    return add_business_time(start, warn_span, calendar), due_at


def sla_phase(now: datetime, warn_at: datetime, due_at: datetime) -> str:
    """Where an open SLA stands at `now`: on_track, at_risk or breached."""
    if now >= due_at:
        return "breached"
    if now >= warn_at:
        return "at_risk"
    return "on_track"
