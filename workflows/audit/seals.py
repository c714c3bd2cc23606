# ruff: noqa: S608  (SQL built from model table names; values are parameters)
"""Keyed seals: what an attacker who can write the database cannot forge.

The event chain (workflows.audit.sql) is sealed by the database with an unkeyed digest:
it shows any edit, removal or reordering, but someone with write access to the table
could rewrite an event and then recompute every later hash. Seals close that gap for
finished instances: beat (`workflows.audit_seal`) records, for each instance that has
finished, an HMAC-SHA256 under `FLOWDESK_AUDIT_KEY` (held by the application, not the
database) over the instance id, its last event number and that event's hash.
`verify_audit` recomputes each seal and compares the chain's current tail with it, so a
rewritten chain no longer matches its seal and a forged seal no longer matches its MAC.

An instance that moves again after it finished (an operator retries a failed one) is
sealed again, at its new last event, when it finishes again; the old prefix stays covered
because the new tail's hash chains back through it.

Sealing walks instances by `finished_at` from a watermark (the latest sealed
`finished_at` minus `OVERLAP`), so each run reads only what finished since; instances are
sealed once they have been finished for `SETTLE` (their last events are committed).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from workflows.models import AuditSeal, ExecutionEvent, WorkflowInstance

SEAL_TAG = "flowdesk.seal.v1"
OVERLAP = timedelta(minutes=5)
SETTLE = timedelta(seconds=10)


def seal_mac(instance_id: Any, last_seq: int, tail_hash: str) -> str:
    """The seal's HMAC over one chain tail (hex)."""
    message = f"{SEAL_TAG}\n{instance_id}\n{last_seq}\n{tail_hash}".encode()
    return hmac.new(settings.FLOWDESK_AUDIT_KEY.encode(), message, hashlib.sha256).hexdigest()


def _tables() -> tuple[str, str, str]:
    return (
        WorkflowInstance._meta.db_table,
        ExecutionEvent._meta.db_table,
        AuditSeal._meta.db_table,
    )


def seal_finished(*, batch: int = 1000, max_batches: int = 50, now: datetime | None = None) -> int:
    """Seal the instances that finished since the watermark (or moved on since their seal);
    return how many seals were written."""
    now = now or timezone.now()
    latest = AuditSeal.objects.aggregate(latest=Max("finished_at"))["latest"]
    since = (latest - OVERLAP) if latest is not None else None
    instances, events, seals = _tables()
    written = 0
    for _ in range(max_batches):
        where = "i.finished_at IS NOT NULL AND i.finished_at < %s"
        params: list[Any] = [now - SETTLE]
        if since is not None:
            where += " AND i.finished_at >= %s"
            params.append(since)
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT i.id, i.last_seq, e.hash, i.finished_at FROM {instances} i
                JOIN {events} e ON e.instance_id = i.id AND e.seq = i.last_seq
                LEFT JOIN {seals} s ON s.instance_id = i.id
                WHERE {where} AND (s.instance_id IS NULL OR s.last_seq <> i.last_seq)
                ORDER BY i.finished_at, i.id
                LIMIT %s
                """,
                [*params, batch],
            )
            rows = cursor.fetchall()
        if not rows:
            break
        _write(rows, now)
        written += len(rows)
        since = _aware(rows[-1][3])
        if len(rows) < batch:
            break
    return written


def _write(rows: list[tuple[Any, ...]], now: datetime) -> None:
    seals = [
        AuditSeal(
            instance_id=instance_id,
            last_seq=int(last_seq),
            tail_hash=tail_hash,
            mac=seal_mac(_uuid_text(instance_id), int(last_seq), tail_hash),
            finished_at=_aware(finished_at),
            sealed_at=now,
        )
        for instance_id, last_seq, tail_hash, finished_at in rows
    ]
    with transaction.atomic():
        AuditSeal.objects.bulk_create(
            seals,
            update_conflicts=True,
            unique_fields=["instance"],
            update_fields=["last_seq", "tail_hash", "mac", "finished_at", "sealed_at"],
        )


@dataclass(frozen=True)
class BrokenSeal:
    instance_id: str
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"instance {self.instance_id}, event {self.seq}: {self.reason}"


def seals_verify(*, instance_ids: list[str] | None = None, batch: int = 2000) -> tuple[int, list[BrokenSeal]]:
    """Check every seal (or those of `instance_ids`): its MAC, and the chain's current hash
    at the sealed event. Returns (seals checked, broken seals)."""
    _, events, seals = _tables()
    checked, broken = 0, []
    last: Any = None
    while True:
        where, params = [], []
        if instance_ids is not None:
            where.append("s.instance_id IN (" + ", ".join(["%s"] * len(instance_ids)) + ")")
            params.extend(_db_uuid(i) for i in instance_ids)
        if last is not None:
            where.append("s.instance_id > %s")
            params.append(last)
        clause = ("WHERE " + " AND ".join(where)) if where else ""
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT s.instance_id, s.last_seq, s.tail_hash, s.mac, e.hash FROM {seals} s
                LEFT JOIN {events} e ON e.instance_id = s.instance_id AND e.seq = s.last_seq
                {clause} ORDER BY s.instance_id LIMIT %s
                """,
                [*params, batch],
            )
            rows = cursor.fetchall()
        for instance_id, last_seq, tail_hash, mac, current in rows:
            key = _uuid_text(instance_id)
            if not hmac.compare_digest(mac, seal_mac(key, int(last_seq), tail_hash)):
                broken.append(
                    BrokenSeal(key, int(last_seq), "its seal does not match (the seal was forged or edited)")
                )
            elif current is None:
                broken.append(
                    BrokenSeal(key, int(last_seq), "the sealed event is gone (events were removed)")
                )
            elif not hmac.compare_digest(current, tail_hash):
                broken.append(
                    BrokenSeal(
                        key, int(last_seq), "the chain no longer ends in the sealed hash (it was rewritten)"
                    )
                )
        checked += len(rows)
        if len(rows) < batch:
            return checked, broken
        last = rows[-1][0]


def _aware(value: Any) -> datetime:
    """A raw cursor's timestamp as an aware datetime (SQLite hands back naive UTC)."""
    if isinstance(value, str):
        from django.utils.dateparse import parse_datetime

        value = parse_datetime(value)
    return value if timezone.is_aware(value) else timezone.make_aware(value, UTC)


def _uuid_text(value: Any) -> str:
    from uuid import UUID

    return str(value if isinstance(value, UUID) else UUID(str(value)))


def _db_uuid(value: str) -> Any:
    return WorkflowInstance._meta.pk.get_db_prep_value(value, connection)
