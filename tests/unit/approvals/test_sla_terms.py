"""SLA terms from a node's config give warn and due deadlines in business time."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from approvals.domain.business_time import CalendarSpec
from approvals.domain.sla import SlaTerms, deadlines, sla_phase

T0 = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)  # a Monday


def test_warn_at_as_a_fraction_of_due_in() -> None:
    terms = SlaTerms.from_config({"due_in": "PT4H", "warn_at": 0.8})
    assert deadlines(T0, terms, CalendarSpec.always()) == (
        T0 + timedelta(hours=3, minutes=12),
        T0 + timedelta(hours=4),
    )


def test_warn_at_as_a_duration() -> None:
    terms = SlaTerms.from_config({"due_in": "P1D", "warn_at": "PT20H"})
    assert deadlines(T0, terms, CalendarSpec.always()) == (T0 + timedelta(hours=20), T0 + timedelta(days=1))


def test_due_in_counts_business_hours_of_the_calendar() -> None:
    office = CalendarSpec(workdays=frozenset(range(5)), day_start=time(9), day_end=time(17))
    terms = SlaTerms.from_config({"due_in": "PT16H", "warn_at": 0.5})
    warn, due = deadlines(T0, terms, office)
    assert warn == datetime(2030, 3, 4, 17, 0, tzinfo=UTC)
    assert due == datetime(2030, 3, 5, 17, 0, tzinfo=UTC)


def test_escalation_settings_are_read() -> None:
    terms = SlaTerms.from_config(
        {
            "due_in": "PT1H",
            "escalate": {"to_groups": ["directors"], "notify": True, "auto_outcome": "rejected"},
        }
    )
    assert terms.escalation.to_groups == ("directors",)
    assert terms.escalation.auto_outcome == "rejected"


@pytest.mark.parametrize("warn", [0, 1, 1.5, True, "soon"])
def test_a_bad_warn_at_is_refused(warn: object) -> None:
    with pytest.raises(ValueError):
        SlaTerms.from_config({"due_in": "PT1H", "warn_at": warn})


def test_phases_follow_the_clock() -> None:
    warn, due = T0 + timedelta(hours=3), T0 + timedelta(hours=4)
    assert sla_phase(T0, warn, due) == "on_track"
    assert sla_phase(warn, warn, due) == "at_risk"
    assert sla_phase(due, warn, due) == "breached"
