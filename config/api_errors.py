"""The one error format of the API: {"error": {"code", "message", "details"}}.

Every DRF exception, django-fsm refusal and domain error raised by a service is
turned into a 4xx with a stable machine-readable code here, so views never build
error bodies by hand.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler


class ApiError(exceptions.APIException):
    """A domain error with its own code and HTTP status; raise it from services."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "bad_request"
    default_detail = "The request cannot be processed."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        details: Any = None,
        status_code: int | None = None,
    ) -> None:
        super().__init__(detail=message or self.default_detail, code=code or self.default_code)
        self.error_code = code or self.default_code
        self.details = details
        if status_code is not None:
            self.status_code = status_code


class Conflict(ApiError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "The object changed state; reload and try again."


DRF_CODES: dict[type[exceptions.APIException], str] = {
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
    exceptions.ParseError: "malformed_request",
    exceptions.ValidationError: "invalid",
}


def _message_from_detail(detail: Any) -> str:
    if isinstance(detail, list) and detail:
        return _message_from_detail(detail[0])
    if isinstance(detail, dict) and detail:
        field, value = next(iter(detail.items()))
        inner = _message_from_detail(value)
        return inner if field == "non_field_errors" else f"{field}: {inner}"
    return str(detail)


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details}}


def transition_refusal(exc: TransitionNotAllowed | ConcurrentTransition) -> str:
    """A sentence for a person about a refused state change.

    django-fsm's own text names Python methods ("Can't switch from state 'running' using
    method 'resume'"); this names the action and the state instead.
    """
    if isinstance(exc, ConcurrentTransition):
        return "Someone changed it at the same moment; reload and try again."
    obj, method = getattr(exc, "object", None), getattr(exc, "method", None)
    if obj is None or method is None:
        return "This action is not allowed in the current state."
    field = getattr(getattr(method, "_django_fsm", None), "field", "status")
    state = str(getattr(obj, field if isinstance(field, str) else field.name, "") or "").replace("_", " ")
    action = method.__name__.strip("_").replace("_", " ")
    described = f"{state} {obj._meta.verbose_name}" if state else str(obj._meta.verbose_name)
    article = "an" if described[:1] in "aeiou" else "a"
    return f"Cannot {action} {article} {described}."


def _not_found_message(reason: str, context: dict[str, Any]) -> str:
    """A 404 that says what was not found: the service's reason as a sentence, else the address.
    Either way it says that hidden objects look missing (a stranger learns nothing more)."""
    if reason and "matches the given query" not in reason and reason != exceptions.NotFound.default_detail:
        sentence = reason[:1].upper() + reason[1:]
        return sentence if sentence.endswith(".") else f"{sentence}."
    request = context.get("request")
    where = f" at {request.path}" if request is not None else ""
    return f"Nothing was found{where}, or you may not see it."


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Render every API error in the one format; unknown exceptions stay 500s (bugs)."""
    if isinstance(exc, TransitionNotAllowed | ConcurrentTransition):
        return Response(error_body("invalid_state", transition_refusal(exc)), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            detail=exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_not_found_message(str(exc), context))
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    if type(exc) is exceptions.NotFound and str(exc.detail) == str(exceptions.NotFound.default_detail):
        exc = exceptions.NotFound(_not_found_message("", context))

    response = exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response

    if isinstance(exc, ApiError):
        body = error_body(exc.error_code, str(exc.detail), exc.details)
    elif isinstance(exc, exceptions.ValidationError):
        body = error_body("invalid", _message_from_detail(exc.detail), exc.detail)
    else:
        code = DRF_CODES.get(type(exc), getattr(exc, "default_code", "error"))
        body = error_body(code, _message_from_detail(exc.detail))
    response.data = body
    return response
