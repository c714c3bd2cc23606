"""Daphne hands form bodies to Django untouched with Twisted's own form parsing off
(config.daphne_requests): a sign-in form posted urlencoded or multipart reaches Django's view."""

from __future__ import annotations

import http.client
import re
import uuid
from pathlib import Path

import pytest

from tests.support.processes import daphne_args, free_port, process_env, running, wait_for_http

pytestmark = pytest.mark.slow
WRONG_LOGIN = b"Your username and password did not match"


def _sign_in_form(port: int) -> tuple[str, str]:
    """The CSRF cookie and the form's token from the sign-in page."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    conn.request("GET", "/accounts/login/")
    response = conn.getresponse()
    page = response.read()
    cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert cookie and token, "the sign-in page has a CSRF cookie and token"
    return cookie.group(1), token.group(1).decode()


def _post(port: int, cookie: str, body: bytes, content_type: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    headers = {
        "Content-Type": content_type,
        "Cookie": f"csrftoken={cookie}",
        "Referer": f"http://127.0.0.1:{port}/",
    }
    conn.request("POST", "/accounts/login/", body=body, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


def _multipart(fields: dict[str, str]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    return ("".join(parts) + f"--{boundary}--\r\n").encode(), f"multipart/form-data; boundary={boundary}"


def test_form_posts_reach_django_through_daphne_urlencoded_and_multipart(
    test_database_url: str, tmp_path: Path
) -> None:
    # given: a web node, the sign-in form's CSRF token
    port = free_port()
    env = process_env({"DATABASE_URL": test_database_url, "SECURE_SSL_REDIRECT": "false"})
    with running(daphne_args(port), env, log=tmp_path / "daphne.log") as web:
        wait_for_http(f"http://127.0.0.1:{port}/accounts/login/", timeout=30, process=web)
        cookie, token = _sign_in_form(port)
        fields = {"csrfmiddlewaretoken": token, "username": "nobody", "password": "wrong " * 2000}

        # when: the same form, both encodings
        encoded = "&".join(f"{name}={value.replace(' ', '+')}" for name, value in fields.items())
        urlencoded = _post(port, cookie, encoded.encode(), "application/x-www-form-urlencoded")
        multipart = _post(port, cookie, *_multipart(fields))

    # then: Django read every field (the CSRF check passed, the credentials were checked)
    for status, page in (urlencoded, multipart):
        assert status == 200
        assert WRONG_LOGIN in page
