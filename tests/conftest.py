"""Fixtures shared by every test layer."""

from __future__ import annotations

import pytest

pytest_plugins = ["tests.support.fixtures"]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the browser tests last. Playwright's sync API keeps an event loop running in
    the main thread for the rest of the session, which breaks async_to_sync in any
    Channels test collected after it."""
    items.sort(key=lambda item: "/e2e/" in str(item.path))


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:  # type: ignore[no-untyped-def]
    """Hash passwords cheaply in-process (the real hasher costs ~100 ms a password)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()
