"""The signal endpoints' hand-written body check agrees with the serializers that
document it (SignalInput, RoutedSignalInput): same values, same errors."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework import serializers

from workflows.api.signal_input import signal_body
from workflows.api.signals import RoutedSignalInput, SignalInput

BODIES: list[Any] = [
    {"name": "go"},
    {"name": " go ", "payload": {"a": [1, 2]}, "id": " x "},
    {"name": "go", "payload": None, "id": ""},
    {"name": "go", "id": None},
    {},
    {"name": 5},
    {"name": ""},
    {"name": "   "},
    {"name": None},
    {"name": "x" * 201},
    {"name": "go", "id": "x" * 201},
    {"name": "go", "id": 7},
    {"name": "go", "extra": 1},
    {"name": "go", "definition": "d", "business_key": "b"},
    {"definition": "d", "business_key": "", "name": "go"},
    {"definition": 3, "name": "go"},
    {"definition": "d" * 65, "business_key": "b" * 201, "name": "go", "payload": [1]},
    [],
    "go",
    None,
]


def _serializer(cls: type[serializers.Serializer], body: Any) -> tuple[str, Any]:
    found = cls(data=body)
    if found.is_valid():
        return "ok", dict(found.validated_data)
    return "invalid", {key: [str(m) for m in value] for key, value in found.errors.items()}


def _ours(body: Any, routed: bool) -> tuple[str, Any]:
    try:
        return "ok", signal_body(body, routed=routed)
    except serializers.ValidationError as exc:
        return "invalid", {key: [str(m) for m in value] for key, value in exc.detail.items()}


@pytest.mark.parametrize("routed", [False, True])
@pytest.mark.parametrize("body", BODIES)
def test_the_signal_body_check_matches_the_documented_serializer(body: Any, routed: bool) -> None:
    expected = _serializer(RoutedSignalInput if routed else SignalInput, body)
    assert _ours(body, routed) == expected
