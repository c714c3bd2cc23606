"""Definitions API: list, create, read, change, delete, validate, publish, export, import."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from workflows.api.parsers import JsonApi
from workflows.api.preconditions import expected_revision, with_etag
from workflows.api.serializers import (
    DefinitionCreateInput,
    DefinitionOutput,
    DefinitionSummaryOutput,
    DefinitionUpdateInput,
    ExportDocument,
    PublishInput,
    ValidateInput,
    ValidationOutput,
    VersionOutput,
)
from workflows.contract.canonical import canonical_json
from workflows.contract.limits import MAX_GRAPH_BYTES
from workflows.models import WorkflowDefinition
from workflows.selectors.definitions import definition_get_for_user, definition_list_for_user
from workflows.services.capabilities import DjangoCapabilityPort
from workflows.services.definitions import definition_create, definition_delete, definition_update
from workflows.services.errors import PayloadTooLarge
from workflows.services.transfer import definition_export, definition_import
from workflows.services.versions import version_publish
from workflows.validation import has_errors, validate_graph

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description='The ETag you read, e.g. "3"',
)
ERRORS = {
    400: OpenApiResponse(description="invalid, malformed_request or graph_invalid"),
    404: OpenApiResponse(description="not_found (missing, or not visible to you)"),
}


def _output(
    request: Request,
    definition: WorkflowDefinition,
    status_code: int = status.HTTP_200_OK,
    *,
    reread: bool = True,
) -> Response:
    # Re-read through the selector so the access annotations and latest version are fresh
    # (an update keeps the annotations of the row it changed: neither can have moved).
    fresh = definition_get_for_user(user=request.user, key=definition.key) if reread else definition
    response = Response(DefinitionOutput(fresh, context={"request": request}).data, status=status_code)
    return with_etag(response, fresh.revision)


class DefinitionListApi(GenericAPIView[WorkflowDefinition], JsonApi):
    """Definitions you may see; create a new one (you become its owner)."""

    serializer_class = DefinitionSummaryOutput
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[WorkflowDefinition]:
        params = self.request.query_params
        return definition_list_for_user(
            user=self.request.user,
            tag=params.get("tag"),
            owner=params.get("owner"),
            search=params.get("search"),
        )

    @extend_schema(
        summary="List workflow definitions",
        operation_id="definitions_list",
        responses={200: DefinitionSummaryOutput(many=True)},
        parameters=[
            OpenApiParameter("tag", OpenApiTypes.STR, description="Only definitions with this tag"),
            OpenApiParameter(
                "owner", OpenApiTypes.STR, description="Only definitions of this owner (username)"
            ),
            OpenApiParameter("search", OpenApiTypes.STR, description="Text in the key or name"),
        ],
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(
            DefinitionSummaryOutput(page, many=True, context={"request": request}).data
        )

    @extend_schema(
        summary="Create a workflow definition",
        request=DefinitionCreateInput,
        responses={201: DefinitionOutput, 409: OpenApiResponse(description="key_taken"), **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = DefinitionCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        definition = definition_create(owner=request.user, **data.validated_data)
        return _output(request, definition, status.HTTP_201_CREATED)


class DefinitionDetailApi(JsonApi):
    """One definition with its draft graph; writes need If-Match with its ETag."""

    @extend_schema(summary="Read a workflow definition", responses={200: DefinitionOutput, **ERRORS})
    def get(self, request: Request, key: str) -> Response:
        definition = definition_get_for_user(user=request.user, key=key)
        return with_etag(
            Response(DefinitionOutput(definition, context={"request": request}).data), definition.revision
        )

    @extend_schema(
        summary="Change a workflow definition",
        request=DefinitionUpdateInput,
        parameters=[IF_MATCH],
        responses={
            200: DefinitionOutput,
            412: OpenApiResponse(description="revision_conflict"),
            428: OpenApiResponse(description="precondition_required"),
            **ERRORS,
        },
    )
    def put(self, request: Request, key: str) -> Response:
        return self._update(request, key)

    @extend_schema(
        summary="Change some fields of a workflow definition",
        request=DefinitionUpdateInput,
        parameters=[IF_MATCH],
        responses={
            200: DefinitionOutput,
            412: OpenApiResponse(description="revision_conflict"),
            428: OpenApiResponse(description="precondition_required"),
            **ERRORS,
        },
    )
    def patch(self, request: Request, key: str) -> Response:
        return self._update(request, key)

    def _update(self, request: Request, key: str) -> Response:
        definition = definition_get_for_user(user=request.user, key=key, defer_graph=True)
        revision = expected_revision(request)
        data = DefinitionUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        definition = definition_update(
            definition=definition, actor=request.user, expected_revision=revision, **data.validated_data
        )
        return _output(request, definition, reread=False)

    @extend_schema(
        summary="Delete a workflow definition and its versions",
        parameters=[IF_MATCH],
        responses={204: None, 409: OpenApiResponse(description="definition_in_use"), **ERRORS},
    )
    def delete(self, request: Request, key: str) -> Response:
        definition = definition_get_for_user(user=request.user, key=key)
        definition_delete(
            definition=definition, actor=request.user, expected_revision=expected_revision(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class DefinitionValidateApi(JsonApi):
    """Run the whole validation pipeline on the stored draft or on a graph you send."""

    @extend_schema(
        summary="Validate a graph", request=ValidateInput, responses={200: ValidationOutput, **ERRORS}
    )
    def post(self, request: Request, key: str) -> Response:
        definition = definition_get_for_user(user=request.user, key=key)
        data = ValidateInput(data=request.data)
        data.is_valid(raise_exception=True)
        graph = data.validated_data.get("graph", definition.graph)
        if len(canonical_json(graph)) > MAX_GRAPH_BYTES:
            raise PayloadTooLarge(f"The graph is larger than {MAX_GRAPH_BYTES} bytes.")
        problems = validate_graph(graph, port=DjangoCapabilityPort(request.user))
        body = {"valid": not has_errors(problems), "problems": [problem.as_json() for problem in problems]}
        return Response(body)


class DefinitionPublishApi(JsonApi):
    """Validate the draft and freeze it as the next immutable version."""

    @extend_schema(
        summary="Publish the draft as a new version",
        request=PublishInput,
        responses={201: VersionOutput, 409: OpenApiResponse(description="version_unchanged"), **ERRORS},
    )
    def post(self, request: Request, key: str) -> Response:
        definition = definition_get_for_user(user=request.user, key=key)
        data = PublishInput(data=request.data)
        data.is_valid(raise_exception=True)
        version = version_publish(
            definition=definition, actor=request.user, notes=data.validated_data.get("notes", "")
        )
        return Response(VersionOutput(version).data, status=status.HTTP_201_CREATED)


class DefinitionExportApi(JsonApi):
    """The draft and its descriptive fields as a portable document."""

    @extend_schema(summary="Export a workflow definition", responses={200: ExportDocument, **ERRORS})
    def get(self, request: Request, key: str) -> Response:
        definition = definition_get_for_user(user=request.user, key=key)
        return Response(definition_export(definition=definition))


class DefinitionImportApi(JsonApi):
    """Create a definition from an export document (edit its key to import a copy)."""

    @extend_schema(
        summary="Import a workflow definition",
        request=ExportDocument,
        parameters=[OpenApiParameter("key", OpenApiTypes.STR, description="Import under this key instead")],
        responses={
            201: DefinitionOutput,
            409: OpenApiResponse(description="key_taken"),
            413: OpenApiResponse(description="payload_too_large"),
            **ERRORS,
        },
    )
    def post(self, request: Request) -> Response:
        definition = definition_import(
            owner=request.user, document=request.data, key=request.query_params.get("key")
        )
        return _output(request, definition, status.HTTP_201_CREATED)
