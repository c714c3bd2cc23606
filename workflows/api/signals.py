"""Signals API: send a signal to an instance, or route one by definition and business key.

`POST /api/instances/<id>/signals/` {name, payload, id} and `POST /api/signals/`
{definition, business_key, name, payload, id}: 202 with the signal `accepted` (a worker
applies it moments later: `delivered`, or `not_delivered` with a reason), 200 for a
repeated `id` (the first signal as it is now, nothing changed), 409
`not_waiting_for_signal` when no live step waits for that name (nothing stored). `GET`
on the first lists the signals the instance received, with their status.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request
from rest_framework.response import Response

from workflows.api.parsers import JsonApi
from workflows.api.serializers import StrictCharField, StrictInput
from workflows.api.signal_auth import CachedTokenAuthentication
from workflows.api.signal_input import signal_body, signal_out
from workflows.models import ReceivedSignal
from workflows.models.signals import MAX_SIGNAL_ID_LENGTH, MAX_SIGNAL_NAME_LENGTH
from workflows.selectors.instances import instance_get_for_user
from workflows.waits.selectors import instance_signals
from workflows.waits.signal_inbox import Acceptance
from workflows.waits.signals import routed_instance, signal_accept_checked

ERRORS = {
    400: OpenApiResponse(description="invalid (name, id, payload)"),
    403: OpenApiResponse(description="permission_denied (you may view the instance but not signal it)"),
    404: OpenApiResponse(description="not_found (no such instance visible to you)"),
    409: OpenApiResponse(description="not_waiting_for_signal (nothing changed)"),
}


class SignalInput(StrictInput):
    name = StrictCharField(max_length=MAX_SIGNAL_NAME_LENGTH)
    payload = serializers.JSONField(required=False, default=None, allow_null=True)
    id = StrictCharField(required=False, allow_blank=True, max_length=MAX_SIGNAL_ID_LENGTH, default="")


class RoutedSignalInput(SignalInput):
    definition = StrictCharField(max_length=64)
    business_key = StrictCharField(max_length=200)


class SignalOutput(serializers.ModelSerializer[ReceivedSignal]):
    id = serializers.CharField(source="signal_id", allow_blank=True)
    instance = serializers.UUIDField(source="instance_id")
    sent_by = serializers.CharField(source="sent_by.username", allow_null=True, default=None)

    class Meta:
        model = ReceivedSignal
        fields = [
            "id",
            "name",
            "payload",
            "instance",
            "status",
            "reason",
            "step_id",
            "node_id",
            "sent_by",
            "received_at",
            "applied_at",
        ]
        read_only_fields = fields


class DeliveryOutput(serializers.Serializer):
    signal = SignalOutput()
    duplicate = serializers.BooleanField()
    instance_status = serializers.CharField()


def _accepted(acceptance: Acceptance) -> Response:
    body: dict[str, Any] = {
        "signal": signal_out(acceptance.signal),
        "duplicate": acceptance.duplicate,
        "instance_status": acceptance.instance_status,
    }
    return Response(body, status=status.HTTP_200_OK if acceptance.duplicate else status.HTTP_202_ACCEPTED)


class InstanceSignalsApi(JsonApi):
    authentication_classes = [CachedTokenAuthentication, SessionAuthentication]

    @extend_schema(
        summary="Signals this instance received",
        responses={200: SignalOutput(many=True), 404: ERRORS[404]},
    )
    def get(self, request: Request, instance_id: str) -> Response:
        instance = instance_get_for_user(user=request.user, instance_id=instance_id)
        return Response(SignalOutput(instance_signals(instance=instance), many=True).data)

    @extend_schema(
        summary="Send a signal to the step of this instance waiting for it",
        request=SignalInput,
        responses={202: DeliveryOutput, 200: DeliveryOutput, **ERRORS},
    )
    def post(self, request: Request, instance_id: str) -> Response:
        values = signal_body(request.data)
        acceptance = signal_accept_checked(
            instance_id=instance_id,
            name=values["name"],
            payload=values["payload"],
            signal_id=values["id"],
            actor=request.user,
        )
        return _accepted(acceptance)


class SignalRouteApi(JsonApi):
    authentication_classes = [CachedTokenAuthentication, SessionAuthentication]

    @extend_schema(
        summary="Send a signal to the instance with this definition and business key",
        request=RoutedSignalInput,
        responses={202: DeliveryOutput, 200: DeliveryOutput, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        values = signal_body(request.data, routed=True)
        found = routed_instance(
            definition_key=values["definition"], business_key=values["business_key"], actor=request.user
        )
        acceptance = signal_accept_checked(
            instance_id=found,
            name=values["name"],
            payload=values["payload"],
            signal_id=values["id"],
            actor=request.user,
        )
        return _accepted(acceptance)
