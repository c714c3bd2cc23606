"""Health checks of the parts Flowdesk needs: database, broker, channel layer, workers.

Each check returns a ComponentHealth; the report is healthy only when every part is.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import asdict, dataclass

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app

BROKER_TIMEOUT_SECONDS = 2.0
WORKER_TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class ComponentHealth:
    ok: bool
    detail: str
    latency_ms: float


def _timed(check: callable) -> ComponentHealth:  # type: ignore[valid-type]
    started = time.perf_counter()
    try:
        detail = check()
        ok = True
    except Exception as exc:  # a health check reports every failure, whatever its type
        detail = f"{type(exc).__name__}: {exc}"
        ok = False
    return ComponentHealth(ok=ok, detail=detail, latency_ms=round((time.perf_counter() - started) * 1000, 1))


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return connection.vendor
    finally:
        # The broker and worker checks below wait up to seconds; hand the connection
        # back (to the pool, when there is one) instead of holding it meanwhile.
        connection.close()


def _check_broker() -> str:
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
        return conn.transport_cls if isinstance(conn.transport_cls, str) else conn.transport.driver_name


def _check_channel_layer() -> str:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")
    channel = async_to_sync(layer.new_channel)()
    marker = uuid.uuid4().hex
    async_to_sync(layer.send)(channel, {"type": "health.ping", "marker": marker})
    message = async_to_sync(layer.receive)(channel)
    if message.get("marker") != marker:
        raise RuntimeError("channel layer returned a different message")
    return type(layer).__name__


def _check_worker() -> str:
    replies = celery_app.control.ping(timeout=WORKER_TIMEOUT_SECONDS)
    if not replies:
        raise RuntimeError("no worker answered a ping")
    return f"{len(replies)} worker(s) answered"


def health_report() -> dict[str, object]:
    """Check every part; `healthy` is true only when all of them answered."""
    components = {
        "database": _timed(_check_database),
        "broker": _timed(_check_broker),
        "channel_layer": _timed(_check_channel_layer),
        "worker": _timed(_check_worker),
    }
    return {
        "healthy": all(part.ok for part in components.values()),
        "mode": "distributed" if settings.REDIS_URL else "standalone",
        "components": {name: asdict(part) for name, part in components.items()},
    }
