"""Domain errors of the engine's services, each with its API code and status."""

from __future__ import annotations

from typing import Any

from rest_framework import status

from config.api_errors import ApiError, Conflict


class InvalidInput(ApiError):
    """The input does not match the graph's `inputs`; details name every field."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_input"

    def __init__(self, problems: dict[str, dict[str, str]]) -> None:
        first = next(iter(problems.values()))["message"]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"The input is not valid: {first}{more}.", details={"fields": problems})


class DuplicateBusinessKey(Conflict):
    default_code = "duplicate_business_key"

    def __init__(self, *, definition: str, business_key: str) -> None:
        super().__init__(
            f"An instance of {definition} with business key {business_key!r} already exists.",
            details={"definition": definition, "business_key": business_key},
        )


class VersionNotStartable(Conflict):
    default_code = "version_retired"


class NoPublishedVersion(Conflict):
    default_code = "not_published"


class InvalidState(Conflict):
    """The operation makes no sense in the current state (same code as a refused transition)."""

    default_code = "invalid_state"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message, details=details or None)
