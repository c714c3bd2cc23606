"""Start an instance for a schedule or a trigger, and describe why one did not start.

Both record a run row with the outcome in the same transaction as the start, so a run
marked started always has its instance and a refused start leaves no instance.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from django.http import Http404
from rest_framework.exceptions import APIException

from workflows.models import WorkflowInstance
from workflows.services.instances import instance_start

REFUSALS = (APIException, Http404, DjangoPermissionDenied)


def start_or_refusal(
    *, definition_key: str, version: int | None, input: Any, business_key: str, started_by: Any
) -> tuple[WorkflowInstance | None, dict[str, Any] | None]:
    """Start in a savepoint: (instance, None), or (None, {code, message, details}) when refused."""
    try:
        with transaction.atomic():
            instance = instance_start(
                definition_key=definition_key,
                version=version,
                input=input,
                business_key=business_key,
                started_by=started_by,
            )
    except REFUSALS as exc:
        return None, refusal(exc)
    return instance, None


def refusal(exc: Exception) -> dict[str, Any]:
    """The API error body parts of a refused start."""
    if isinstance(exc, Http404):
        return {"code": "not_found", "message": str(exc) or "not found", "details": None}
    if isinstance(exc, DjangoPermissionDenied):
        return {"code": "permission_denied", "message": str(exc) or "permission denied", "details": None}
    code = getattr(exc, "error_code", None)
    if code is None and isinstance(exc, APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else "invalid"
    detail = getattr(exc, "detail", exc)
    return {"code": str(code), "message": str(detail), "details": _jsonable(getattr(exc, "details", None))}


def result_text(value: Any) -> str:
    """An instance result as text for matching (strings as they are, else canonical JSON)."""
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def _jsonable(value: Any) -> Any:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return str(value)
    return value
