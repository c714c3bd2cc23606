"""Live-update fixtures: people, a published workflow with an approval, the channel layer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.factories import DefinitionPermissionFactory, UserFactory
from workflows.models import Role, WorkflowDefinition

from .helpers import graph_with_approval, publish

LAYERS = {
    "redis": None,  # the settings' own (channels_redis, REDIS_URL)
    "memory": {"default": {"BACKEND": "workflows.realtime.layers.ThreadSafeInMemoryChannelLayer"}},
}


@pytest.fixture(params=["redis", "memory"])
def layer(request: Any, settings: Any) -> str:
    """Run the test on channels_redis and on the standalone in-memory layer."""
    if LAYERS[request.param] is not None:
        settings.CHANNEL_LAYERS = LAYERS[request.param]
    return str(request.param)


@pytest.fixture
def application() -> Any:
    from config.asgi import application

    return application


@pytest.fixture(autouse=True)
def empty_broker() -> Iterator[None]:
    """Steps are run in-process here; drop the Celery messages the engine sends for them."""
    from config.celery import app

    yield
    app.control.purge()


@pytest.fixture
def people(transactional_db: None) -> dict[str, Any]:
    return {
        name: UserFactory(username=name)
        for name in ("olivia", "bob", "vera", "stan")  # owner, approver, viewer, stranger
    }


@pytest.fixture
def definition(people: dict[str, Any]) -> WorkflowDefinition:
    found = publish(graph_with_approval("bob"), owner=people["olivia"], key="live-expense")
    DefinitionPermissionFactory(definition=found, user=people["vera"], role=Role.VIEWER)
    return found
