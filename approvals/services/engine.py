"""The one place approvals talk to the workflow engine: hand a settled step's outcome over.

Precondition: the caller holds the instance row lock (lock order step 1), so the
adapter's own lock is re-entrant and the decision and the engine's next steps
commit together, or not at all.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from workflows.engine.events import ApprovalDecided

_settled_here: ContextVar[frozenset[str]] = ContextVar("approvals_settled_here", default=frozenset())
"""Approval steps whose request this code settled and is handing to the engine right now."""


def engine_approval_decided(
    *,
    instance_id: Any,
    step_id: Any,
    outcome: str,
    output: dict[str, Any],
    actor: AbstractBaseUser | None,
    instance: Any = None,
) -> None:
    """Apply `ApprovalDecided(step_id, outcome, output)` to the instance, in this transaction.

    `instance`: the row as the caller locked it with the engine's `lock_instance` (lock
    order step 1), applied to without reading it again; else the adapter locks it."""
    from workflows.services.instances import apply_locked, instance_apply  # imported late (app loading)

    event = ApprovalDecided(str(step_id), outcome, output)
    token = _settled_here.set(_settled_here.get() | {str(step_id)})
    try:
        if instance is not None:
            apply_locked(instance, event, actor=actor)
        else:
            instance_apply(instance_id, event, actor=actor)
    finally:
        _settled_here.reset(token)


def engine_approval_timed_out(*, instance_id: Any, step_id: Any) -> None:
    """Apply `StepTimedOut(step_id)`: the approval node's `timeout` edge is taken."""
    from workflows.engine.events import StepTimedOut
    from workflows.services.instances import instance_apply

    instance_apply(instance_id, StepTimedOut(str(step_id)), actor=None)


def node_has_timeout_edge(graph: dict[str, Any], node_id: str) -> bool:
    return any(e.get("source") == node_id and e.get("timeout") for e in graph.get("edges") or ())


def _on_open_approval(context: Any, command: Any) -> None:
    from approvals.services.opening import approval_open

    approval_open(instance=context.instance, command=command, now=context.now)


def _on_cancel_steps(context: Any, command: Any) -> None:
    from approvals.services.opening import approvals_cancel

    approvals_cancel(step_ids=command.step_ids, reason=command.reason, now=context.now)


def _is_approval_step(context: Any, step_id: str) -> bool:
    step = context.steps.get(step_id)
    return step is not None and step.node_type == "approval"


def _on_step_finished(context: Any, command: Any) -> None:
    """An approval step completed or failed without our decision (skipped by an operator,
    timed out by the engine): close its open request. Our own decisions settle the request
    before the engine completes the step, so they find nothing open here."""
    if command.step_id in _settled_here.get() or not _is_approval_step(context, command.step_id):
        return  # settled here (nothing open to close), or not an approval
    from approvals.services.opening import approvals_expire

    output = getattr(command, "output", None)
    outcome = getattr(command, "outcome", None) or (
        output.get("outcome") if isinstance(output, dict) else None
    )
    if outcome is None:
        outcome = "skipped" if hasattr(command, "output") else "failed"
    approvals_expire(step_ids=[command.step_id], outcome=str(outcome), now=context.now)


def _on_create_step(context: Any, command: Any) -> None:
    """The start node was activated: open the instance's own SLA when a policy sets one."""
    if command.node_type != "start":
        return
    from approvals.services.instance_sla import instance_sla_open

    instance_sla_open(instance=context.instance, now=context.now)


def _on_instance_end(context: Any, command: Any) -> None:
    from approvals.services.instance_sla import instance_sla_close
    from workflows.engine.commands import CompleteInstance

    completed = isinstance(command, CompleteInstance)
    instance_sla_close(instance_id=context.instance.pk, now=context.now, completed=completed)


def register_engine_effects() -> None:
    """Hook approvals into the runtime's effect registry (workflows.runtime.effects):
    `OpenApproval` opens tasks, `CancelSteps` cancels the open tasks of those steps, and
    `CompleteStep`/`FailStep` of an approval step close tasks the engine no longer needs;
    the start node's `CreateStep` opens and the instance's end closes its own SLA."""
    from workflows.engine.commands import (
        CancelInstance,
        CancelSteps,
        CompleteCompensation,
        CompleteInstance,
        CompleteStep,
        CreateStep,
        FailCompensation,
        FailInstance,
        FailStep,
        OpenApproval,
    )

    try:
        from workflows.runtime.effects import register_effect
    except ModuleNotFoundError:  # a checkout without the runtime: nothing to hook into
        return

    register_effect(OpenApproval, _on_open_approval)
    register_effect(CancelSteps, _on_cancel_steps)
    register_effect(CompleteStep, _on_step_finished)
    register_effect(FailStep, _on_step_finished)
    register_effect(CreateStep, _on_create_step)
    for ending in (CompleteInstance, FailInstance, CancelInstance, CompleteCompensation, FailCompensation):
        register_effect(ending, _on_instance_end)
