"""A JSON parser that refuses oversized, malformed and absurdly nested bodies up front."""

from __future__ import annotations

import json
from typing import IO, Any

from django.core.exceptions import RequestDataTooBig
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows.contract.limits import MAX_GRAPH_BYTES
from workflows.services.errors import PayloadTooLarge

MAX_BODY_BYTES = MAX_GRAPH_BYTES + 64 * 1024
"""A 2 MB graph plus its envelope (name, description, tags...)."""
MAX_BODY_DEPTH = 64


def _strict_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _too_deep(value: Any, limit: int) -> bool:
    if isinstance(value, dict):
        children: Any = value.values()
    elif isinstance(value, list):
        children = value
    else:
        return False
    if limit <= 0:
        return True
    return any(_too_deep(child, limit - 1) for child in children if isinstance(child, dict | list))


class LimitedJSONParser(JSONParser):
    """JSON only; 413 payload_too_large over MAX_BODY_BYTES, 400 malformed_request for
    anything that is not strict JSON (NaN, bad UTF-8, nesting deeper than 64)."""

    def parse(
        self, stream: IO[bytes] | None, media_type: str | None = None, parser_context: Any = None
    ) -> Any:
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        try:
            if declared and int(declared) > MAX_BODY_BYTES:
                raise PayloadTooLarge(f"The request body is larger than {MAX_BODY_BYTES} bytes.")
        except ValueError:
            raise ParseError("Content-Length is not a number.") from None
        raw = stream.read(MAX_BODY_BYTES + 1) if stream is not None else b""
        if len(raw) > MAX_BODY_BYTES:
            raise PayloadTooLarge(f"The request body is larger than {MAX_BODY_BYTES} bytes.")
        try:
            data = json.loads(raw.decode("utf-8"), parse_constant=_strict_constant)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError(f"The body is not valid JSON: {str(exc)[:200]}") from None
        except RecursionError:
            raise ParseError("The body nests too deeply.") from None
        if _too_deep(data, MAX_BODY_DEPTH):
            raise ParseError(f"The body nests deeper than {MAX_BODY_DEPTH} levels.")
        return data


class JsonApi(APIView):
    """Base of the workflows API views: the limited JSON parser, and Django's own body
    size refusal (raised when the body was read before parsing) as a 413 in our format."""

    parser_classes = [LimitedJSONParser]

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, RequestDataTooBig):
            exc = PayloadTooLarge(f"The request body is larger than {MAX_BODY_BYTES} bytes.")
        return super().handle_exception(exc)
