"""Gauges read from the database at scrape time: the same answer from every process.

A handful of grouped counts (instances by status, steps in flight by status, open
approval tasks by state, open SLA records by state, the age of the oldest queued step),
cached for FLOWDESK_METRICS_CACHE_SECONDS per process so several scrapers or a tight
scrape interval do not turn into load.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector


@dataclass
class Snapshot:
    instances: dict[str, int] = field(default_factory=dict)
    steps: dict[str, int] = field(default_factory=dict)
    approvals: dict[str, int] = field(default_factory=dict)
    sla: dict[str, int] = field(default_factory=dict)
    oldest_queued_seconds: float = 0.0
    took_seconds: float = 0.0


def read_snapshot() -> Snapshot:
    from approvals.models import LIVE_STATES, ApprovalTask
    from approvals.models.sla import OPEN_SLA_STATES, SlaRecord
    from workflows.models import InstanceStatus, StepExecution, StepStatus, WorkflowInstance
    from workflows.models.steps import LIVE_STATUSES

    started = time.perf_counter()
    snap = Snapshot()
    snap.instances = dict.fromkeys(InstanceStatus.values, 0)
    for row in WorkflowInstance.objects.order_by().values("status").annotate(n=Count("pk")):
        snap.instances[row["status"]] = row["n"]
    snap.steps = {str(status): 0 for status in LIVE_STATUSES}
    live = StepExecution.objects.filter(status__in=LIVE_STATUSES).order_by()
    for row in live.values("status").annotate(n=Count("pk")):
        snap.steps[row["status"]] = row["n"]
    snap.approvals = {str(state): 0 for state in LIVE_STATES}
    open_tasks = ApprovalTask.objects.filter(state__in=LIVE_STATES).order_by()
    for row in open_tasks.values("state").annotate(n=Count("pk")):
        snap.approvals[row["state"]] = row["n"]
    snap.sla = {str(state): 0 for state in OPEN_SLA_STATES}
    open_sla = SlaRecord.objects.filter(state__in=OPEN_SLA_STATES).order_by()
    for row in open_sla.values("state").annotate(n=Count("pk")):
        snap.sla[row["state"]] = row["n"]
    oldest = StepExecution.objects.filter(status=StepStatus.SCHEDULED, dispatched_at__isnull=False).aggregate(
        oldest=Min("dispatched_at")
    )["oldest"]
    if oldest is not None:
        snap.oldest_queued_seconds = max(0.0, (timezone.now() - oldest).total_seconds())
    snap.took_seconds = time.perf_counter() - started
    return snap


class DatabaseCollector(Collector):
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cached: tuple[float, Snapshot] | None = None

    def snapshot(self) -> Snapshot:
        ttl = float(getattr(settings, "FLOWDESK_METRICS_CACHE_SECONDS", 5.0))
        with self._lock:
            if self._cached is None or time.monotonic() - self._cached[0] > ttl:
                self._cached = (time.monotonic(), read_snapshot())
            return self._cached[1]

    def collect(self) -> Iterator[Any]:
        snap = self.snapshot()
        yield _by_label("flowdesk_instances", "Instances by status", "status", snap.instances)
        yield _by_label("flowdesk_steps_in_flight", "Steps not finished yet, by status", "status", snap.steps)
        yield _by_label(
            "flowdesk_approvals_open", "Approval tasks waiting for a decision, by state", "state",
            snap.approvals,
        )  # fmt: skip
        yield _by_label("flowdesk_sla_open", "Open SLA records, by state", "state", snap.sla)
        breaches = GaugeMetricFamily("flowdesk_sla_breaches", "Open approval tasks whose SLA is breached")
        breaches.add_metric([], snap.sla.get("breached", 0))
        yield breaches
        oldest = GaugeMetricFamily(
            "flowdesk_oldest_queued_step_seconds",
            "Age of the oldest step sent to the queue and not started yet (0: none)",
        )
        oldest.add_metric([], snap.oldest_queued_seconds)
        yield oldest
        took = GaugeMetricFamily(
            "flowdesk_metrics_database_read_seconds", "Time the last database read for /metrics took"
        )
        took.add_metric([], snap.took_seconds)
        yield took


def _by_label(name: str, documentation: str, label: str, values: dict[str, int]) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, documentation, labels=[label])
    for key, value in sorted(values.items()):
        family.add_metric([key], value)
    return family


collector = DatabaseCollector()
