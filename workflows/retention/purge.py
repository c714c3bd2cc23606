"""Archive or delete finished instances older than the retention period, in small batches.

Each batch is its own short transaction: it locks up to `batch` finished instances
(`FOR UPDATE SKIP LOCKED`, so it never waits on a row someone else holds, and two
purges never take the same rows), writes them to the archive (mode `archive`; the file
is fsynced before the delete commits), and deletes them with everything that belongs to
them (steps, events, waits, approvals, SLA records). Running, suspended and compensating
instances are never touched, nor are instances whose child instances still exist (a
child goes first). Nothing else is locked, so running work carries on meanwhile.

An archive line may exist for an instance whose delete then rolled back (a crash
between fsync and commit); the next run archives it again, so readers should keep the
last line per instance id.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from workflows.models import WorkflowInstance
from workflows.models.instances import FINISHED_STATUSES
from workflows.retention.archive import append_lines, archive_documents

logger = logging.getLogger(__name__)
MODES = ("archive", "delete")


@dataclass
class PurgeReport:
    cutoff: datetime
    mode: str
    purged: int = 0
    batches: int = 0
    archive: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"cutoff": self.cutoff.isoformat(), "mode": self.mode, "purged": self.purged,
                "batches": self.batches, "archive": self.archive}  # fmt: skip


def purgeable(cutoff: datetime) -> Any:
    """Finished instances that ended before `cutoff` and have no child instances left."""
    children = WorkflowInstance.objects.filter(parent_id=OuterRef("pk"))
    return (
        WorkflowInstance.objects.filter(status__in=FINISHED_STATUSES, finished_at__lt=cutoff)
        .filter(~Exists(children))
        .order_by("finished_at", "pk")
    )


def instances_purge(
    *,
    days: int,
    mode: str = "archive",
    batch: int = 200,
    archive_dir: Path | None = None,
    max_batches: int | None = None,
    pause: float = 0.0,
    now: datetime | None = None,
) -> PurgeReport:
    """Purge finished instances that ended more than `days` days ago. Returns what it did."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}")
    if days < 0 or batch < 1:
        raise ValueError("days must be >= 0 and batch >= 1")
    now = now or timezone.now()
    report = PurgeReport(cutoff=now - timedelta(days=days), mode=mode)
    path: Path | None = None
    if mode == "archive":
        directory = Path(archive_dir or settings.FLOWDESK_RETENTION_ARCHIVE_DIR)
        path = directory / f"instances-{now:%Y%m%dT%H%M%S}-{os.getpid()}.jsonl"
        report.archive = str(path)
    while max_batches is None or report.batches < max_batches:
        done = _purge_batch(report.cutoff, batch, path, now)
        if done == 0:
            break
        report.purged += done
        report.batches += 1
        if pause:
            time.sleep(pause)
    if report.purged:
        logger.info(
            "retention: purged %d instance(s) ended before %s (%s)", report.purged, report.cutoff, mode
        )
    elif path is not None:
        report.archive = None
    return report


def _purge_batch(cutoff: datetime, batch: int, path: Path | None, now: datetime) -> int:
    with transaction.atomic():
        ids = list(
            purgeable(cutoff)
            .select_for_update(skip_locked=True, of=("self",))
            .values_list("pk", flat=True)[:batch]
        )
        if not ids:
            return 0
        if path is not None:
            append_lines(path, archive_documents(ids, now=now))
        WorkflowInstance.objects.filter(pk__in=ids).delete()
        return len(ids)
