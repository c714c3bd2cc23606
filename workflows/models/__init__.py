"""Models of the workflows app, one module per area; import new modules here."""

from workflows.models.audit import AuditSeal
from workflows.models.circuits import ActionCircuit, CircuitState
from workflows.models.definitions import DefinitionPermission, Role, WorkflowDefinition, initial_graph
from workflows.models.events import ExecutionEvent
from workflows.models.instances import InstanceStatus, WorkflowInstance
from workflows.models.schedules import MissedRuns, RunStatus, Schedule, ScheduleRun
from workflows.models.signals import ReceivedSignal
from workflows.models.steps import StepExecution, StepStatus
from workflows.models.triggers import SourceStatus, Trigger, TriggerKind, TriggerRun, TriggerRunStatus
from workflows.models.versions import VersionStatus, WorkflowVersion
from workflows.models.waits import DueWait, WaitKind

__all__ = [
    "ActionCircuit",
    "AuditSeal",
    "CircuitState",
    "DefinitionPermission",
    "DueWait",
    "ExecutionEvent",
    "InstanceStatus",
    "MissedRuns",
    "ReceivedSignal",
    "Role",
    "RunStatus",
    "Schedule",
    "ScheduleRun",
    "SourceStatus",
    "StepExecution",
    "StepStatus",
    "Trigger",
    "TriggerKind",
    "TriggerRun",
    "TriggerRunStatus",
    "VersionStatus",
    "WaitKind",
    "WorkflowDefinition",
    "WorkflowInstance",
    "WorkflowVersion",
    "initial_graph",
]
