# ruff: noqa: S608  (SQL assembled from model metadata: quoted table and column names; values are parameters)
"""Load an instance's engine state from its rows (no history replay).

Locking policy (see workflows.services.instances): the instance row is locked first
(`SELECT ... FOR UPDATE`), then its steps are read. Steps are never locked before
their instance.
"""

from __future__ import annotations

from functools import cache
from typing import Any
from uuid import UUID

from django.contrib.auth import get_user_model
from django.db import connection

from workflows.engine import ErrorInfo, InstanceInfo, InstanceState, StepState
from workflows.engine import InstanceStatus as CoreInstanceStatus
from workflows.engine import StepStatus as CoreStepStatus
from workflows.engine.state import CompensationRecord, CompensationState
from workflows.models import InstanceStatus, StepExecution, StepStatus, WorkflowDefinition, WorkflowInstance
from workflows.models.steps import LIVE_STATUSES
from workflows.runtime.rows import Columns, column, table

LOADED_STATUSES = (*LIVE_STATUSES, StepStatus.COMPENSATING)
"""Step rows loaded with the instance: the live ones and the compensation in flight."""


def lock_instance(instance_id: UUID | str) -> WorkflowInstance:
    """Lock and return the instance row (with its definition and starter, not locked).
    Raises WorkflowInstance.DoesNotExist. The definition's draft `graph` is not read
    (deferred: it loads if something asks for it; instances run their pinned version)."""
    if connection.vendor != "postgresql":
        return (
            WorkflowInstance.objects.select_for_update(of=("self",))
            .select_related("definition", "started_by")
            .defer("definition__graph")
            .get(pk=instance_id)
        )
    sql = _sql()
    instance_key = WorkflowInstance._meta.pk.get_db_prep_value(instance_id, connection=connection)
    with connection.cursor() as cursor:
        cursor.execute(sql.lock, [instance_key])
        row = cursor.fetchone()
    if row is None:
        raise WorkflowInstance.DoesNotExist("WorkflowInstance matching query does not exist.")
    instance = sql.instance.build(row)
    definition = sql.definition.build(row, sql.instance.width)
    user_start = sql.instance.width + sql.definition.width
    user = sql.user.build(row, user_start) if row[user_start] is not None else None
    WorkflowInstance._meta.get_field("definition").set_cached_value(instance, definition)
    WorkflowInstance._meta.get_field("started_by").set_cached_value(instance, user)
    return instance  # type: ignore[return-value]


def load_steps(instance: WorkflowInstance) -> dict[str, StepExecution]:
    """The instance's live steps (and the one being compensated), by step id, in creation
    order. One query. Precondition: the instance row is locked."""
    if connection.vendor != "postgresql":
        rows = StepExecution.objects.filter(instance_id=instance.pk, status__in=LOADED_STATUSES)
        return {str(row.id): row for row in rows}
    sql = _sql()
    with connection.cursor() as cursor:
        cursor.execute(sql.steps_text, [instance.pk, *(str(status) for status in LOADED_STATUSES)])
        rows = cursor.fetchall()
    steps = {}
    for row in rows:
        step = sql.steps.build(row)
        steps[str(step.pk)] = step
    return steps  # type: ignore[return-value]


class _Statements:
    """The hot reads' SQL, spelled out once per process (see `workflows.runtime.rows`)."""

    def __init__(self) -> None:
        user_model = get_user_model()
        self.instance = Columns(WorkflowInstance, "i")
        self.definition = Columns(WorkflowDefinition, "d", defer=("graph",))
        self.user = Columns(user_model, "u")
        self.lock = (
            f"SELECT {self.instance.sql}, {self.definition.sql}, {self.user.sql} "
            f"FROM {table(WorkflowInstance)} i "
            f"INNER JOIN {table(WorkflowDefinition)} d ON d.{column(WorkflowDefinition, 'id')} = "
            f"i.{column(WorkflowInstance, 'definition')} "
            f"LEFT OUTER JOIN {table(user_model)} u ON u.{column(user_model, user_model._meta.pk.name)} = "
            f"i.{column(WorkflowInstance, 'started_by')} "
            f"WHERE i.{column(WorkflowInstance, 'id')} = %s FOR UPDATE OF i"
        )
        self.steps = Columns(StepExecution, "s")
        statuses = ", ".join(["%s"] * len(LOADED_STATUSES))
        self.steps_text = (
            f"SELECT {self.steps.sql} FROM {table(StepExecution)} s "
            f"WHERE s.{column(StepExecution, 'instance')} = %s AND s.{column(StepExecution, 'status')} "
            f"IN ({statuses}) ORDER BY s.{column(StepExecution, 'created_at')} ASC"
        )


@cache
def _sql() -> _Statements:
    """The statements, spelled once per process (on first use: the models must be ready)."""
    return _Statements()


def instance_info(instance: WorkflowInstance) -> InstanceInfo:
    user = instance.started_by
    return InstanceInfo(
        id=str(instance.id),
        business_key=instance.business_key,
        started_by=user.get_username() if user is not None else "",
        started_by_email=(getattr(user, "email", "") or "") if user is not None else "",
    )


def core_status(status: str) -> CoreInstanceStatus:
    """The core has no `suspended`: a suspended instance is running with dispatch held."""
    return CoreInstanceStatus.RUNNING if status == InstanceStatus.SUSPENDED else CoreInstanceStatus(status)


def step_state(row: StepExecution) -> StepState:
    return StepState(
        id=str(row.id),
        node_id=row.node_id,
        node_type=row.node_type,
        visit=row.visit,
        status=CoreStepStatus(row.status),
        attempt=row.attempt,
        params=row.params,
        output=row.output,
        error=error_info(row.error),
        arrivals=tuple(row.arrivals or ()),
        not_before=row.not_before,
    )


def error_info(data: dict[str, Any] | None) -> ErrorInfo | None:
    return ErrorInfo.from_dict(data) if data else None


def build_state(instance: WorkflowInstance, steps: dict[str, StepExecution]) -> InstanceState:
    """The core's view of the instance: its row plus its live steps."""
    return InstanceState(
        info=instance_info(instance),
        status=core_status(instance.status),
        input=instance.input,
        vars=dict(instance.vars),
        steps={key: step_state(row) for key, row in steps.items() if row.status in LIVE_STATUSES},
        results=dict(instance.results),
        visits=dict(instance.visits),
        compensable=tuple(CompensationRecord(str(s), str(n)) for s, n in instance.compensable or ()),
        compensation=CompensationState.from_dict(instance.compensation) if instance.compensation else None,
        result=instance.result,
        error=error_info(instance.error),
    )
