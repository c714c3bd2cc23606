"""The approvals time seam: every service reads the time through `now()`.

Tests control time with `frozen(moment)` (a context manager) or by passing
`now=` to the services that take it; production reads `django.utils.timezone.now`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from django.utils import timezone

_source: Callable[[], datetime] = timezone.now


def now() -> datetime:
    """The current time (aware)."""
    return _source()


@contextmanager
def frozen(moment: datetime | Callable[[], datetime]) -> Iterator[None]:
    """Make `now()` return `moment` (or call it, if it is a function) inside the block."""
    global _source
    previous = _source
    _source = moment if callable(moment) else (lambda: moment)
    try:
        yield
    finally:
        _source = previous
