"""Logging: the correlation id on every record, and JSON lines as an option (LOG_FORMAT=json).

`CorrelationFilter` is attached to the handlers (config/settings.py LOGGING), so every
record, from any library, gets `correlation_id` (and, when known, the OpenTelemetry
`trace_id`/`span_id`). `JsonFormatter` writes one JSON object per line with the
standard fields plus anything passed in `extra=`.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from workflows.observability import correlation

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class CorrelationFilter(logging.Filter):
    """Add `correlation_id` (never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "correlation_id", ""):
            record.correlation_id = correlation.current() or "-"
        _add_trace(record)
        return True


def _add_trace(record: logging.LogRecord) -> None:
    from workflows.observability import tracing

    ids = tracing.current_ids()
    if ids is not None:
        record.trace_id, record.span_id = ids


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, correlation_id,
    exception text if any, and every `extra` field."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "correlation_id": getattr(record, "correlation_id", None) or correlation.current() or None,
            "process": record.process,
            "thread": record.threadName,
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in data and not key.startswith("_"):
                data[key] = value
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            data["stack"] = self.formatStack(record.stack_info)
        return json.dumps(data, default=str, ensure_ascii=False)


CELERY_TASK_LOGGERS = ("celery.beat", "celery.app.trace", "celery.worker.strategy")


def logging_config(*, level: str, json_lines: bool, task_level: str = "WARNING") -> dict[str, Any]:
    """The LOGGING dict settings use: console handler, correlation filter, plain or JSON.

    Celery's per-task lines (received, succeeded, beat sending a due task) go at
    `task_level`: beat fires several tasks a second, which would bury everything else."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"correlation": {"()": "workflows.observability.logs.CorrelationFilter"}},
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(correlation_id)s] %(message)s"},
            "json": {"()": "workflows.observability.logs.JsonFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json" if json_lines else "plain",
                "filters": ["correlation"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "INFO"},
            **{name: {"level": task_level} for name in CELERY_TASK_LOGGERS},
        },
    }
