"""The http.request action: one outbound HTTP(S) request under the host policy.

Hosts must match FLOWDESK_HTTP_ALLOWED_HOSTS (empty by default: no host is allowed
until an operator lists some) and every address they resolve to must be public unless
FLOWDESK_HTTP_ALLOW_PRIVATE is true. Redirects are not followed (a 3xx is returned as
the result). 5xx, 408, 429, timeouts and connection errors are retryable; other 4xx
are fatal. Publishing a graph that uses it needs the permission workflows.use_http_request.
"""

from __future__ import annotations

import http.client
import json
import socket
import ssl
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from workflows.actions.builtins.netguard import HostRefused, Target, resolve_target
from workflows.actions.registry import ActionContext, FatalError, RetryableError, action

MAX_RESPONSE_BYTES = 1024 * 1024
MAX_TIMEOUT = 60
FORBIDDEN_HEADERS = frozenset({"host", "content-length", "transfer-encoding", "connection", "upgrade"})
RETRYABLE_STATUS = frozenset({408, 429})
PERMISSION = "workflows.use_http_request"


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._create_connection = lambda _address, *args, **kw: socket.create_connection(
            (target.address, target.port), *args, **kw
        )


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=ssl.create_default_context())
        self._create_connection = lambda _address, *args, **kw: socket.create_connection(
            (target.address, target.port), *args, **kw
        )


@action(
    "http.request",
    label="HTTP request",
    description="Calls an allowed outside HTTP(S) endpoint",
    icon="globe",
    permission=PERMISSION,
    params_schema={
        "type": "object",
        "additionalProperties": False,
        "required": ["url"],
        "properties": {
            "method": {"enum": ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"], "default": "GET"},
            "url": {"type": "string", "pattern": "^https?://", "maxLength": 2048},
            "headers": {
                "type": "object",
                "additionalProperties": {"type": "string", "maxLength": 4096},
                "maxProperties": 50,
            },
            "json": {"description": "A JSON body (sent with Content-Type: application/json)"},
            "timeout": {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_TIMEOUT, "default": 10},
        },
    },
    output_schema={
        "type": "object",
        "properties": {
            "status": {"type": "integer"},
            "headers": {"type": "object"},
            "body": {"type": "string"},
            "json": {},
        },
    },
    retry={"max_attempts": 3, "backoff_seconds": 2, "max_backoff_seconds": 60},
)
def request(params: dict[str, Any], ctx: ActionContext) -> dict[str, Any]:
    method = str(params.get("method", "GET")).upper()
    url = urlsplit(str(params["url"]))
    if url.scheme not in {"http", "https"} or not url.hostname:
        raise FatalError("url must be an http:// or https:// URL with a host")
    if url.username or url.password:
        raise FatalError("credentials in the URL are not allowed; send an Authorization header")
    try:
        port = url.port or (443 if url.scheme == "https" else 80)
    except ValueError:
        raise FatalError("url has an invalid port") from None
    headers = {str(k): str(v) for k, v in (params.get("headers") or {}).items()}
    bad = sorted(name for name in headers if name.lower() in FORBIDDEN_HEADERS)
    if bad:
        raise FatalError(f"headers not allowed: {', '.join(bad)}")
    if any("\r" in f"{k}{v}" or "\n" in f"{k}{v}" for k, v in headers.items()):
        raise FatalError("header names and values may not contain line breaks")
    lowered = {name.lower() for name in headers}
    if "idempotency-key" not in lowered:
        headers["Idempotency-Key"] = ctx.idempotency_key
    if "user-agent" not in lowered:
        headers["User-Agent"] = "Flowdesk/1"
    body = None
    if "json" in params:
        body = json.dumps(params["json"], ensure_ascii=False).encode()
        headers.setdefault("Content-Type", "application/json")
    timeout = float(params.get("timeout", 10))

    try:
        target = resolve_target(
            url.hostname,
            port,
            allowed_hosts=settings.FLOWDESK_HTTP_ALLOWED_HOSTS,
            allow_private=settings.FLOWDESK_HTTP_ALLOW_PRIVATE,
        )
    except HostRefused as exc:
        raise FatalError(str(exc)) from exc
    except (socket.gaierror, UnicodeError) as exc:
        raise RetryableError(f"cannot resolve {url.hostname!r}: {exc}") from exc

    connection_class = _PinnedHTTPSConnection if url.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(target, timeout)
    path = (url.path or "/") + (f"?{url.query}" if url.query else "")
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        raw = response.read(MAX_RESPONSE_BYTES + 1)
    except ssl.SSLCertVerificationError as exc:
        raise FatalError(f"TLS certificate of {url.hostname!r} not trusted: {exc.verify_message}") from exc
    except (TimeoutError, OSError, http.client.HTTPException) as exc:
        raise RetryableError(f"{method} {url.hostname}: {type(exc).__name__}: {exc}") from exc
    finally:
        connection.close()
    if len(raw) > MAX_RESPONSE_BYTES:
        raise FatalError(f"the response is larger than {MAX_RESPONSE_BYTES} bytes")
    result = _result(response, raw)
    if response.status >= 500 or response.status in RETRYABLE_STATUS:
        raise RetryableError(f"{method} {url.hostname} answered {response.status}", details=result)
    if response.status >= 400:
        raise FatalError(f"{method} {url.hostname} answered {response.status}", details=result)
    return result


def _result(response: http.client.HTTPResponse, raw: bytes) -> dict[str, Any]:
    text = raw.decode(response.headers.get_content_charset() or "utf-8", errors="replace")
    parsed: Any = None
    if response.headers.get_content_type().endswith("json") and text:
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
    return {
        "status": response.status,
        "headers": {k.lower(): v for k, v in response.headers.items()},
        "body": text,
        "json": parsed,
    }
