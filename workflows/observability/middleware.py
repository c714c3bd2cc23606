"""Give every request a correlation id (the caller's X-Correlation-ID, or a new one) and
echo it in the response, so a client can quote it when reporting a problem."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest, HttpResponseBase

from workflows.observability import correlation

META_KEY = "HTTP_" + correlation.HEADER.upper().replace("-", "_")


class CorrelationIdMiddleware:
    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if self.is_async:
            return self._acall(request)
        value = correlation.clean(request.META.get(META_KEY)) or correlation.new_id()
        token = correlation.set_current(value)
        request.correlation_id = value  # type: ignore[attr-defined]
        try:
            response: HttpResponseBase = self.get_response(request)
        finally:
            correlation.reset(token)
        response[correlation.HEADER] = value
        return response

    async def _acall(self, request: HttpRequest) -> HttpResponseBase:
        value = correlation.clean(request.META.get(META_KEY)) or correlation.new_id()
        token = correlation.set_current(value)
        request.correlation_id = value  # type: ignore[attr-defined]
        try:
            get: Callable[[HttpRequest], Awaitable[HttpResponseBase]] = self.get_response
            response = await get(request)
        finally:
            correlation.reset(token)
        response[correlation.HEADER] = value
        return response
