"""A metrics endpoint for hosts that run only Celery workers (no web process to scrape).

FLOWDESK_METRICS_WORKER_PORT > 0 makes the worker's main process serve the Prometheus
text format on FLOWDESK_METRICS_WORKER_ADDR (default 127.0.0.1) at that port. With the
prefork pool set PROMETHEUS_MULTIPROC_DIR as well, so the children's numbers are added up.
This endpoint has no token: bind it to an address only the scraper can reach.
"""

from __future__ import annotations

import logging

from django.conf import settings

logger = logging.getLogger(__name__)
_started: dict[str, bool] = {"done": False}


def start_worker_exporter() -> bool:
    port = int(getattr(settings, "FLOWDESK_METRICS_WORKER_PORT", 0) or 0)
    if port <= 0 or _started["done"]:
        return False
    from prometheus_client import REGISTRY, CollectorRegistry, start_http_server

    from workflows.observability.metrics import multiprocess

    registry = REGISTRY
    if multiprocess():
        from prometheus_client import multiprocess as mp

        registry = CollectorRegistry()
        mp.MultiProcessCollector(registry)
    start_http_server(port, addr=settings.FLOWDESK_METRICS_WORKER_ADDR, registry=registry)
    _started["done"] = True
    logger.info("worker metrics on http://%s:%d/", settings.FLOWDESK_METRICS_WORKER_ADDR, port)
    return True
