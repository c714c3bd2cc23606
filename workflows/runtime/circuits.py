"""The circuit breaker per action, as workers use it.

Each process keeps a snapshot of the circuits that are not plainly closed (open,
half-open, or with failures counted), refreshed every FLOWDESK_CIRCUIT_CACHE_SECONDS:
on the happy path (closed, no failures) gating and recording a success cost no query.
Failures and probes lock the circuit row in their own short transaction, never while
an instance row is locked (circuit rows are outside the instance lock order).

Counted as failures: retryable errors, timeouts and unexpected exceptions. A
FatalError (bad params, a 4xx) says the call was wrong, not that the service is down.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from workflows.models import ActionCircuit, CircuitState

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CircuitView:
    state: str
    failures: int
    open_until: datetime | None
    probe_started_at: datetime | None


_lock = threading.Lock()
_views: dict[str, CircuitView] = {}
_loaded_at = float("-inf")
_loaded_pid = 0


def enabled() -> bool:
    return settings.FLOWDESK_CIRCUIT_FAILURE_THRESHOLD > 0


def _cooldown() -> timedelta:
    return timedelta(seconds=settings.FLOWDESK_CIRCUIT_COOLDOWN_SECONDS)


def _view(row: ActionCircuit) -> CircuitView:
    return CircuitView(row.state, row.consecutive_failures, row.open_until, row.probe_started_at)


def snapshot() -> dict[str, CircuitView]:
    """The circuits that are not plainly closed (cached; at most one query a cache interval)."""
    global _loaded_at, _loaded_pid, _views
    fresh = time.monotonic() - _loaded_at < settings.FLOWDESK_CIRCUIT_CACHE_SECONDS
    if fresh and _loaded_pid == os.getpid():
        return _views
    rows = ActionCircuit.objects.filter(~Q(state=CircuitState.CLOSED) | Q(consecutive_failures__gt=0))
    views = {row.action: _view(row) for row in rows}
    with _lock:
        _views, _loaded_at, _loaded_pid = views, time.monotonic(), os.getpid()
    return views


def _remember(row: ActionCircuit) -> None:
    global _views
    with _lock:
        views = dict(_views)
        if row.state == CircuitState.CLOSED and row.consecutive_failures == 0:
            views.pop(row.action, None)
        else:
            views[row.action] = _view(row)
        _views = views


def forget_cache() -> None:
    """Drop the snapshot (tests; an operator reset in this process)."""
    global _loaded_at
    with _lock:
        _loaded_at = float("-inf")


def is_closed(action: str) -> bool:
    """Whether calls of `action` go through without asking (cached view)."""
    if not enabled():
        return True
    view = snapshot().get(action)
    return view is None or view.state == CircuitState.CLOSED


def gate(action: str, *, now: datetime | None = None) -> datetime | None:
    """None when a call of `action` may run now, else when to try again.

    An open circuit whose cool-down is over lets exactly one caller through as the
    probe (half-open); a probe lost for a whole cool-down is replaced.
    """
    if is_closed(action):
        return None
    now = now or timezone.now()
    view = snapshot()[action]
    if view.state == CircuitState.OPEN and view.open_until is not None and view.open_until > now:
        return view.open_until
    with transaction.atomic():
        row = ActionCircuit.objects.select_for_update().filter(action=action).first()
        if row is None or row.state == CircuitState.CLOSED:
            return None
        if row.state == CircuitState.OPEN and row.open_until is not None and row.open_until > now:
            _remember(row)
            return row.open_until
        probe_lost = row.probe_started_at is None or row.probe_started_at + _cooldown() <= now
        if row.state == CircuitState.OPEN or probe_lost:
            row.probe(now=now)
            row.save()
            _remember(row)
            return None
        _remember(row)
        return row.probe_started_at + _cooldown()


def record_success(action: str) -> None:
    """Close the circuit of `action` if it counted failures (no query otherwise)."""
    if not enabled() or action not in snapshot():
        return
    with transaction.atomic():
        row = ActionCircuit.objects.select_for_update().filter(action=action).first()
        if row is not None and (row.state != CircuitState.CLOSED or row.consecutive_failures):
            if row.state != CircuitState.CLOSED:
                logger.warning("circuit of %s closed: a call succeeded", action)
            row.close(now=timezone.now())
            row.save()
        if row is not None:
            _remember(row)


def record_failure(action: str, message: str) -> None:
    """Count a failure of `action`; open its circuit at the threshold or when the probe failed."""
    if not enabled():
        return
    now = timezone.now()
    with transaction.atomic():
        row, _ = ActionCircuit.objects.select_for_update().get_or_create(action=action)
        row.consecutive_failures += 1
        row.last_error = message[:2000]
        row.updated_at = now
        if row.state == CircuitState.HALF_OPEN or (
            row.state == CircuitState.CLOSED
            and row.consecutive_failures >= settings.FLOWDESK_CIRCUIT_FAILURE_THRESHOLD
        ):
            row.trip(now=now, until=now + _cooldown())
            logger.warning(
                "circuit of %s opened after %d failures in a row, until %s: %s",
                action, row.consecutive_failures, row.open_until, row.last_error[:200],
            )  # fmt: skip
        row.save()
        _remember(row)


def circuit_reset(*, action: str) -> ActionCircuit | None:
    """Close the circuit of `action` now (an operator's reset). Returns the row, if any."""
    with transaction.atomic():
        row = ActionCircuit.objects.select_for_update().filter(action=action).first()
        if row is not None:
            row.close(now=timezone.now())
            row.save()
            logger.warning("circuit of %s reset by an operator", action)
    forget_cache()
    return row
