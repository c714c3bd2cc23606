"""The instance list's filters and its keyset pagination.

The list never counts its rows: with millions of instances a COUNT(*) would cost more
than the page. Pages are cut by a cursor, the (created_at, id) of the last row shown,
so every page is an index range scan of `wf_instance_created` (or of the
definition/status/starter indexes when filtered), however deep.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from workflows.models import InstanceStatus, WorkflowInstance
from workflows.selectors.instances import instance_list

PAGE_SIZE = 50
MAX_Q = 200


@dataclass(frozen=True)
class Cursor:
    created_at: datetime
    pk: uuid.UUID

    def encode(self) -> str:
        raw = f"{self.created_at.isoformat()}|{self.pk}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor | None:
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
            stamp, pk = raw.split("|", 1)
            when = parse_datetime(stamp)
            return cls(when, uuid.UUID(pk)) if when is not None else None
        except (ValueError, binascii.Error, UnicodeDecodeError):
            return None

    @classmethod
    def of(cls, instance: WorkflowInstance) -> Cursor:
        return cls(instance.created_at, instance.pk)


@dataclass
class InstanceFilters:
    definition: str = ""
    status: str = ""
    started_by: str = ""
    created_after: str = ""
    created_before: str = ""
    q: str = ""
    errors: list[str] = field(default_factory=list)

    @classmethod
    def parse(cls, params: QueryDict) -> InstanceFilters:
        found = cls(
            definition=params.get("definition", "").strip()[:100],
            status=params.get("status", "").strip(),
            started_by=params.get("started_by", "").strip()[:150],
            created_after=params.get("created_after", "").strip(),
            created_before=params.get("created_before", "").strip(),
            q=params.get("q", "").strip()[:MAX_Q],
        )
        if found.status and found.status not in InstanceStatus.values:
            found.errors.append(f"Unknown status {found.status!r}.")
            found.status = ""
        for name in ("created_after", "created_before"):
            if getattr(found, name) and _day(getattr(found, name), end=False) is None:
                found.errors.append(f"{name.replace('_', ' ').capitalize()} must be a date (YYYY-MM-DD).")
                setattr(found, name, "")
        return found

    def as_query(self) -> dict[str, str]:
        return {
            name: value
            for name in ("definition", "status", "started_by", "created_after", "created_before", "q")
            if (value := getattr(self, name))
        }

    def queryset(self, user: Any) -> QuerySet[WorkflowInstance]:
        after = _day(self.created_after, end=False) if self.created_after else None
        before = _day(self.created_before, end=True) if self.created_before else None
        queryset = instance_list(
            user=user,
            definition=self.definition or None,
            status=self.status or None,
            started_by=self.started_by or None,
            created_after=after,
            created_before=before,
        )
        return _search(queryset, self.q) if self.q else queryset


def _day(text: str, *, end: bool) -> datetime | None:
    """A date as the start of that day (or of the next day, for an exclusive end)."""
    day = parse_date(text) if len(text) == 10 else None
    if day is None:
        return None
    moment = datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())
    return moment + timedelta(days=1) if end else moment


def _search(queryset: QuerySet[WorkflowInstance], q: str) -> QuerySet[WorkflowInstance]:
    """Business key (exact, or a prefix with a trailing `*`), or an instance id."""
    try:
        return queryset.filter(pk=uuid.UUID(q))
    except ValueError:
        pass
    if q.endswith("*") and len(q) > 1:
        # `<> ''` lets PostgreSQL use the partial prefix index (it cannot infer it from LIKE).
        return queryset.filter(business_key__startswith=q[:-1]).exclude(business_key="")
    return queryset.filter(business_key=q)


@dataclass
class Page:
    rows: list[WorkflowInstance]
    older: str | None  # cursor of the next (older) page
    newer: str | None  # cursor of the previous (newer) page
    first: bool


def page_of(queryset: QuerySet[WorkflowInstance], *, older_than: str = "", newer_than: str = "") -> Page:
    """One page, newest first, before `older_than` or after `newer_than` (cursors)."""
    if newer_than and (cursor := Cursor.decode(newer_than)) is not None:
        newer_q = Q(created_at__gt=cursor.created_at) | Q(created_at=cursor.created_at, pk__gt=cursor.pk)
        newer = queryset.filter(newer_q, created_at__gte=cursor.created_at)
        chunk = list(newer.order_by("created_at", "id")[: PAGE_SIZE + 1])
        more_newer = len(chunk) > PAGE_SIZE
        rows = list(reversed(chunk[:PAGE_SIZE]))
        return Page(
            rows=rows,
            older=Cursor.of(rows[-1]).encode() if rows else None,
            newer=Cursor.of(rows[0]).encode() if rows and more_newer else None,
            first=not more_newer,
        )
    cursor = Cursor.decode(older_than) if older_than else None
    if cursor is not None:
        older_q = Q(created_at__lt=cursor.created_at) | Q(created_at=cursor.created_at, pk__lt=cursor.pk)
        # The plain bound makes the OR an index range scan starting at the cursor.
        queryset = queryset.filter(older_q, created_at__lte=cursor.created_at)
    chunk = list(queryset.order_by("-created_at", "-id")[: PAGE_SIZE + 1])
    rows = chunk[:PAGE_SIZE]
    return Page(
        rows=rows,
        older=Cursor.of(rows[-1]).encode() if len(chunk) > PAGE_SIZE else None,
        newer=Cursor.of(rows[0]).encode() if rows and cursor is not None else None,
        first=cursor is None,
    )
