# ruff: noqa: E402  (Django is set up first: daphne may import this module before anything else)
"""A fast path for token-authenticated signals, in front of Django's ASGI handler.

Under daphne a Django request costs about 6 ms of CPU before the view runs (the ASGI
handler, a thread per request, the middleware's sync/async hops); the signal view itself
is about 10% of that. At hundreds of signals a second that overhead is the limit, so
`signal_fast_path(app)` answers the common case itself, with the same service:

* only `POST /api/instances/<id>/signals/` and `POST /api/signals/` with
  `Authorization: Token <key>`, a JSON body and an allowed Host are looked at;
* the token (cached as in `signal_auth`), the body (`signal_input.signal_body`, the
  limits of `LimitedJSONParser`) and the acceptance (`signal_inbox.signal_accept`, in a
  worker thread with that thread's database connection) are the view's own code;
* only a new accepted signal (202) is answered here. Anything else (a session cookie,
  a bad token, a bad body, 404, 403, 409, a duplicate id, any error) is handed to Django
  with the body replayed, so every refusal is Django's own answer, byte for byte.

config/asgi.py puts it in front of the application when FLOWDESK_SIGNAL_FAST_PATH is on
(the default on PostgreSQL); `workflows.api.signal_asgi:application` is the same routes
with the fast path always on.
"""

from __future__ import annotations

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup(set_prefix=False)  # first (idempotent): daphne may import this module before anything else

# isort: split
import asyncio
import contextvars
import json
import logging
import re
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import Http404
from django.http.request import split_domain_port, validate_host
from rest_framework import exceptions

from workflows.api.parsers import MAX_BODY_BYTES, MAX_BODY_DEPTH, _strict_constant, _too_deep
from workflows.api.signal_input import signal_body, signal_out
from workflows.observability import correlation

logger = logging.getLogger(__name__)

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

INSTANCE_PATH = re.compile(r"^/api/instances/(?P<instance>[0-9a-fA-F-]{32,36})/signals/$")
ROUTE_PATH = "/api/signals/"


def _security_headers(scope: Scope) -> list[tuple[bytes, bytes]]:
    """What SecurityMiddleware, XFrameOptionsMiddleware and DRF add to the view's 202."""
    headers = [(b"content-type", b"application/json"), (b"vary", b"Accept")]
    headers.append((b"x-frame-options", str(getattr(settings, "X_FRAME_OPTIONS", "DENY")).upper().encode()))
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers.append((b"x-content-type-options", b"nosniff"))
    if settings.SECURE_REFERRER_POLICY:
        policy = settings.SECURE_REFERRER_POLICY
        value = policy if isinstance(policy, str) else ",".join(policy)
        headers.append((b"referrer-policy", value.encode()))
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        headers.append((b"cross-origin-opener-policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY.encode()))
    if settings.SECURE_HSTS_SECONDS and scope.get("scheme") == "https":
        hsts = f"max-age={settings.SECURE_HSTS_SECONDS}"
        hsts += "; includeSubDomains" if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS else ""
        hsts += "; preload" if settings.SECURE_HSTS_PRELOAD else ""
        headers.append((b"strict-transport-security", hsts.encode()))
    return headers


def signal_fast_path(app: App) -> App:
    """`app` with token-authenticated signal POSTs accepted without the Django request cycle."""

    async def application(scope: Scope, receive: Receive, send: Send) -> None:
        if not _candidate(scope):
            await app(scope, receive, send)
            return
        body, more = await _read_body(receive)
        answer = None
        if not more:
            answer = await _accept(scope, body)
        if answer is None:
            await app(scope, _replay(body, more, receive), send)
            return
        status, payload, correlation_id = answer
        content = json.dumps(payload).encode()
        allow = b"POST, OPTIONS" if scope["path"] == ROUTE_PATH else b"GET, POST, HEAD, OPTIONS"
        headers = [
            *_security_headers(scope),
            (b"allow", allow),
            (b"content-length", str(len(content)).encode()),
        ]
        headers.append((correlation.HEADER.lower().encode(), correlation_id.encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": content})

    return application


def _candidate(scope: Scope) -> bool:
    if scope.get("type") != "http" or scope.get("method") != "POST":
        return False
    path = scope.get("path", "")
    if path != ROUTE_PATH and INSTANCE_PATH.match(path) is None:
        return False
    if settings.SECURE_SSL_REDIRECT and scope.get("scheme") != "https":
        return False  # Django redirects
    headers = _headers(scope)
    if "cookie" in headers or not headers.get("authorization", "").startswith("Token "):
        return False  # a session (CSRF) or another scheme: Django decides
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    host, _ = split_domain_port(headers.get("host", ""))
    return content_type == "application/json" and bool(host) and validate_host(host, settings.ALLOWED_HOSTS)


def _headers(scope: Scope) -> dict[str, str]:
    return {
        name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope.get("headers", [])
    }


async def _read_body(receive: Receive) -> tuple[bytes, bool]:
    """The body, and whether more of it is left unread (over the size limit)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), True  # a disconnect: let Django see it
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), False
        if size > MAX_BODY_BYTES:
            return b"".join(chunks), True


def _replay(body: bytes, more: bool, receive: Receive) -> Receive:
    """A `receive` giving Django the body already read, then the rest of the stream."""
    state = {"sent": False}

    async def replayed() -> dict[str, Any]:
        if not state["sent"]:
            state["sent"] = True
            return {"type": "http.request", "body": body, "more_body": more}
        return await receive()

    return replayed


async def _accept(scope: Scope, body: bytes) -> tuple[int, dict[str, Any], str] | None:
    try:
        data = json.loads(body.decode("utf-8"), parse_constant=_strict_constant)
        if _too_deep(data, MAX_BODY_DEPTH):
            return None
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    headers = _headers(scope)
    match = INSTANCE_PATH.match(scope["path"])
    token = headers["authorization"][len("Token ") :].strip()
    correlation_id = correlation.clean(headers.get(correlation.HEADER.lower())) or correlation.new_id()
    instance = match.group("instance") if match else None
    work = partial(contextvars.copy_context().run, _accept_in_thread, token, instance, data, correlation_id)
    return await asyncio.get_running_loop().run_in_executor(_executor(), work)


def _executor() -> ThreadPoolExecutor:
    """FLOWDESK_SIGNAL_ACCEPT_THREADS (default 4) threads per process, each keeping its
    database connection between requests (so a pool of DB_POOL_MAX_SIZE must leave room)."""
    found = _executors.get("accept")
    if found is None:
        threads = settings.FLOWDESK_SIGNAL_ACCEPT_THREADS
        found = _executors.setdefault(
            "accept", ThreadPoolExecutor(threads, thread_name_prefix="signal-accept")
        )
    return found


_executors: dict[str, ThreadPoolExecutor] = {}


def _accept_in_thread(
    token: str, instance: str | None, data: Any, correlation_id: str
) -> tuple[int, dict[str, Any], str] | None:
    """The view's work on an accept thread (its own database connection, kept while usable);
    None: let Django answer."""
    from workflows.api.signal_auth import CachedTokenAuthentication
    from workflows.waits.signals import routed_instance, signal_accept_checked

    bound = correlation.set_current(correlation_id)
    try:
        user, _ = CachedTokenAuthentication().authenticate_credentials(token)
        values = signal_body(data, routed=instance is None)
        target = instance or routed_instance(
            definition_key=values["definition"], business_key=values["business_key"], actor=user
        )
        acceptance = signal_accept_checked(
            instance_id=target,
            name=values["name"],
            payload=values["payload"],
            signal_id=values["id"],
            actor=user,
        )
        if acceptance.duplicate:
            return None
        body = {
            "signal": signal_out(acceptance.signal),
            "duplicate": False,
            "instance_status": acceptance.instance_status,
        }
        return 202, body, correlation_id
    except (exceptions.APIException, Http404, ValueError, LookupError):
        return None  # a refusal: Django answers it (the same checks, the same format)
    except Exception:
        logger.exception("signal fast path failed; handing the request to Django")
        return None
    finally:
        correlation.reset(bound)
        if connection.connection is not None and connection.errors_occurred:
            if connection.is_usable():
                connection.errors_occurred = False
            else:
                connection.close()


def __getattr__(name: str) -> Any:
    """`application`: config.asgi's routes behind the fast path, whatever
    FLOWDESK_SIGNAL_FAST_PATH says (built on first use: config.asgi imports this module)."""
    if name != "application":
        raise AttributeError(name)
    from config.asgi import routed

    globals()["application"] = built = signal_fast_path(routed)
    return built
