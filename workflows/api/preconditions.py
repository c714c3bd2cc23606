"""ETag and If-Match: the definition's revision guards every write to it."""

from __future__ import annotations

import re

from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from config.api_errors import ApiError

_ETAG = re.compile(r'^(?:W/)?"?(\d{1,18})"?$')


class PreconditionRequired(ApiError):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_code = "precondition_required"
    default_detail = (
        'Send If-Match with the ETag you read (e.g. If-Match: "3") so no one else\'s change is lost.'
    )


def etag(revision: int) -> str:
    return f'"{revision}"'


def with_etag(response: Response, revision: int) -> Response:
    response["ETag"] = etag(revision)
    return response


def expected_revision(request: Request) -> int:
    """The revision named by If-Match. 428 when it is missing (or `*`, which would
    overwrite blindly); 412 revision_conflict when it is not a revision at all."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        raise PreconditionRequired()
    match = _ETAG.match(header)
    if match is None:
        raise ApiError(
            f'If-Match {header[:40]!r} is not an ETag of this definition; send the ETag you read, e.g. "3".',
            code="revision_conflict",
            status_code=status.HTTP_412_PRECONDITION_FAILED,
        )
    return int(match.group(1))
