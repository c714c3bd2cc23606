"""Disarm durable waits whose step no longer waits.

Timer rows, signal timeouts and retry waits are the adapter's `DueWait` rows (armed by
the applier, fired by workflows.services.timers). When a step is cancelled (its
instance cancelled or failed) or resumed early (a signal arrived before its timeout),
its unfired rows are deleted here, in the same transaction, so beat never claims them.
Firing one anyway would be harmless (the engine ignores events for steps that are not
live); disarming keeps the due-row table to what is really pending.

Suspension holds rather than disarms: workflows.services.timers leaves the timer-like
waits of a suspended instance unclaimed, and they fire on the first beat after resume.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from workflows.models import DueWait


def waits_disarm(*, step_ids: Iterable[Any]) -> int:
    """Delete the unfired waits of `step_ids`; return how many. Precondition: the steps'
    instance row is locked (the caller is applying an event to it)."""
    ids = [str(step_id) for step_id in step_ids]
    if not ids:
        return 0
    deleted, _ = DueWait.objects.filter(step_id__in=ids, fired_at__isnull=True).delete()
    return deleted
