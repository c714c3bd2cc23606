"""Hooks for effects other apps perform inside the engine's transaction.

The engine itself handles steps, waits, dispatching and compensation. Other effects
(opening approval tasks, closing them when their step is cancelled, starting child
instances) belong to other apps, which register a handler here at import time
(e.g. in their AppConfig.ready):

    register_effect(OpenApproval, open_approval_task)

Handlers run inside the instance's transaction, after the step rows are written
(so they may reference them), with the instance row locked. They must not lock
another instance (use `transaction.on_commit` to send work elsewhere).
Without a handler an approval or subworkflow step simply waits; an operator can skip it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from workflows.models import StepExecution, WorkflowInstance


@dataclass(frozen=True)
class EffectContext:
    instance: WorkflowInstance
    steps: dict[str, StepExecution]
    now: datetime
    actor_id: int | None


EffectHandler = Callable[[EffectContext, Any], None]
_handlers: dict[type, list[EffectHandler]] = {}


def register_effect(command_type: type, handler: EffectHandler) -> None:
    """Call `handler(context, command)` for every `command_type` the engine applies."""
    handlers = _handlers.setdefault(command_type, [])
    if handler not in handlers:
        handlers.append(handler)


def unregister_effect(command_type: type, handler: EffectHandler) -> None:
    handlers = _handlers.get(command_type, [])
    if handler in handlers:
        handlers.remove(handler)


def handlers_for(command_type: type) -> list[EffectHandler]:
    return _handlers.get(command_type, [])
