"""Load an instance's engine state from its rows (no history replay).

Locking policy (see workflows.services.instances): the instance row is locked first
(`SELECT ... FOR UPDATE`), then its steps are read. Steps are never locked before
their instance.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from workflows.engine import ErrorInfo, InstanceInfo, InstanceState, StepState
from workflows.engine import InstanceStatus as CoreInstanceStatus
from workflows.engine import StepStatus as CoreStepStatus
from workflows.engine.state import CompensationRecord, CompensationState
from workflows.models import InstanceStatus, StepExecution, StepStatus, WorkflowInstance
from workflows.models.steps import LIVE_STATUSES

LOADED_STATUSES = (*LIVE_STATUSES, StepStatus.COMPENSATING)
"""Step rows loaded with the instance: the live ones and the compensation in flight."""


def lock_instance(instance_id: UUID | str) -> WorkflowInstance:
    """Lock and return the instance row (with its definition and starter, not locked).
    Raises WorkflowInstance.DoesNotExist."""
    return (
        WorkflowInstance.objects.select_for_update(of=("self",))
        .select_related("definition", "started_by")
        .get(pk=instance_id)
    )


def load_steps(instance: WorkflowInstance) -> dict[str, StepExecution]:
    """The instance's live steps (and the one being compensated), by step id. One query.
    Precondition: the instance row is locked."""
    rows = StepExecution.objects.filter(instance_id=instance.pk, status__in=LOADED_STATUSES)
    return {str(row.id): row for row in rows}


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
