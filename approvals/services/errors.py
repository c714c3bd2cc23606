"""Domain errors of approvals, each with its API code and HTTP status."""

from __future__ import annotations

from typing import Any

from rest_framework import status

from config.api_errors import ApiError, Conflict


class TaskNotFound(ApiError):
    """The task does not exist or the user may not see it (the two look alike on purpose)."""

    status_code = status.HTTP_404_NOT_FOUND
    default_code = "not_found"
    default_detail = "No such task."


class TaskForbidden(ApiError):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "permission_denied"
    default_detail = "You may not do this with this task."


class SelfApprovalForbidden(TaskForbidden):
    default_code = "self_approval_forbidden"
    default_detail = "You started this workflow, so someone else has to decide this approval."


class TaskAlreadyDecided(Conflict):
    default_code = "task_already_decided"
    default_detail = "This task has already been decided."

    def __init__(self, task_id: int, state: str) -> None:
        super().__init__(
            f"Task {task_id} is already {state}; nothing was recorded.",
            details={"task": task_id, "state": state},
        )


class TaskNotClaimable(Conflict):
    default_code = "task_not_claimable"
    default_detail = "This task cannot be claimed or unclaimed now."


class InvalidOutcome(ApiError):
    default_code = "invalid_outcome"

    def __init__(self, outcome: Any, allowed: list[str]) -> None:
        super().__init__(
            f"{outcome!r} is not an outcome of this approval; choose one of: {', '.join(allowed)}.",
            details={"outcome": outcome, "allowed": allowed},
        )


class FormRejected(ApiError):
    default_code = "form_invalid"

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("The form has problems; nothing was recorded.", details={"form": errors})


class DelegationRefused(ApiError):
    default_code = "delegation_refused"
