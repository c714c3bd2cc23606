"""Models of the workflows app, one module per area; import new modules here."""

from workflows.models.definitions import DefinitionPermission, Role, WorkflowDefinition, initial_graph
from workflows.models.versions import VersionStatus, WorkflowVersion

__all__ = [
    "DefinitionPermission",
    "Role",
    "VersionStatus",
    "WorkflowDefinition",
    "WorkflowVersion",
    "initial_graph",
]
