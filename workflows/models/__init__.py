"""Models of the workflows app, one module per area; import new modules here."""

from workflows.models.circuits import ActionCircuit, CircuitState
from workflows.models.definitions import DefinitionPermission, Role, WorkflowDefinition, initial_graph
from workflows.models.events import ExecutionEvent
from workflows.models.instances import InstanceStatus, WorkflowInstance
from workflows.models.steps import StepExecution, StepStatus
from workflows.models.versions import VersionStatus, WorkflowVersion
from workflows.models.waits import DueWait, WaitKind

__all__ = [
    "ActionCircuit",
    "CircuitState",
    "DefinitionPermission",
    "DueWait",
    "ExecutionEvent",
    "InstanceStatus",
    "Role",
    "StepExecution",
    "StepStatus",
    "VersionStatus",
    "WaitKind",
    "WorkflowDefinition",
    "WorkflowInstance",
    "WorkflowVersion",
    "initial_graph",
]
