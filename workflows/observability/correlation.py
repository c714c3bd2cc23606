"""The correlation id: one value that ties an API request, the instance it started, the
Celery messages sent for it and every log line written along the way.

It lives in a context variable: the middleware sets it for a request (from the
`X-Correlation-ID` header, or a new one), Celery messages carry it in a header and the
worker sets it around each task (workflows.observability.celery_hooks), and the logging
filter copies it onto every record. `instance_start` stores it on the instance.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token

HEADER = "X-Correlation-ID"
CELERY_HEADER = "flowdesk_correlation_id"
MAX_LENGTH = 128
_VALID = re.compile(r"^[A-Za-z0-9._:/=+\-]{1," + str(MAX_LENGTH) + "}$")

_current: ContextVar[str] = ContextVar("flowdesk_correlation_id", default="")


def current() -> str:
    """The correlation id of what this code is doing now ("" outside any request or task)."""
    return _current.get()


def new_id() -> str:
    return uuid.uuid4().hex


def clean(value: object) -> str:
    """`value` when it is an acceptable id (letters, digits and ._:/=+-, at most 128), else ""."""
    if not isinstance(value, str):
        return ""
    value = value.strip()
    return value if _VALID.match(value) else ""


def set_current(value: str) -> Token[str]:
    return _current.set(value)


def reset(token: Token[str]) -> None:
    _current.reset(token)


@contextmanager
def bound(value: str) -> Iterator[str]:
    """Run a block with `value` (or a new id when empty) as the correlation id."""
    value = clean(value) or new_id()
    token = _current.set(value)
    try:
        yield value
    finally:
        _current.reset(token)
