"""Inbound webhooks: `POST /api/hooks/<trigger key>/`, authenticated by an HMAC signature.

No session, no token: the `X-Flowdesk-Signature: sha256=<hex>` header over the raw body
with the trigger's secret is the credential (so no CSRF either). Answers: 202 started
(with the run and the instance), 200 for a repeated `X-Flowdesk-Delivery` id (the first
run), 401 bad_signature (nothing started), 404 for an unknown key, 400 invalid_json,
mapping_failed or invalid_input, 409 trigger_disabled, duplicate_business_key or why the
workflow could not start. Every outcome is recorded as a trigger run.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from config.api_errors import ApiError
from workflows.api.parsers import JsonApi
from workflows.models import TriggerRun, TriggerRunStatus
from workflows.waits.errors import BadSignature
from workflows.waits.webhooks import hook_receive

BAD_REQUEST_CODES = frozenset({"invalid_json", "mapping_failed", "invalid_input", "invalid"})


class TriggerRunOutput(serializers.ModelSerializer[TriggerRun]):
    trigger = serializers.CharField(source="trigger.key")
    instance = serializers.UUIDField(source="instance_id", allow_null=True)

    class Meta:
        model = TriggerRun
        fields = ["id", "trigger", "status", "delivery_id", "instance", "input", "error", "received_at"]
        read_only_fields = fields


class HookReceiveApi(JsonApi):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    parser_classes: list[Any] = []  # the signature covers the raw bytes, read as they came

    @extend_schema(
        summary="Receive a signed webhook and start the trigger's workflow",
        request={"application/json": {"type": "object"}},
        responses={
            202: TriggerRunOutput,
            200: OpenApiResponse(TriggerRunOutput, description="a repeated delivery id: the first run"),
            400: OpenApiResponse(description="invalid_json, mapping_failed or invalid_input"),
            401: OpenApiResponse(description="bad_signature (nothing started)"),
            404: OpenApiResponse(description="not_found (no such webhook)"),
            409: OpenApiResponse(
                description="trigger_disabled, duplicate_business_key, or why it could not start"
            ),
        },
    )
    def post(self, request: Request, trigger_key: str) -> Response:
        result = hook_receive(
            trigger_key=trigger_key,
            body=request.body,
            headers=dict(request.headers),
            remote=str(request.META.get("REMOTE_ADDR", "")),
        )
        run = result.run
        if run.status == TriggerRunStatus.REJECTED:
            raise BadSignature()
        body = TriggerRunOutput(run).data
        if result.duplicate:
            return Response(body, status=status.HTTP_200_OK)
        if run.status == TriggerRunStatus.STARTED:
            return Response(body, status=status.HTTP_202_ACCEPTED)
        error = run.error or {}
        code = str(error.get("code") or "not_started")
        raise ApiError(
            str(error.get("message") or "The workflow was not started."),
            code=code,
            details={"run": run.pk, "cause": error.get("details")},
            status_code=status.HTTP_400_BAD_REQUEST
            if code in BAD_REQUEST_CODES
            else status.HTTP_409_CONFLICT,
        )
