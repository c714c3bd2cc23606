"""Token authentication for the signal endpoints, with a short per-process cache.

A signal sender (a monitoring system, an integration) sends many requests with one
token; DRF's `TokenAuthentication` reads the token and its user on every one. Here a key
that authenticated is remembered for FLOWDESK_SIGNAL_TOKEN_CACHE_SECONDS (default 5 s,
0 turns it off): a deleted token or a deactivated user stops working on these two
endpoints within that time (everywhere else at once). Unknown keys are never cached.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import TokenAuthentication

DEFAULT_SECONDS = 5.0
MAX_ENTRIES = 10_000

_lock = threading.Lock()
_known: dict[str, tuple[float, Any, Any]] = {}


class CachedTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        seconds = float(getattr(settings, "FLOWDESK_SIGNAL_TOKEN_CACHE_SECONDS", DEFAULT_SECONDS))
        now = time.monotonic()
        if seconds > 0:
            with _lock:
                found = _known.get(key)
            if found is not None and found[0] > now:
                return found[1], found[2]
        user, token = super().authenticate_credentials(key)  # AuthenticationFailed when unknown or inactive
        if seconds > 0:
            with _lock:
                if len(_known) >= MAX_ENTRIES:
                    _known.clear()
                _known[key] = (now + seconds, user, token)
        return user, token


def forget_tokens() -> None:
    """Drop the cache (tests)."""
    with _lock:
        _known.clear()


class CachedTokenScheme(OpenApiAuthenticationExtension):
    """The same `Authorization: Token <key>` in the OpenAPI document (its own component
    name: drf-spectacular keeps one class per name)."""

    target_class = "workflows.api.signal_auth.CachedTokenAuthentication"
    name = "signalTokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'Token-based authentication with required prefix "Token" (the same tokens as tokenAuth)',
        }
