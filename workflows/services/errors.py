"""Domain errors of definitions and versions, each with its API code and status."""

from __future__ import annotations

from rest_framework import status

from config.api_errors import ApiError, Conflict
from workflows.validation import Problem


class GraphInvalid(ApiError):
    """The graph has errors; `details.problems` lists every one."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "graph_invalid"

    def __init__(self, problems: list[Problem], message: str = "The graph has errors.") -> None:
        self.problems = problems
        super().__init__(message, details={"problems": [problem.as_json() for problem in problems]})


class RevisionConflict(ApiError):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "revision_conflict"

    def __init__(self, *, current: int, expected: int) -> None:
        super().__init__(
            f"The definition changed (revision {current}, you sent {expected}); reload it and apply your change again.",
            details={"current_revision": current, "expected_revision": expected},
        )


class PayloadTooLarge(ApiError):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"


class KeyTaken(Conflict):
    default_code = "key_taken"


class DefinitionInUse(Conflict):
    default_code = "definition_in_use"


class VersionUnchanged(Conflict):
    default_code = "version_unchanged"


def invalid(field: str, message: str) -> ApiError:
    """A 400 `invalid` naming the field, in the shape DRF validation errors have."""
    return ApiError(f"{field}: {message}", code="invalid", details={field: [message]})
