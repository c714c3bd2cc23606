# ruff: noqa: S608  (SQL assembled from model metadata: table names; values are parameters)
"""Accept a signal for an instance: the cheap, concurrent half of signal delivery.

`signal_accept` answers a request with two statements and no lock:

1. one read: the instance's status and version, the sender's access rank on its
   definition (the rule of `selectors.definitions.access_rank`), the node ids of its live
   signal steps and, for a signal `id`, a row already received under it;
2. one `INSERT ... ON CONFLICT DO NOTHING` storing the signal `accepted` (the unique
   (instance, signal id) makes two racing requests with one id store it once).

The checks between them: hidden or missing instance 404, viewers 403 (only starters,
editors, owners and staff signal), a repeated `id` answers with the first row
(`duplicate`), and a name no live step waits for is 409 `not_waiting_for_signal` with
nothing stored. After the insert the id goes to `signal_dispatch`, which sends the
accepted ids in batches to a worker (`signal_apply.signals_apply`); a lost message leaves
the row `accepted`, and `signals_apply_pending` picks it up.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any
from uuid import UUID

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.utils import timezone
from rest_framework.exceptions import PermissionDenied

from workflows.models import (
    DefinitionPermission,
    ReceivedSignal,
    StepExecution,
    WorkflowDefinition,
    WorkflowInstance,
)
from workflows.models.signals import SignalStatus
from workflows.runtime.graphs import graph_for_version
from workflows.selectors.definitions import EDITOR, NONE, STARTER, VIEWER
from workflows.waits.errors import NotWaitingForSignal
from workflows.waits.prepared import fetchone_prepared


@dataclass(frozen=True)
class Acceptance:
    """What a request did: the signal row (new and `accepted`, or the earlier one with
    the same id: `duplicate`) and the instance's status when it was accepted."""

    signal: ReceivedSignal
    duplicate: bool
    instance_status: str


@cache
def _sql() -> tuple[str, str]:
    """(read, insert), spelled once per process from the models' tables."""
    instance, definition = WorkflowInstance._meta.db_table, WorkflowDefinition._meta.db_table
    grants, steps = DefinitionPermission._meta.db_table, StepExecution._meta.db_table
    signals, members = ReceivedSignal._meta.db_table, Group.user_set.through._meta.db_table
    read = f"""
        SELECT i.status, i.version_id,
            CASE WHEN %(staff)s OR d.owner_id = %(user)s THEN {EDITOR} ELSE COALESCE((
                SELECT max(CASE g.role WHEN 'editor' THEN {EDITOR} WHEN 'starter' THEN {STARTER}
                                       ELSE {VIEWER} END)
                FROM {grants} g
                WHERE g.definition_id = d.id AND (g.user_id = %(user)s OR g.group_id IN (
                    SELECT m.group_id FROM {members} m WHERE m.user_id = %(user)s))
            ), {NONE}) END,
            ARRAY(SELECT s.node_id FROM {steps} s
                  WHERE s.instance_id = i.id AND s.node_type = 'signal' AND s.status = 'waiting'
                  ORDER BY s.created_at, s.visit),
            (SELECT r.id FROM {signals} r
             WHERE r.instance_id = i.id AND r.signal_id = %(signal_id)s AND %(signal_id)s <> '')
        FROM {instance} i JOIN {definition} d ON d.id = i.definition_id
        WHERE i.id = %(instance)s
    """
    insert = f"""
        INSERT INTO {signals} (instance_id, signal_id, name, payload, status, reason, node_id,
                               sent_by_id, received_at)
        VALUES (%(instance)s, %(signal_id)s, %(name)s, %(payload)s::jsonb, '{SignalStatus.ACCEPTED}', '', '',
                %(user)s, %(now)s)
        ON CONFLICT (instance_id, signal_id) WHERE NOT (signal_id = '') DO NOTHING
        RETURNING id
    """
    return read, insert


def signal_names(version_id: int, node_ids: list[str]) -> dict[str, str | None]:
    """The signal name each of `node_ids` waits for, from the per-process graph cache."""
    graph = graph_for_version(version_id)
    return {node_id: getattr(graph.node(node_id).spec, "name", None) for node_id in node_ids}


def _uuid(value: Any) -> UUID:
    try:
        return value if isinstance(value, UUID) else UUID(str(value))
    except (ValueError, TypeError, AttributeError, ValidationError):
        raise Http404("no such instance") from None


def signal_accept(
    *, instance_id: UUID | str, name: str, payload: Any, signal_id: str, actor: Any, dispatch: bool = True
) -> Acceptance:
    """Store signal `name` for instance `instance_id` if a live step of it waits for that
    name (see the module doc); `name` and `signal_id` are already validated. Autocommit:
    call outside a transaction, or the row is only durable when the caller commits.

    With `dispatch`, the id goes to a worker once stored (after the caller's commit).
    Raises 404 (hidden or missing), 403 (may only view it), 409 not_waiting_for_signal.
    """
    key = _uuid(instance_id)
    user_id = actor.pk if actor is not None and actor.is_authenticated else None
    staff = bool(user_id and actor.is_staff)
    postgres = connection.vendor == "postgresql"
    if postgres:
        read, insert = _sql()
        row = fetchone_prepared(
            read, {"staff": staff, "user": user_id, "signal_id": signal_id, "instance": key}
        )
    else:
        row = _read_portable(key, actor, signal_id)
    if row is None or user_id is None:
        raise Http404("no such instance")
    status, version_id, rank, waiting, earlier = row
    if rank < STARTER:
        if rank >= VIEWER:
            raise PermissionDenied("You may view this instance but not send it signals.")
        raise Http404("no such instance")
    if earlier is not None:
        return Acceptance(_stored(earlier), duplicate=True, instance_status=str(status))
    names = signal_names(version_id, waiting)
    if name not in (names.get(node_id) for node_id in waiting):
        raise NotWaitingForSignal(
            instance_id=key, name=name, status=str(status), waiting_for=[str(names.get(n)) for n in waiting]
        )
    now = timezone.now()
    values = {"instance": key, "signal_id": signal_id, "name": name, "payload": json.dumps(payload),
              "user": user_id, "now": now}  # fmt: skip
    inserted = fetchone_prepared(insert, values) if postgres else _insert_portable(values)
    if inserted is None:  # the same id arrived from another request in between
        earlier = ReceivedSignal.objects.filter(instance_id=key, signal_id=signal_id).values_list(
            "pk", flat=True
        )
        return Acceptance(_stored(earlier.get()), duplicate=True, instance_status=str(status))
    signal = ReceivedSignal(
        id=inserted[0],
        instance_id=key,
        signal_id=signal_id,
        name=name,
        payload=payload,
        status=SignalStatus.ACCEPTED,
        sent_by=actor,
        received_at=now,
    )
    if dispatch:
        from workflows.waits.signal_dispatch import dispatch_after_commit

        dispatch_after_commit(signal.pk)
    return Acceptance(signal, duplicate=False, instance_status=str(status))


def _read_portable(key: UUID, actor: Any, signal_id: str) -> tuple[Any, ...] | None:
    """The read of `_sql` through the ORM, for databases other than PostgreSQL (standalone
    SQLite): a few statements instead of one, the same answers."""
    from workflows.selectors.definitions import access_rank

    instance = WorkflowInstance.objects.select_related("definition").filter(pk=key).first()
    if instance is None or actor is None or not actor.is_authenticated:
        return None
    waiting = list(
        StepExecution.objects.filter(instance_id=key, node_type="signal", status="waiting")
        .order_by("created_at", "visit")
        .values_list("node_id", flat=True)
    )
    earlier = (
        ReceivedSignal.objects.filter(instance_id=key, signal_id=signal_id)
        .values_list("pk", flat=True)
        .first()
        if signal_id
        else None
    )
    return instance.status, instance.version_id, access_rank(actor, instance.definition), waiting, earlier


def _insert_portable(values: dict[str, Any]) -> tuple[int] | None:
    """The INSERT ... ON CONFLICT DO NOTHING of `_sql` through the ORM: None when the
    signal id is already stored for the instance."""
    try:
        with transaction.atomic():
            stored = ReceivedSignal.objects.create(
                instance_id=values["instance"],
                signal_id=values["signal_id"],
                name=values["name"],
                payload=json.loads(values["payload"]),
                status=SignalStatus.ACCEPTED,
                sent_by_id=values["user"],
                received_at=values["now"],
            )
    except IntegrityError:
        return None
    return (stored.pk,)


def _stored(pk: int) -> ReceivedSignal:
    return ReceivedSignal.objects.select_related("sent_by").get(pk=pk)
