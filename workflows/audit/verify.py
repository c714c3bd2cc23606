"""Check the execution event chains: every instance's events numbered 1..last_seq, each
sealed over its content and linked to the hash of the one before.

The checks run in the database, a batch of instances per query, with the same digest the
sealing trigger used (workflows.audit.sql), so a verification of millions of events
streams through in a few statements and never loads events into Python.

A chain is broken when an event was edited (its hash no longer matches its content), an
event was removed or inserted out of order (a gap in the numbers, or a link to the wrong
hash), a hash was rewritten (the next event's link no longer matches), or events were cut
off the end (the instance's `last_seq` is beyond its last event). Then each keyed seal
(workflows.audit.seals) is checked: a chain rewritten from end to end, every hash
recomputed, still no longer ends in the hash its seal was made over.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db import connection

from workflows.audit.seals import seals_verify
from workflows.audit.sql import PG_DIGEST_OF_ROW, SQLITE_DIGEST_OF_ROW, TABLE
from workflows.models import WorkflowInstance

BATCH = 2000


@dataclass(frozen=True)
class BrokenLink:
    """The first broken link of one instance's chain."""

    instance_id: str
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"instance {self.instance_id}, event {self.seq}: {self.reason}"


@dataclass
class AuditReport:
    instances: int = 0
    events: int = 0
    seals: int = 0
    broken: list[BrokenLink] | None = None

    @property
    def ok(self) -> bool:
        return not self.broken

    @property
    def first(self) -> BrokenLink | None:
        return self.broken[0] if self.broken else None


def _digest_sql() -> str:
    template = PG_DIGEST_OF_ROW if connection.vendor == "postgresql" else SQLITE_DIGEST_OF_ROW
    return template.format(p="")


def _where(count: int, *, ranged: bool) -> str:
    """The batch's events: an index range between its first and last instance id (every
    instance is checked in id order, so the range holds exactly the batch), or an IN list
    for instances named one by one. A long IN list would make PostgreSQL scan the table."""
    if ranged:
        return "instance_id >= %s AND instance_id <= %s"
    return "instance_id IN (" + ", ".join(["%s"] * count) + ")"


def _check_sql(where: str) -> str:
    """Each event's position, link and seal; rows where any of them is wrong, in order."""
    return f"""
        SELECT instance_id, seq, position, link_ok, seal_ok FROM (
            SELECT instance_id, seq,
                   ROW_NUMBER() OVER w AS position,
                   (prev_hash = COALESCE(LAG(hash) OVER w, '')) AS link_ok,
                   (hash = {_digest_sql()}) AS seal_ok
            FROM {TABLE} WHERE {where}
            WINDOW w AS (PARTITION BY instance_id ORDER BY seq)
        ) checked
        WHERE seq <> position OR NOT link_ok OR NOT seal_ok
        ORDER BY instance_id, seq
    """  # noqa: S608 (no user text: table name and placeholders only)


def _tails_sql(where: str) -> str:
    return f"""
        SELECT instance_id, MAX(seq), COUNT(*) FROM {TABLE} WHERE {where} GROUP BY instance_id
    """  # noqa: S608


def _reason(seq: int, position: int, link_ok: bool, seal_ok: bool) -> str:
    if seq != position:
        if seq > position:
            return f"event {position} is missing (the next one found is {seq})"
        return f"event number {seq} appears out of order (expected {position})"
    if not seal_ok:
        return "its content does not match its hash (the event was edited)"
    if not link_ok:
        return "it is not linked to the hash of the event before it (a hash was rewritten)"
    return "broken"


def _batches(instance_ids: list[str] | None, batch: int) -> Iterator[list[tuple[Any, int]]]:
    """(instance id, last_seq) pairs in keyset batches by id."""
    queryset = WorkflowInstance.objects.order_by("pk").values_list("pk", "last_seq")
    if instance_ids is not None:
        queryset = queryset.filter(pk__in=instance_ids)
    last: UUID | None = None
    while True:
        page = queryset.filter(pk__gt=last) if last is not None else queryset
        rows = list(page[:batch])
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def audit_verify(
    *, instance_ids: list[str] | None = None, batch: int = BATCH, stop_at_first: bool = False
) -> AuditReport:
    """Verify the chains of every instance (or of `instance_ids`); report each broken
    chain's first broken link, in instance id order."""
    report = AuditReport(broken=[])
    pk_field = WorkflowInstance._meta.pk
    assert report.broken is not None
    with connection.cursor() as cursor:
        for rows in _batches(instance_ids, batch):
            keys = [pk_field.get_db_prep_value(pk, connection) for pk, _ in rows]
            report.instances += len(rows)
            ranged = instance_ids is None
            where = _where(len(keys), ranged=ranged)
            if ranged:
                keys = [keys[0], keys[-1]]
            cursor.execute(_tails_sql(where), keys)
            tails = {str(_uuid(row[0])): (int(row[1]), int(row[2])) for row in cursor.fetchall()}
            report.events += sum(count for _, count in tails.values())
            cursor.execute(_check_sql(where), keys)
            first: dict[str, BrokenLink] = {}
            for instance_id, seq, position, link_ok, seal_ok in cursor.fetchall():
                key = str(_uuid(instance_id))
                if key not in first:
                    first[key] = BrokenLink(
                        key, int(seq), _reason(int(seq), int(position), bool(link_ok), bool(seal_ok))
                    )
            for pk, last_seq in rows:
                key = str(pk)
                top = tails.get(key, (0, 0))[0]
                if key not in first and last_seq > top:
                    first[key] = BrokenLink(
                        key, top + 1, f"events {top + 1}..{last_seq} are missing (cut off the end)"
                    )
                if key in first:
                    report.broken.append(first[key])
            if stop_at_first and report.broken:
                return report
    report.seals, broken_seals = seals_verify(instance_ids=instance_ids)
    already = {link.instance_id for link in report.broken}
    report.broken += [
        BrokenLink(seal.instance_id, seal.seq, seal.reason)
        for seal in broken_seals
        if seal.instance_id not in already
    ]
    return report


def _uuid(value: Any) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))
