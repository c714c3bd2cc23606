"""Hook the waits into the runtime's effect registry (called from WorkflowsConfig.ready).

Effects run inside the instance's transaction, after its rows are written, with its row
locked (see workflows.runtime.effects). Registration is idempotent.
"""

from __future__ import annotations

from typing import Any

from workflows.engine import commands as c
from workflows.runtime.effects import EffectContext, register_effect

TERMINAL_COMMANDS = (
    c.CompleteInstance,
    c.FailInstance,
    c.CancelInstance,
    c.CompleteCompensation,
    c.FailCompensation,
)


def _disarm(context: EffectContext, command: c.CancelSteps) -> None:
    from workflows.waits.timers import waits_disarm

    waits_disarm(step_ids=command.step_ids)


def _start_child(context: EffectContext, command: c.StartChild) -> None:
    from workflows.waits.subworkflows import on_start_child

    on_start_child(context, command)


def _cancel_children(context: EffectContext, command: c.CancelSteps) -> None:
    from workflows.waits.subworkflows import on_cancel_steps

    on_cancel_steps(context, command)


def _instance_finished(context: EffectContext, command: Any) -> None:
    from workflows.waits import subworkflows, triggers

    subworkflows.on_instance_finished(context, command)
    triggers.on_instance_finished(context, command)


def register_wait_effects() -> None:
    """Disarm waits and cancel children of cancelled steps, start children, and tell
    parents and internal triggers when an instance ends."""
    register_effect(c.CancelSteps, _disarm)
    register_effect(c.CancelSteps, _cancel_children)
    register_effect(c.StartChild, _start_child)
    for command in TERMINAL_COMMANDS:
        register_effect(command, _instance_finished)
