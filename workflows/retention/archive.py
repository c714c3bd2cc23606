"""The archive format: one JSON object per line per purged instance.

{"format": "flowdesk.instance-archive/v1", "archived_at": ..., "instance": {...},
 "steps": [...], "events": [...] (with their `prev_hash` and `hash`, so a chain can be
 verified from the archive), "approvals": {"requests": [...], "tasks": [...],
 "decisions": [...]}}. Columns are written as stored (foreign keys as ids).
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import F, Model

FORMAT = "flowdesk.instance-archive/v1"


def _rows(model: type[Model], **filters: Any) -> list[dict[str, Any]]:
    fields = [field.attname for field in model._meta.concrete_fields]
    return list(model.objects.filter(**filters).order_by("pk").values(*fields))


def _grouped(rows: Iterable[dict[str, Any]], key: str) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[str(row[key])].append(row)
    return grouped


def archive_documents(instance_ids: Sequence[Any], *, now: datetime) -> list[dict[str, Any]]:
    """The archive document of each instance (a few queries for the whole batch)."""
    from approvals.models import ApprovalRequest, ApprovalTask, Decision
    from workflows.models import ExecutionEvent, StepExecution, WorkflowInstance

    instances = _rows(WorkflowInstance, pk__in=instance_ids)
    steps = _grouped(_rows(StepExecution, instance_id__in=instance_ids), "instance_id")
    events = _grouped(
        sorted(_rows(ExecutionEvent, instance_id__in=instance_ids), key=lambda r: r["seq"]), "instance_id"
    )
    requests = _grouped(_rows(ApprovalRequest, instance_id__in=instance_ids), "instance_id")
    tasks = _grouped(_rows(ApprovalTask, instance_id__in=instance_ids), "instance_id")
    decision_fields = [field.attname for field in Decision._meta.concrete_fields]
    decision_rows = Decision.objects.filter(request__instance_id__in=instance_ids).order_by("pk")
    decisions = _grouped(
        decision_rows.values(*decision_fields, instance_id=F("request__instance_id")), "instance_id"
    )
    documents = []
    for instance in instances:
        key = str(instance["id"])
        documents.append(
            {
                "format": FORMAT,
                "archived_at": now,
                "instance": instance,
                "steps": steps.get(key, []),
                "events": events.get(key, []),
                "approvals": {
                    "requests": requests.get(key, []),
                    "tasks": tasks.get(key, []),
                    "decisions": decisions.get(key, []),
                },
            }
        )
    return documents


def append_lines(path: Path, documents: Sequence[dict[str, Any]]) -> None:
    """Append one line per document and make it durable (fsync) before returning."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        for document in documents:
            out.write(json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True))
            out.write("\n")
        out.flush()
        os.fsync(out.fileno())
