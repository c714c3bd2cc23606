"""The signal endpoints' request bodies and answers, without DRF serializer machinery.

A DRF serializer deep-copies its fields on every request; at hundreds of signals a
second that was the largest CPU cost of a request. These functions check exactly what
`SignalInput` / `RoutedSignalInput` declare (they stay the OpenAPI schema) and answer
in the same shape as `SignalOutput`, with DRF's messages, as 400 `invalid` with the
field named in `details`.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from workflows.models import ReceivedSignal
from workflows.models.signals import MAX_SIGNAL_ID_LENGTH, MAX_SIGNAL_NAME_LENGTH

SIGNAL_FIELDS = {"name": MAX_SIGNAL_NAME_LENGTH, "id": MAX_SIGNAL_ID_LENGTH}
ROUTE_FIELDS = {"definition": 64, "business_key": 200}
_datetime = serializers.DateTimeField()


def signal_body(data: Any, *, routed: bool = False) -> dict[str, Any]:
    """{name, payload, id} (and definition, business_key when `routed`), checked."""
    if data is None:
        raise serializers.ValidationError({"non_field_errors": ["No data provided"]})
    if not isinstance(data, dict):
        raise serializers.ValidationError(
            {"non_field_errors": [f"Invalid data. Expected a dictionary, but got {type(data).__name__}."]}
        )
    allowed = {"name", "payload", "id", *(ROUTE_FIELDS if routed else ())}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise serializers.ValidationError({name: ["This field is not allowed here."] for name in unknown})
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {"payload": data.get("payload")}
    required = {"name": MAX_SIGNAL_NAME_LENGTH, **(ROUTE_FIELDS if routed else {})}
    for field, limit in required.items():
        values[field] = _string(data, field, limit, errors, required=True)
    values["id"] = _string(data, "id", MAX_SIGNAL_ID_LENGTH, errors, required=False)
    if errors:
        raise serializers.ValidationError(errors)
    return values


def _string(
    data: dict[str, Any], field: str, limit: int, errors: dict[str, list[str]], *, required: bool
) -> str:
    """As StrictCharField: a string only, trimmed, not blank when required, at most `limit`."""
    if field not in data:
        if required:
            errors[field] = ["This field is required."]
        return ""
    value = data[field]
    if value is None:
        errors[field] = ["This field may not be null."]
        return ""
    if not isinstance(value, str):
        errors[field] = ["Not a valid string."]
        return ""
    value = value.strip()
    if required and not value:
        errors[field] = ["This field may not be blank."]
    elif len(value) > limit:
        errors[field] = [f"Ensure this field has no more than {limit} characters."]
    return value


def signal_out(signal: ReceivedSignal) -> dict[str, Any]:
    """The signal as `SignalOutput` renders it."""
    sent_by = signal.sent_by if signal.sent_by_id is not None else None
    return {
        "id": signal.signal_id,
        "name": signal.name,
        "payload": signal.payload,
        "instance": str(signal.instance_id),
        "status": signal.status,
        "reason": signal.reason,
        "step_id": None if signal.step_id is None else str(signal.step_id),
        "node_id": signal.node_id,
        "sent_by": getattr(sent_by, "username", None),
        "received_at": _datetime.to_representation(signal.received_at),
        "applied_at": None if signal.applied_at is None else _datetime.to_representation(signal.applied_at),
    }
