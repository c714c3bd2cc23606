"""OpenTelemetry tracing of Django and Celery, switched on by the standard OTEL_* variables.

Off by default. It turns on when an exporter is configured the standard way
(`OTEL_TRACES_EXPORTER` other than "none", or an `OTEL_EXPORTER_OTLP_ENDPOINT` /
`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) and `OTEL_SDK_DISABLED` is not true. Everything
else (service name, sampler, headers, resource attributes) comes from the standard
variables too, read by the SDK itself. The packages are imported only then, so a
deployment without them runs unchanged (they are declared in pyproject's `otel` extra).

Django and Celery are instrumented in every process at start (Celery's publishing side
puts the trace context on each message, so a worker's task joins the request's trace);
each prefork child checks again at `worker_process_init` (the SDK restarts its export
thread after a fork).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any

logger = logging.getLogger(__name__)
_state: dict[str, bool] = {"configured": False, "celery": False}

SERVICE_NAME_DEFAULT = "flowdesk"


def enabled(environ: Mapping[str, str] | None = None) -> bool:
    """Whether the OTEL_* environment asks for traces."""
    env = os.environ if environ is None else environ
    if env.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    exporter = env.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    if exporter:
        return exporter != "none"
    return bool(env.get("OTEL_EXPORTER_OTLP_ENDPOINT") or env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))


def configure() -> bool:
    """Set up the tracer provider and instrument Django, once per process. False when off
    or when the packages are missing (logged, never fatal)."""
    if _state["configured"]:
        return True
    if not enabled():
        return False
    try:
        from opentelemetry import trace
        from opentelemetry.instrumentation.django import DjangoInstrumentor
        from opentelemetry.sdk.resources import OTELResourceDetector, Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError:
        logger.warning("OTEL_* asks for tracing but opentelemetry is not installed (pip install '.[otel]')")
        return False
    resource = Resource.create({"service.name": os.environ.get("OTEL_SERVICE_NAME", SERVICE_NAME_DEFAULT)})
    resource = resource.merge(OTELResourceDetector().detect())
    provider = TracerProvider(resource=resource)
    exporter = _exporter()
    if exporter is not None:
        provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    DjangoInstrumentor().instrument()
    _state["configured"] = True
    instrument_celery()
    logger.info("OpenTelemetry tracing is on (exporter: %s)", type(exporter).__name__ if exporter else None)
    return True


def _exporter() -> Any:
    name = os.environ.get("OTEL_TRACES_EXPORTER", "otlp").strip().lower() or "otlp"
    if name == "console":
        from opentelemetry.sdk.trace.export import ConsoleSpanExporter

        return ConsoleSpanExporter()
    if name in ("otlp", "otlp_proto_http"):
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter()
    logger.warning("OTEL_TRACES_EXPORTER=%s is not supported here (use otlp or console)", name)
    return None


def instrument_celery() -> None:
    """Instrument Celery in this (worker) process, when tracing is on."""
    if _state["celery"] or not configure():
        return
    from opentelemetry.instrumentation.celery import CeleryInstrumentor

    CeleryInstrumentor().instrument()
    _state["celery"] = True


def current_ids() -> tuple[str, str] | None:
    """(trace id, span id) of the current span as hex, when tracing is on and a span is active."""
    if not _state["configured"]:
        return None
    from opentelemetry import trace

    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return format(context.trace_id, "032x"), format(context.span_id, "016x")
