"""Built graphs, cached per version id (published versions never change).

`graph_for_version` builds `workflows.engine.Graph` once per process and version;
a cache miss costs one query for the version's graph document. The cache is a small
LRU so a long-lived worker does not keep every version ever run.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from django.conf import settings

from workflows.actions import get_action
from workflows.engine import EngineOptions, Graph, RetryPolicy

MAX_CACHED_GRAPHS = 256


class RegistryCatalog:
    """The engine's ActionCatalog over the action registry: an action's `retry` defaults."""

    def retry_policy(self, action: str) -> RetryPolicy | None:
        spec = get_action(action)
        if spec is None or not spec.retry:
            return None
        return RetryPolicy().merged(spec.retry)


def engine_options() -> EngineOptions:
    return EngineOptions(max_activations_per_node=settings.FLOWDESK_MAX_ACTIVATIONS_PER_NODE)


def build_graph(document: Mapping[str, Any]) -> Graph:
    """Build a runtime graph with this deployment's options and action catalog."""
    return Graph.build(document, options=engine_options(), actions=RegistryCatalog())


_cache: OrderedDict[int, Graph] = OrderedDict()
_lock = threading.Lock()


def graph_for_version(version_id: int, document: Mapping[str, Any] | None = None) -> Graph:
    """The built graph of version `version_id` (pass its `document` when already loaded)."""
    with _lock:
        graph = _cache.get(version_id)
        if graph is not None:
            _cache.move_to_end(version_id)
            return graph
    if document is None:
        from workflows.models import WorkflowVersion

        document = WorkflowVersion.objects.values_list("graph", flat=True).get(pk=version_id)
    graph = build_graph(document)
    with _lock:
        _cache[version_id] = graph
        while len(_cache) > MAX_CACHED_GRAPHS:
            _cache.popitem(last=False)
    return graph


def clear_graph_cache() -> None:
    with _lock:
        _cache.clear()
