"""GET /metrics: Prometheus text format, for a bearer token or an allowed network only.

FLOWDESK_METRICS_TOKEN: a scraper sends `Authorization: Bearer <token>`.
FLOWDESK_METRICS_ALLOWED_NETWORKS: scrapers whose address (REMOTE_ADDR) is in one of these
networks need no token. With neither set, /metrics refuses everyone (so a deployment
never exposes it by accident). Behind a proxy, REMOTE_ADDR is the proxy: prefer the token.
"""

from __future__ import annotations

import hmac
import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest

from workflows.observability.metrics import multiprocess
from workflows.observability.metrics_db import collector


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec if item)


def _token_ok(request: HttpRequest) -> bool:
    token = settings.FLOWDESK_METRICS_TOKEN
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not token or not header.startswith("Bearer "):
        return False
    return hmac.compare_digest(header[len("Bearer ") :].strip().encode(), token.encode())


def _network_ok(request: HttpRequest) -> bool:
    spec = tuple(settings.FLOWDESK_METRICS_ALLOWED_NETWORKS)
    if not spec:
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in _networks(spec))


def _error(status: int, code: str, message: str) -> JsonResponse:
    response = JsonResponse({"error": {"code": code, "message": message}}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
    return response


_registry: CollectorRegistry | None = None


def registry() -> CollectorRegistry:
    """Multiprocess: a registry adding up every process's files, plus the database gauges.
    One process: the default registry (process metrics included) plus the database gauges."""
    global _registry
    if _registry is None:
        if multiprocess():
            from prometheus_client import multiprocess as mp

            built = CollectorRegistry()
            mp.MultiProcessCollector(built)
        else:
            built = REGISTRY
        built.register(collector)
        _registry = built
    return _registry


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not (_token_ok(request) or _network_ok(request)):
        if not settings.FLOWDESK_METRICS_TOKEN and not settings.FLOWDESK_METRICS_ALLOWED_NETWORKS:
            return _error(
                403, "metrics_disabled", "Set FLOWDESK_METRICS_TOKEN or FLOWDESK_METRICS_ALLOWED_NETWORKS."
            )
        return _error(401, "not_authenticated", "Send Authorization: Bearer <FLOWDESK_METRICS_TOKEN>.")
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
