"""The graph contract as data: node types, actions, and the graph document's JSON Schema."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from workflows.actions import all_actions
from workflows.api.parsers import JsonApi
from workflows.api.serializers import NodeTypesOutput
from workflows.contract.graph_schema import GRAPH_SCHEMA
from workflows.contract.node_types import node_types_json


class NodeTypesApi(JsonApi):
    """Every node type and every registered action, with the JSON Schemas the server
    validates configs and params with (the designer builds its forms from them)."""

    @extend_schema(summary="Node types and actions", responses={200: NodeTypesOutput})
    def get(self, request: Request) -> Response:
        actions: list[dict[str, Any]] = []
        for spec in all_actions():
            entry = spec.as_json()
            entry["allowed"] = spec.permission is None or request.user.has_perm(spec.permission)
            actions.append(entry)
        return Response({"node_types": node_types_json(), "actions": actions})


class GraphSchemaApi(JsonApi):
    """The JSON Schema (draft 2020-12) of a flowdesk.graph/v1 document."""

    @extend_schema(summary="JSON Schema of the graph format", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        return Response(GRAPH_SCHEMA)
