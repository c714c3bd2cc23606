"""The designer benchmark's fixture: a valid 500-node definition and a signed-in session."""

from __future__ import annotations

import string
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.utils.crypto import get_random_string

from workflows.bench.graphs import wide_graph
from workflows.models import WorkflowDefinition
from workflows.services.definitions import definition_create, definition_update

BENCH_KEY = "bench-designer-500"
NODES = 500
PAIR_COLUMNS = 8  # task -> set pairs per row of the grid
PAIR_WIDTH, ROW_HEIGHT = 480, 96


def bench_graph(nodes: int = NODES) -> dict[str, Any]:
    """The validation bench's wide graph (fan-out of task -> set chains, joined), laid out on a grid
    so that no two nodes overlap: every node can be seen and clicked once the graph is fitted."""
    graph = wide_graph(nodes)
    if len(graph["nodes"]) != nodes:
        raise RuntimeError(f"wide_graph({nodes}) made {len(graph['nodes'])} nodes")
    rows = -(-(nodes - 4) // 2 // PAIR_COLUMNS)
    middle = rows * ROW_HEIGHT // 2
    right = PAIR_COLUMNS * PAIR_WIDTH
    fixed = {
        "start": (-600, middle),
        "fan": (-300, middle),
        "join": (right + 100, middle),
        "end": (right + 400, middle),
    }
    for node in graph["nodes"]:
        if node["id"] in fixed:
            x, y = fixed[node["id"]]
        else:
            branch = int(node["id"].split("_")[1])
            row, column = divmod(branch, PAIR_COLUMNS)
            x = column * PAIR_WIDTH + (220 if node["type"] == "set" else 0)
            y = row * ROW_HEIGHT
        node["position"] = {"x": x, "y": y}
    return graph


def ensure_bench_definition(user: Any, graph: dict[str, Any]) -> WorkflowDefinition:
    """The definition the designer bench opens (created once; its draft reset to `graph`)."""
    definition = WorkflowDefinition.objects.filter(key=BENCH_KEY).first()
    if definition is None:
        return definition_create(owner=user, key=BENCH_KEY, name="Bench: 500-node designer", graph=graph)
    if definition.graph != graph:
        definition = definition_update(
            definition=definition, actor=user, expected_revision=definition.revision, graph=graph
        )
    return definition


@dataclass(frozen=True)
class Credentials:
    """Cookies of a signed-in session for `user` (no password needed: the session is made here)."""

    session_cookie: str
    session_key: str
    csrf_cookie: str
    csrf_token: str

    def cookie_header(self) -> str:
        return f"{self.session_cookie}={self.session_key}; {self.csrf_cookie}={self.csrf_token}"


def signed_in(user: Any) -> Credentials:
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return Credentials(
        session_cookie=settings.SESSION_COOKIE_NAME,
        session_key=str(store.session_key),
        csrf_cookie=settings.CSRF_COOKIE_NAME,
        # a CSRF secret as Django makes them; sent both as the cookie and in X-CSRFToken
        csrf_token=get_random_string(32, string.ascii_letters + string.digits),
    )


def sign_out(credentials: Credentials) -> None:
    import_module(settings.SESSION_ENGINE).SessionStore(session_key=credentials.session_key).delete()
