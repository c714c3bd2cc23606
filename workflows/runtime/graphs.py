"""Built graphs, cached per version id (published versions never change).

`graph_for_version` builds `workflows.engine.Graph` once per process and version;
a cache miss costs one query for the version's graph document (and number).
`built_version` also keeps the version's `inputs` declaration and number, so starting
an instance needs neither the version row nor its graph once the version is cached. The cache is a small
LRU so a long-lived worker does not keep every version ever run.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
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


@dataclass(frozen=True)
class BuiltVersion:
    """What the runtime needs of a published version, kept per process: the built graph,
    the `inputs` declaration (instances' input is checked against it) and the number."""

    graph: Graph
    inputs: Mapping[str, Any] | None
    number: int


_cache: OrderedDict[int, BuiltVersion] = OrderedDict()
_lock = threading.Lock()


def built_version(
    version_id: int, document: Mapping[str, Any] | None = None, number: int | None = None
) -> BuiltVersion:
    """Version `version_id`, built (pass its `document` and `number` when already loaded;
    otherwise a cache miss reads them in one query)."""
    with _lock:
        found = _cache.get(version_id)
        if found is not None:
            _cache.move_to_end(version_id)
            return found
    if document is None or number is None:
        from workflows.models import WorkflowVersion

        document, number = WorkflowVersion.objects.values_list("graph", "number").get(pk=version_id)
    found = BuiltVersion(build_graph(document), document.get("inputs"), number)
    with _lock:
        _cache[version_id] = found
        while len(_cache) > MAX_CACHED_GRAPHS:
            _cache.popitem(last=False)
    return found


def graph_for_version(version_id: int) -> Graph:
    """The built graph of version `version_id`."""
    return built_version(version_id).graph


def clear_graph_cache() -> None:
    with _lock:
        _cache.clear()
