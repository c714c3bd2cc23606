"""Node behaviour, one small handler per node type. Add a type: write a handler, register it."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from workflows.engine.graph import Node
from workflows.engine.nodes.automatic import EndHandler, ParallelHandler, StartHandler
from workflows.engine.nodes.base import NodeHandler
from workflows.engine.nodes.condition import ConditionHandler
from workflows.engine.nodes.join import JoinHandler
from workflows.engine.nodes.set_node import SetHandler
from workflows.engine.nodes.task import TaskHandler
from workflows.engine.nodes.waits import ApprovalHandler, SignalHandler, SubworkflowHandler, TimerHandler

HANDLERS: Mapping[str, NodeHandler] = MappingProxyType(
    {
        "start": StartHandler(),
        "end": EndHandler(),
        "task": TaskHandler(),
        "condition": ConditionHandler(),
        "parallel": ParallelHandler(),
        "join": JoinHandler(),
        "set": SetHandler(),
        "approval": ApprovalHandler(),
        "timer": TimerHandler(),
        "signal": SignalHandler(),
        "subworkflow": SubworkflowHandler(),
    }
)


def handler_for(node: Node) -> NodeHandler:
    return HANDLERS[node.type]


__all__ = ["HANDLERS", "NodeHandler", "handler_for"]
