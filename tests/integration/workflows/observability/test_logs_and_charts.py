"""JSON log lines and the settings that wire them; the dashboard's SVG escapes what it draws."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime, timedelta

from django.conf import settings

from workflows.observability import correlation
from workflows.observability.logs import CorrelationFilter, JsonFormatter, logging_config
from workflows.pages.charts import duration_bars, status_bars, throughput_columns
from workflows.pages.dashboard import Percentiles, Throughput


def record(message: str, **extra: object) -> logging.LogRecord:
    made = logging.LogRecord("flowdesk.test", logging.WARNING, __file__, 1, message, (), None)
    for key, value in extra.items():
        setattr(made, key, value)
    return made


def test_a_json_line_carries_the_correlation_id_extra_fields_and_the_exception() -> None:
    with correlation.bound("req-42"):
        line = record("step %s failed", order="A-1")
        line.args = ("b",)
        try:
            raise ValueError("boom")
        except ValueError:
            line.exc_info = sys.exc_info()
        CorrelationFilter().filter(line)
        data = json.loads(JsonFormatter().format(line))
    assert data["message"] == "step b failed"
    assert (data["level"], data["logger"], data["correlation_id"], data["order"]) == (
        "WARNING", "flowdesk.test", "req-42", "A-1",
    )  # fmt: skip
    assert "ValueError: boom" in data["exception"]
    assert datetime.fromisoformat(data["time"]).utcoffset() == timedelta(0)


def test_outside_a_request_lines_say_so_and_the_settings_use_the_filter() -> None:
    line = record("idle")
    CorrelationFilter().filter(line)
    assert line.correlation_id == "-"
    handler = settings.LOGGING["handlers"]["console"]
    assert handler["filters"] == ["correlation"]
    assert (
        settings.LOGGING["filters"]["correlation"]["()"] == "workflows.observability.logs.CorrelationFilter"
    )
    assert logging_config(level="INFO", json_lines=True)["handlers"]["console"]["formatter"] == "json"
    assert settings.CELERY_WORKER_HIJACK_ROOT_LOGGER is False


def test_charts_escape_names_and_draw_every_value() -> None:
    evil = '<script>alert("x")</script>'
    bars = duration_bars([Percentiles(evil, 3, 0.1, 0.2, 0.3)])
    assert "<script>" not in bars and "&lt;script&gt;" in bars
    statuses = status_bars({"running": 3, "failed": 1})
    assert 'data-status="running"' in statuses and ">3<" in statuses
    minute = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
    columns = throughput_columns(Throughput([minute, minute + timedelta(minutes=1)], [2, 0], [1, 0], [1, 0]))
    assert "12:00: 2 started, 1 completed, 1 failed" in columns
