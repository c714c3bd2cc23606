"""Which requests the signal fast path answers itself: token-authenticated JSON POSTs to
the two signal endpoints on an allowed host; everything else goes to Django."""

from __future__ import annotations

import pytest

from workflows.api.signal_asgi import _candidate

INSTANCE = "/api/instances/0b6f8a3e-4a63-4c6f-9d3e-6c1a2b3c4d5e/signals/"
TOKEN = [(b"authorization", b"Token abc"), (b"content-type", b"application/json"), (b"host", b"localhost")]


def _scope(path: str = INSTANCE, method: str = "POST", headers: list[tuple[bytes, bytes]] = TOKEN) -> dict:
    return {"type": "http", "method": method, "path": path, "scheme": "http", "headers": headers}


@pytest.fixture(autouse=True)
def _plain_http(settings) -> None:  # type: ignore[no-untyped-def]
    settings.SECURE_SSL_REDIRECT = False
    settings.ALLOWED_HOSTS = ["localhost"]


@pytest.mark.parametrize("path", [INSTANCE, "/api/signals/"])
def test_token_authenticated_json_posts_to_the_signal_endpoints_take_the_fast_path(path: str) -> None:
    assert _candidate(_scope(path)) is True


@pytest.mark.parametrize(
    "scope",
    [
        _scope(method="GET"),
        _scope(path="/api/instances/"),
        _scope(path=INSTANCE + "x"),
        _scope(headers=[*TOKEN, (b"cookie", b"sessionid=1")]),
        _scope(headers=[(b"authorization", b"Bearer abc"), *TOKEN[1:]]),
        _scope(headers=[TOKEN[0], (b"content-type", b"text/plain"), TOKEN[2]]),
        _scope(headers=[*TOKEN[:2], (b"host", b"evil.example")]),
        {**_scope(), "type": "websocket"},
    ],
    ids=["get", "other-path", "longer-path", "session-cookie", "bearer", "not-json", "bad-host", "websocket"],
)
def test_everything_else_goes_to_django(scope: dict) -> None:
    assert _candidate(scope) is False


def test_with_ssl_redirect_plain_http_goes_to_django(settings) -> None:  # type: ignore[no-untyped-def]
    settings.SECURE_SSL_REDIRECT = True
    assert _candidate(_scope()) is False
    assert _candidate({**_scope(), "scheme": "https"}) is True
