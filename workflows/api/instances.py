"""Instances API: start, list, read (with steps), events, operations; the designer's dry run.

Thin views: parse, call one service or selector, render. Access: viewers of a
definition see its instances; starters and editors start them; editors, staff and the
instance's starter operate them; anyone else gets a 404.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from workflows.api.instance_serializers import (
    CancelInput,
    EventOutput,
    InstanceOutput,
    InstanceStartInput,
    InstanceSummaryOutput,
    SimulateInput,
    SimulationOutput,
    SkipInput,
    StepOutput,
)
from workflows.api.parsers import JsonApi, LimitedJSONParser
from workflows.models import InstanceStatus, WorkflowInstance
from workflows.selectors.instances import (
    can_operate,
    instance_events,
    instance_get_for_user,
    instance_list,
    instance_steps,
)
from workflows.services.errors import invalid
from workflows.services.instances import instance_start
from workflows.services.operations import (
    instance_cancel,
    instance_resume,
    instance_suspend,
    step_retry,
    step_skip,
)
from workflows.services.simulation import definition_simulate

NOT_FOUND = {404: OpenApiResponse(description="not_found (missing, or not visible to you)")}
OPERATE = {
    403: OpenApiResponse(description="permission_denied (you may view it but not operate it)"),
    409: OpenApiResponse(description="invalid_state (not possible from the current status)"),
    **NOT_FOUND,
}


def _instance_response(request: Request, instance_id: Any, status_code: int = status.HTTP_200_OK) -> Response:
    """Render an instance, fresh from the database, as `request.user` may see it."""
    instance = instance_get_for_user(user=request.user, instance_id=instance_id)
    context = {
        "request": request,
        "staff": request.user.is_staff,
        "steps": list(instance_steps(instance=instance)),
        "can_operate": can_operate(request.user, instance),
    }
    return Response(InstanceOutput(instance, context=context).data, status=status_code)


def _datetime(request: Request, name: str) -> datetime | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    value = parse_datetime(raw)
    if value is None:
        raise invalid(name, "must be an ISO 8601 date and time, e.g. 2030-01-31T09:00:00Z")
    return value


class InstanceListApi(GenericAPIView[WorkflowInstance]):
    """Instances you may see, newest first; start a new one."""

    parser_classes = [LimitedJSONParser]
    serializer_class = InstanceSummaryOutput
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[WorkflowInstance]:
        params = self.request.query_params
        status_filter = params.get("status")
        if status_filter and status_filter not in InstanceStatus.values:
            raise invalid("status", f"must be one of {', '.join(InstanceStatus.values)}")
        return instance_list(
            user=self.request.user,
            definition=params.get("definition"),
            status=status_filter,
            started_by=params.get("started_by"),
            business_key=params.get("business_key"),
            created_after=_datetime(self.request, "created_after"),
            created_before=_datetime(self.request, "created_before"),
        )

    @extend_schema(
        summary="List workflow instances",
        operation_id="instances_list",
        responses={200: InstanceSummaryOutput(many=True)},
        parameters=[
            OpenApiParameter("definition", OpenApiTypes.STR, description="Definition key"),
            OpenApiParameter("status", OpenApiTypes.STR, enum=InstanceStatus.values),
            OpenApiParameter("started_by", OpenApiTypes.STR, description="Username of the starter"),
            OpenApiParameter("business_key", OpenApiTypes.STR),
            OpenApiParameter("created_after", OpenApiTypes.DATETIME),
            OpenApiParameter("created_before", OpenApiTypes.DATETIME),
        ],
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(InstanceSummaryOutput(page, many=True).data)

    @extend_schema(
        summary="Start a workflow instance",
        request=InstanceStartInput,
        responses={
            201: InstanceOutput,
            400: OpenApiResponse(description="invalid or invalid_input (per-field details)"),
            403: OpenApiResponse(description="permission_denied (you may view but not start it)"),
            409: OpenApiResponse(description="duplicate_business_key, version_retired or not_published"),
            **NOT_FOUND,
        },
    )
    def post(self, request: Request) -> Response:
        data = InstanceStartInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        instance = instance_start(
            definition_key=values["definition"],
            version=values.get("version"),
            input=values["input"],
            business_key=values["business_key"],
            correlation_id=values["correlation_id"],
            started_by=request.user,
        )
        return _instance_response(request, instance.pk, status.HTTP_201_CREATED)


class InstanceDetailApi(JsonApi):
    @extend_schema(
        summary="Read an instance with its steps and variables", responses={200: InstanceOutput, **NOT_FOUND}
    )
    def get(self, request: Request, instance_id: str) -> Response:
        return _instance_response(request, instance_id)


class InstanceEventsApi(JsonApi):
    @extend_schema(
        summary="The instance's execution events after a sequence number",
        parameters=[
            OpenApiParameter("after", OpenApiTypes.INT, description="Only events with a greater seq"),
            OpenApiParameter("limit", OpenApiTypes.INT, description="At most this many (up to 500)"),
        ],
        responses={200: EventOutput(many=True), **NOT_FOUND},
    )
    def get(self, request: Request, instance_id: str) -> Response:
        instance = instance_get_for_user(user=request.user, instance_id=instance_id)
        try:
            after = int(request.query_params.get("after", 0))
            limit = int(request.query_params.get("limit", 500))
        except ValueError:
            raise invalid("after", "after and limit must be integers") from None
        events = instance_events(instance=instance, after=after, limit=limit)
        return Response(EventOutput(events, many=True).data)


class InstanceCancelApi(JsonApi):
    @extend_schema(
        summary="Cancel an instance (optionally compensating finished steps first)",
        request=CancelInput,
        responses={200: InstanceOutput, **OPERATE},
    )
    def post(self, request: Request, instance_id: str) -> Response:
        data = CancelInput(data=request.data)
        data.is_valid(raise_exception=True)
        instance_cancel(instance_id=instance_id, actor=request.user, **data.validated_data)
        return _instance_response(request, instance_id)


class InstanceSuspendApi(JsonApi):
    @extend_schema(
        summary="Suspend an instance (no step is dispatched until it is resumed)",
        request=None,
        responses={200: InstanceOutput, **OPERATE},
    )
    def post(self, request: Request, instance_id: str) -> Response:
        instance_suspend(instance_id=instance_id, actor=request.user)
        return _instance_response(request, instance_id)


class InstanceResumeApi(JsonApi):
    @extend_schema(
        summary="Resume a suspended instance", request=None, responses={200: InstanceOutput, **OPERATE}
    )
    def post(self, request: Request, instance_id: str) -> Response:
        instance_resume(instance_id=instance_id, actor=request.user)
        return _instance_response(request, instance_id)


class StepRetryApi(JsonApi):
    @extend_schema(
        summary="Retry a step now (a failed step of a failed instance reopens it)",
        request=None,
        responses={200: StepOutput, **OPERATE},
    )
    def post(self, request: Request, instance_id: str, step_id: str) -> Response:
        step = step_retry(instance_id=instance_id, step_id=step_id, actor=request.user)
        return Response(StepOutput(step, context={"staff": request.user.is_staff}).data)


class StepSkipApi(JsonApi):
    @extend_schema(
        summary="Skip a waiting or failed step with a given output",
        request=SkipInput,
        responses={200: StepOutput, **OPERATE},
    )
    def post(self, request: Request, instance_id: str, step_id: str) -> Response:
        data = SkipInput(data=request.data)
        data.is_valid(raise_exception=True)
        step = step_skip(
            instance_id=instance_id, step_id=step_id, actor=request.user, output=data.validated_data["output"]
        )
        return Response(StepOutput(step, context={"staff": request.user.is_staff}).data)


class DefinitionSimulateApi(JsonApi):
    """The designer's dry run: the real engine core in memory; nothing runs for real."""

    @extend_schema(
        summary="Dry-run a graph (the draft, or one you send)",
        request=SimulateInput,
        responses={
            200: SimulationOutput,
            400: OpenApiResponse(description="graph_invalid, invalid_input or invalid"),
            **NOT_FOUND,
        },
    )
    def post(self, request: Request, key: str) -> Response:
        data = SimulateInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = definition_simulate(definition_key=key, user=request.user, **data.validated_data)
        return Response(result)
