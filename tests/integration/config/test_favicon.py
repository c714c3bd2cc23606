"""Every page has an icon: pages name it, and /favicon.ico (asked for by the admin's and the
API's pages, which name none) leads to it instead of a 404 in the log."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_favicon_ico_redirects_to_the_icon_that_exists() -> None:
    response = Client().get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/img/favicon.svg"
    icon = Client().get(response["Location"])
    assert icon.status_code == 200
    assert b"<svg" in b"".join(icon.streaming_content)


def test_pages_name_their_icon() -> None:
    client = Client()
    client.force_login(UserFactory())
    page = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/img/favicon.svg"' in page
