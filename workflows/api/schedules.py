"""Schedules API: `/api/schedules/` (list, create), `/api/schedules/<id>/` (read, change,
delete) and `/api/schedules/<id>/runs/` (what each due time did).

Viewers of a workflow see its schedules; editors manage them. A schedule starts its
instances as the person who created it.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from workflows.api.instance_serializers import JsonObjectField
from workflows.api.parsers import JsonApi, LimitedJSONParser
from workflows.api.serializers import StrictCharField, StrictInput
from workflows.models import MissedRuns, Schedule, ScheduleRun
from workflows.waits.schedules import schedule_create, schedule_delete, schedule_update
from workflows.waits.selectors import schedule_get, schedule_list, schedule_runs

MANAGE = {
    400: OpenApiResponse(description="invalid (cron, timezone, ...) or invalid_input"),
    403: OpenApiResponse(description="permission_denied (only editors manage schedules)"),
    404: OpenApiResponse(description="not_found"),
}


class ScheduleFields(StrictInput):
    name = StrictCharField(max_length=200)
    cron = StrictCharField(max_length=100)
    timezone = StrictCharField(max_length=64)
    version = serializers.IntegerField(min_value=1, allow_null=True)
    input = JsonObjectField()
    enabled = serializers.BooleanField()
    missed = serializers.ChoiceField(choices=MissedRuns.choices)


class ScheduleCreateInput(ScheduleFields):
    definition = StrictCharField(max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("timezone", "version", "input", "enabled", "missed"):
            self.fields[name].required = False


class ScheduleUpdateInput(ScheduleFields):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class ScheduleOutput(serializers.ModelSerializer[Schedule]):
    definition = serializers.CharField(source="definition.key")
    run_as = serializers.CharField(source="run_as.username")

    class Meta:
        model = Schedule
        fields = [
            "id", "definition", "name", "cron", "timezone", "version", "input", "enabled", "missed",
            "run_as", "next_run_at", "last_run_at", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class ScheduleRunOutput(serializers.ModelSerializer[ScheduleRun]):
    instance = serializers.UUIDField(source="instance_id", allow_null=True)

    class Meta:
        model = ScheduleRun
        fields = ["id", "scheduled_for", "status", "instance", "missed", "error", "created_at"]
        read_only_fields = fields


class ScheduleListApi(GenericAPIView[Schedule]):
    parser_classes = [LimitedJSONParser]
    serializer_class = ScheduleOutput
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return schedule_list(user=self.request.user, definition=self.request.query_params.get("definition"))

    @extend_schema(
        summary="Schedules you may see",
        parameters=[OpenApiParameter("definition", OpenApiTypes.STR, description="Definition key")],
        responses={200: ScheduleOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ScheduleOutput(page, many=True).data)

    @extend_schema(
        summary="Schedule a workflow (cron in a time zone)",
        request=ScheduleCreateInput,
        responses={201: ScheduleOutput, **MANAGE},
    )
    def post(self, request: Request) -> Response:
        data = ScheduleCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        definition = values.pop("definition")
        schedule = schedule_create(definition_key=definition, actor=request.user, **values)
        return Response(ScheduleOutput(schedule).data, status=status.HTTP_201_CREATED)


class ScheduleDetailApi(JsonApi):
    @extend_schema(summary="Read a schedule", responses={200: ScheduleOutput, 404: MANAGE[404]})
    def get(self, request: Request, schedule_id: int) -> Response:
        return Response(ScheduleOutput(schedule_get(user=request.user, schedule_id=schedule_id)).data)

    @extend_schema(
        summary="Change a schedule", request=ScheduleUpdateInput, responses={200: ScheduleOutput, **MANAGE}
    )
    def patch(self, request: Request, schedule_id: int) -> Response:
        schedule = schedule_get(user=request.user, schedule_id=schedule_id)
        data = ScheduleUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        updated = schedule_update(schedule=schedule, actor=request.user, **data.validated_data)
        return Response(ScheduleOutput(updated).data)

    @extend_schema(summary="Delete a schedule", responses={204: None, **MANAGE})
    def delete(self, request: Request, schedule_id: int) -> Response:
        schedule = schedule_get(user=request.user, schedule_id=schedule_id)
        schedule_delete(schedule=schedule, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ScheduleRunsApi(JsonApi):
    @extend_schema(
        summary="What the schedule's due times did (newest first, up to 200)",
        responses={200: ScheduleRunOutput(many=True), 404: MANAGE[404]},
    )
    def get(self, request: Request, schedule_id: int) -> Response:
        schedule = schedule_get(user=request.user, schedule_id=schedule_id)
        return Response(ScheduleRunOutput(schedule_runs(schedule=schedule), many=True).data)
