"""Registered actions: what task nodes run (see `registry` for how to add one)."""

from workflows.actions import builtins  # noqa: F401  (importing it registers the built-ins)
from workflows.actions.registry import (
    ActionAlreadyRegistered,
    ActionContext,
    ActionError,
    ActionSpec,
    FatalError,
    RetryableError,
    action,
    all_actions,
    get_action,
)

__all__ = [
    "ActionAlreadyRegistered",
    "ActionContext",
    "ActionError",
    "ActionSpec",
    "FatalError",
    "RetryableError",
    "action",
    "all_actions",
    "get_action",
]
