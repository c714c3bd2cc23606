"""The action registry: Python callables that task nodes run, each with a params schema.

An action is registered in code, never written by users:

    @action("core.echo", label="Echo", description="Returns its params", icon="repeat",
            params_schema={"type": "object"})
    def echo(params: dict, ctx: ActionContext) -> Any:
        return params

The registry is process-wide and filled at import time (built-ins by importing
`workflows.actions`). GET /api/node-types/ serves every action's schemas; validation
checks task params with the same schemas.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from workflows.contract.checker import SchemaChecker
from workflows.contract.limits import ACTION_PATTERN

Id = UUID | int | str


class ActionError(Exception):
    """Base class of the errors an action raises to tell the engine what happened."""

    def __init__(self, message: str, *, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class RetryableError(ActionError):
    """A failure worth retrying (timeouts, 5xx, connection refused): the step is retried
    under its retry policy. `retry_after` (seconds) is a hint the engine may honour."""

    def __init__(self, message: str, *, details: Any = None, retry_after: float | None = None) -> None:
        super().__init__(message, details=details)
        self.retry_after = retry_after


class FatalError(ActionError):
    """A failure retrying cannot fix (bad params, 4xx, refused host): the step fails now."""


class ActionAlreadyRegistered(ValueError):
    """Two actions claimed one name."""


@dataclass(frozen=True, slots=True)
class ActionContext:
    """What an action knows about the step running it.

    `idempotency_key` is stable across retries and redeliveries of one step activation:
    pass it to outside systems (a header, a request id) so a repeated call has no
    second effect. `attempt` counts from 1.
    """

    idempotency_key: str
    instance_id: Id
    step_id: Id
    node_id: str
    attempt: int
    started_by: str | None
    logger: logging.Logger = field(default_factory=lambda: logging.getLogger("workflows.actions"))


ActionFunction = Callable[[dict[str, Any], ActionContext], Any]


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """A registered action. Call it as `spec(params, ctx)`."""

    name: str
    fn: ActionFunction
    label: str
    description: str
    icon: str
    params_schema: dict[str, Any]
    output_schema: dict[str, Any] | None
    permission: str | None
    retry: Mapping[str, Any] | None
    params_checker: SchemaChecker = field(repr=False, compare=False)

    def __call__(self, params: dict[str, Any], ctx: ActionContext) -> Any:
        return self.fn(params, ctx)

    def params_errors(self, params: Any) -> list[str]:
        """Check rendered params against the schema; return messages (empty when valid).
        The engine may call this after rendering templates, before running the action."""
        if self.params_checker.is_valid(params):
            return []
        return [
            f"{'.'.join(str(p) for p in error.absolute_path) or 'params'}: {error.message[:200]}"
            for error in self.params_checker.errors(params)
        ]

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "description": self.description,
            "icon": self.icon,
            "params_schema": self.params_schema,
            "output_schema": self.output_schema,
            "permission": self.permission,
        }


_REGISTRY: dict[str, ActionSpec] = {}
_NAME = re.compile(ACTION_PATTERN)
_PERMISSION = re.compile(r"^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$")


def action(
    name: str,
    *,
    label: str,
    description: str = "",
    icon: str = "cog",
    params_schema: dict[str, Any] | None = None,
    output_schema: dict[str, Any] | None = None,
    permission: str | None = None,
    retry: Mapping[str, Any] | None = None,
) -> Callable[[ActionFunction], ActionFunction]:
    """Register `fn(params, ctx)` as the action `name` and return it unchanged.

    `permission` ("app_label.codename") is a capability the graph's author must hold to
    publish a graph using this action. `retry` is the action's default retry policy
    ({max_attempts, backoff_seconds, max_backoff_seconds}) when a task sets none.
    Raises ActionAlreadyRegistered, or jsonschema.SchemaError for a broken schema.
    """
    if not _NAME.match(name):
        raise ValueError(f"action name {name!r} must look like 'group.name' ({ACTION_PATTERN})")
    if permission is not None and not _PERMISSION.match(permission):
        raise ValueError(f"permission {permission!r} must look like 'app_label.codename'")
    schema = params_schema if params_schema is not None else {"type": "object"}
    if output_schema is not None:
        SchemaChecker(output_schema)  # a broken output schema fails at import time too

    def register(fn: ActionFunction) -> ActionFunction:
        existing = _REGISTRY.get(name)
        if existing is not None and existing.fn is not fn:
            raise ActionAlreadyRegistered(f"action {name!r} is already registered by {existing.fn!r}")
        _REGISTRY[name] = ActionSpec(
            name=name,
            fn=fn,
            label=label,
            description=description,
            icon=icon,
            params_schema=schema,
            output_schema=output_schema,
            permission=permission,
            retry=retry,
            params_checker=SchemaChecker(schema),
        )
        return fn

    return register


def get_action(name: str) -> ActionSpec | None:
    """The registered action called `name`, or None."""
    return _REGISTRY.get(name)


def all_actions() -> list[ActionSpec]:
    """Every registered action, sorted by name."""
    return [_REGISTRY[name] for name in sorted(_REGISTRY)]


def unregister(name: str) -> None:
    """Remove an action (for tests that register their own)."""
    _REGISTRY.pop(name, None)
