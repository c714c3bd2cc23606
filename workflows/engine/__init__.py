"""Flowdesk's pure workflow engine core.

Standard library plus `workflows.expressions` only: no Django, ORM, Celery or
Channels. Adapters load an `InstanceState`, call `decide()` with one `Event`,
and apply the returned commands in one transaction. See README section
"Engine core" and the module docstrings for the contracts.
"""

from workflows.engine.core import Decision, decide, new_instance
from workflows.engine.errors import ErrorInfo, GraphError
from workflows.engine.graph import EdgeKind, EngineOptions, Graph
from workflows.engine.reducer import apply
from workflows.engine.retry import RetryPolicy
from workflows.engine.state import InstanceInfo, InstanceState, InstanceStatus, StepState, StepStatus

__all__ = [
    "Decision",
    "EdgeKind",
    "EngineOptions",
    "ErrorInfo",
    "Graph",
    "GraphError",
    "InstanceInfo",
    "InstanceState",
    "InstanceStatus",
    "RetryPolicy",
    "StepState",
    "StepStatus",
    "apply",
    "decide",
    "new_instance",
]
