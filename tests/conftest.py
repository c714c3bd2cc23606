"""Fixtures shared by every test layer."""

from __future__ import annotations

import pytest

pytest_plugins = ["tests.support.fixtures"]


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()
