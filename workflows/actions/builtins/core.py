"""Built-in actions that need nothing outside the process: echo, log, fail, sleep."""

from __future__ import annotations

import logging
import time
from typing import Any

from workflows.actions.registry import ActionContext, FatalError, RetryableError, action

MAX_SLEEP_SECONDS = 60
LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR}


@action(
    "core.echo",
    label="Echo",
    description="Returns its params (handy for tests and for building values)",
    icon="repeat",
    params_schema={"type": "object"},
)
def echo(params: dict[str, Any], ctx: ActionContext) -> Any:
    return params


@action(
    "core.log",
    label="Log",
    description="Writes a message to the worker log",
    icon="file-text",
    params_schema={
        "type": "object",
        "additionalProperties": False,
        "required": ["message"],
        "properties": {
            "message": {"type": "string", "maxLength": 10_000},
            "level": {"enum": list(LEVELS), "default": "info"},
        },
    },
    output_schema={
        "type": "object",
        "properties": {"message": {"type": "string"}, "level": {"type": "string"}},
    },
)
def log(params: dict[str, Any], ctx: ActionContext) -> dict[str, str]:
    level = params.get("level", "info")
    ctx.logger.log(
        LEVELS[level],
        "%s",
        params["message"],
        extra={"instance_id": str(ctx.instance_id), "node_id": ctx.node_id},
    )
    return {"message": params["message"], "level": level}


@action(
    "core.fail",
    label="Fail",
    description="Always fails: permanently, or with a retryable error when retryable is true",
    icon="x-octagon",
    params_schema={
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "message": {"type": "string", "maxLength": 1_000, "default": "failed on purpose"},
            "retryable": {"type": "boolean", "default": False},
        },
    },
)
def fail(params: dict[str, Any], ctx: ActionContext) -> None:
    message = params.get("message") or "failed on purpose"
    if params.get("retryable", False):
        raise RetryableError(message)
    raise FatalError(message)


@action(
    "core.sleep",
    label="Sleep",
    description=f"Waits a few seconds on the worker (at most {MAX_SLEEP_SECONDS}); use a timer node for long waits",
    icon="pause",
    params_schema={
        "type": "object",
        "additionalProperties": False,
        "required": ["seconds"],
        "properties": {"seconds": {"type": "number", "minimum": 0, "maximum": MAX_SLEEP_SECONDS}},
    },
    output_schema={"type": "object", "properties": {"slept": {"type": "number"}}},
)
def sleep(params: dict[str, Any], ctx: ActionContext) -> dict[str, float]:
    seconds = params["seconds"]
    if (
        isinstance(seconds, bool)
        or not isinstance(seconds, int | float)
        or not 0 <= seconds <= MAX_SLEEP_SECONDS
    ):
        raise FatalError(f"seconds must be a number from 0 to {MAX_SLEEP_SECONDS}")
    time.sleep(seconds)
    return {"slept": seconds}
