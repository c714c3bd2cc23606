"""Versions API: list, read, diff, deprecate, retire."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from workflows.api.parsers import JsonApi
from workflows.api.serializers import DiffOutput, VersionOutput, VersionSummaryOutput
from workflows.selectors.definitions import definition_get_for_user, version_get, version_list
from workflows.services.versions import version_deprecate, version_diff, version_retire

NOT_FOUND = {404: OpenApiResponse(description="not_found")}
INVALID_STATE = {
    409: OpenApiResponse(description="invalid_state (the transition is not allowed from this status)")
}


class VersionListApi(JsonApi):
    @extend_schema(
        summary="List the versions of a definition",
        responses={200: VersionSummaryOutput(many=True), **NOT_FOUND},
    )
    def get(self, request: Request, key: str) -> Response:
        definition = definition_get_for_user(user=request.user, key=key)
        return Response(VersionSummaryOutput(version_list(definition=definition), many=True).data)


class VersionDetailApi(JsonApi):
    @extend_schema(
        summary="Read one version with its frozen graph", responses={200: VersionOutput, **NOT_FOUND}
    )
    def get(self, request: Request, key: str, number: int) -> Response:
        definition = definition_get_for_user(user=request.user, key=key)
        return Response(VersionOutput(version_get(definition=definition, number=number)).data)


class VersionDiffApi(JsonApi):
    @extend_schema(summary="What changed between two versions", responses={200: DiffOutput, **NOT_FOUND})
    def get(self, request: Request, key: str, number: int, other: int) -> Response:
        definition = definition_get_for_user(user=request.user, key=key)
        return Response(version_diff(definition=definition, a=number, b=other))


class VersionDeprecateApi(JsonApi):
    @extend_schema(
        summary="Deprecate a version (no new instances)",
        request=None,
        responses={200: VersionOutput, **NOT_FOUND, **INVALID_STATE},
    )
    def post(self, request: Request, key: str, number: int) -> Response:
        definition = definition_get_for_user(user=request.user, key=key)
        version = version_deprecate(
            version=version_get(definition=definition, number=number), actor=request.user
        )
        return Response(VersionOutput(version).data)


class VersionRetireApi(JsonApi):
    @extend_schema(
        summary="Retire a version (final)",
        request=None,
        responses={200: VersionOutput, **NOT_FOUND, **INVALID_STATE},
    )
    def post(self, request: Request, key: str, number: int) -> Response:
        definition = definition_get_for_user(user=request.user, key=key)
        version = version_retire(
            version=version_get(definition=definition, number=number), actor=request.user
        )
        return Response(VersionOutput(version).data)
