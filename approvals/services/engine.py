"""The one place approvals talk to the workflow engine: hand a settled step's outcome over.

Precondition: the caller holds the instance row lock (lock order step 1), so the
adapter's own lock is re-entrant and the decision and the engine's next steps
commit together, or not at all.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from workflows.engine.events import ApprovalDecided


def engine_approval_decided(
    *, instance_id: Any, step_id: Any, outcome: str, output: dict[str, Any], actor: AbstractBaseUser | None
) -> None:
    """Apply `ApprovalDecided(step_id, outcome, output)` to the instance, in this transaction."""
    from workflows.services.instances import instance_apply  # the adapter; imported late (app loading)

    instance_apply(instance_id, ApprovalDecided(str(step_id), outcome, output), actor=actor)
