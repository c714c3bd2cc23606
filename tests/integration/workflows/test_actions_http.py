"""http.request against a real local HTTP server, under the outbound host policy."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import override_settings

from workflows.actions import ActionContext, FatalError, RetryableError, get_action

SEEN: list[dict[str, Any]] = []


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        SEEN.append({"path": self.path, "headers": dict(self.headers), "body": self.rfile.read(length)})
        status = int(self.path.rsplit("/", 1)[-1]) if self.path.rsplit("/", 1)[-1].isdigit() else 200
        payload = json.dumps({"path": self.path}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    SEEN.clear()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def ctx() -> ActionContext:
    return ActionContext(
        "inst-1:step-2:1", "inst-1", "step-2", "call", 1, "alice", logging.getLogger("tests")
    )


def call(params: dict[str, Any]) -> Any:
    spec = get_action("http.request")
    assert spec is not None
    return spec(params, ctx())


@override_settings(FLOWDESK_HTTP_ALLOWED_HOSTS=["127.0.0.1"], FLOWDESK_HTTP_ALLOW_PRIVATE=True)
def test_an_allowed_request_returns_status_headers_and_json_and_sends_the_idempotency_key(
    server: str,
) -> None:
    result = call(
        {"method": "POST", "url": f"{server}/orders?x=1", "json": {"n": 1}, "headers": {"X-Trace": "t"}}
    )
    assert (result["status"], result["json"]) == (200, {"path": "/orders?x=1"})
    sent = SEEN[0]
    assert json.loads(sent["body"]) == {"n": 1}
    assert sent["headers"]["Idempotency-Key"] == "inst-1:step-2:1"
    assert sent["headers"]["X-Trace"] == "t"


@override_settings(FLOWDESK_HTTP_ALLOWED_HOSTS=["127.0.0.1"], FLOWDESK_HTTP_ALLOW_PRIVATE=True)
@pytest.mark.parametrize(("status", "error"), [(500, RetryableError), (503, RetryableError), (429, RetryableError),
                                               (404, FatalError), (400, FatalError)])  # fmt: skip
def test_server_errors_are_retryable_and_client_errors_fatal(server: str, status: int, error: type) -> None:
    with pytest.raises(error) as raised:
        call({"url": f"{server}/{status}"})
    assert raised.value.details["status"] == status


@override_settings(FLOWDESK_HTTP_ALLOWED_HOSTS=["127.0.0.1", "localhost"], FLOWDESK_HTTP_ALLOW_PRIVATE=False)
@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_loopback_is_refused_without_allow_private_even_when_the_host_is_allowed(
    server: str, host: str
) -> None:
    port = server.rsplit(":", 1)[1]
    with pytest.raises(FatalError, match="FLOWDESK_HTTP_ALLOW_PRIVATE"):
        call({"url": f"http://{host}:{port}/"})
    assert SEEN == []


@override_settings(FLOWDESK_HTTP_ALLOWED_HOSTS=[], FLOWDESK_HTTP_ALLOW_PRIVATE=True)
def test_by_default_no_host_is_allowed(server: str) -> None:
    with pytest.raises(FatalError, match="FLOWDESK_HTTP_ALLOWED_HOSTS"):
        call({"url": f"{server}/"})
    assert SEEN == []


@override_settings(FLOWDESK_HTTP_ALLOWED_HOSTS=["127.0.0.1"], FLOWDESK_HTTP_ALLOW_PRIVATE=True)
def test_a_refused_connection_is_retryable() -> None:
    with pytest.raises(RetryableError):
        call({"url": "http://127.0.0.1:9/", "timeout": 2})


@override_settings(FLOWDESK_HTTP_ALLOWED_HOSTS=["127.0.0.1"], FLOWDESK_HTTP_ALLOW_PRIVATE=True)
@pytest.mark.parametrize(
    "params",
    [{"url": "ftp://127.0.0.1/"}, {"url": "http://user:pw@127.0.0.1/"}, {"url": "http://127.0.0.1/", "headers": {"Host": "x"}},
     {"url": "http://127.0.0.1/", "headers": {"X-A": "b\r\nX-Injected: 1"}}],
)  # fmt: skip
def test_unsafe_requests_are_refused_before_connecting(server: str, params: dict[str, Any]) -> None:
    with pytest.raises(FatalError):
        call(params)
    assert SEEN == []


def test_the_settings_exist_with_safe_defaults() -> None:
    from django.conf import settings

    assert settings.FLOWDESK_HTTP_ALLOWED_HOSTS == [] or isinstance(
        settings.FLOWDESK_HTTP_ALLOWED_HOSTS, list
    )
    assert isinstance(settings.FLOWDESK_HTTP_ALLOW_PRIVATE, bool)
