"""Run one registered action outside any transaction and say how it went.

Short, local-safe actions without a timeout run inline. Every other action runs in a
helper thread while the worker's thread waits: it renews the step's lease every third
of the lease period (so the reaper leaves a live worker alone) and stops waiting at
`timeout_seconds` (the attempt times out; the thread is abandoned and its late result
ignored, which is why actions get an idempotency key). Threads work the same under
the prefork pool, the threads pool and the embedded worker; Celery's soft time limits
do not (they need signals and prefork).
"""

from __future__ import annotations

import contextvars
import json
import logging
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connections

from workflows.actions import ActionContext, FatalError, RetryableError, get_action
from workflows.engine import ErrorInfo

logger = logging.getLogger("workflows.actions")
MAX_TRACEBACK = 8000
MAX_MESSAGE = 2000


@dataclass(frozen=True)
class Outcome:
    """What an attempt did: `succeeded` with `output`, `failed` with `error`, or `timed_out`."""

    kind: str
    output: Any = None
    error: ErrorInfo | None = None
    retry_after: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    counts_against_circuit: bool = False

    @property
    def ok(self) -> bool:
        return self.kind == "succeeded"


def _failure(exc: BaseException) -> Outcome:
    message = (str(exc) or type(exc).__name__)[:MAX_MESSAGE]
    extra: dict[str, Any] = {"traceback": "".join(traceback.format_exception(exc))[-MAX_TRACEBACK:]}
    details = getattr(exc, "details", None)
    if details is not None:
        extra["details"] = _jsonable(details, fallback=str(details)[:MAX_MESSAGE])
    if isinstance(exc, FatalError):
        return Outcome("failed", error=ErrorInfo(type(exc).__name__, message, False), extra=extra)
    retry_after = exc.retry_after if isinstance(exc, RetryableError) else None
    return Outcome(
        "failed",
        error=ErrorInfo(type(exc).__name__, message, True),
        retry_after=retry_after,
        extra=extra,
        counts_against_circuit=True,
    )


def _jsonable(value: Any, *, fallback: Any) -> Any:
    try:
        return json.loads(json.dumps(value))
    except (TypeError, ValueError):
        return fallback


def run_action(
    *,
    action: str,
    params: Any,
    context: ActionContext,
    timeout_seconds: float | None,
    renew: Callable[[], bool] | None = None,
) -> Outcome:
    """Call `action` with `params`; never raises (every failure becomes an Outcome)."""
    spec = get_action(action)
    if spec is None:
        return Outcome("failed", error=ErrorInfo("unknown_action", f"no action named {action!r}", False))
    problems = spec.params_errors(params)
    if problems:
        message = f"params of {action} are invalid: " + "; ".join(problems)[:MAX_MESSAGE]
        return Outcome("failed", error=ErrorInfo("invalid_params", message, False))
    inline = timeout_seconds is None and action in settings.FLOWDESK_LOCAL_ACTIONS
    outcome = _call_inline(spec, params, context) if inline else _call_threaded(
        spec, params, context, timeout_seconds, renew
    )  # fmt: skip
    if outcome.ok:
        try:
            output = json.loads(json.dumps(outcome.output))
        except (TypeError, ValueError) as exc:
            message = f"{action} returned a value that is not JSON: {exc}"[:MAX_MESSAGE]
            return Outcome("failed", error=ErrorInfo("invalid_output", message, False))
        return Outcome("succeeded", output=output)
    return outcome


def _call_inline(spec: Any, params: Any, context: ActionContext) -> Outcome:
    try:
        return Outcome("succeeded", output=spec(params, context))
    except Exception as exc:
        return _failure(exc)


def _call_threaded(
    spec: Any,
    params: Any,
    context: ActionContext,
    timeout_seconds: float | None,
    renew: Callable[[], bool] | None,
) -> Outcome:
    box: dict[str, Outcome] = {}
    done = threading.Event()

    def target() -> None:
        try:
            box["outcome"] = Outcome("succeeded", output=spec(params, context))
        except BaseException as exc:
            box["outcome"] = _failure(exc)
        finally:
            connections.close_all()  # this thread's own connections, if the action used the ORM
            done.set()

    # The action's thread sees this one's context (the correlation id on its log lines).
    thread = threading.Thread(
        target=contextvars.copy_context().run, args=(target,), name=f"action-{context.step_id}", daemon=True
    )
    started = time.monotonic()
    thread.start()
    beat = max(settings.FLOWDESK_STEP_LEASE_SECONDS / 3, 0.05)
    while True:
        wait = beat
        if timeout_seconds is not None:
            left = timeout_seconds - (time.monotonic() - started)
            if left <= 0:
                break
            wait = min(wait, left)
        if done.wait(wait):
            return box["outcome"]
        if renew is not None and not renew():
            logger.warning("step %s was taken from this worker while running", context.step_id)
    message = f"attempt {context.attempt} of {context.node_id} ran longer than {timeout_seconds:g}s"
    return Outcome("timed_out", error=ErrorInfo("timeout", message, True), counts_against_circuit=True)
