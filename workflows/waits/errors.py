"""Errors of signals, sub-workflows, schedules and triggers, each with its API code."""

from __future__ import annotations

from typing import Any

from rest_framework import status

from config.api_errors import ApiError, Conflict

SUBWORKFLOW_DEPTH_EXCEEDED = "subworkflow_depth_exceeded"
SUBWORKFLOW_START_FAILED = "subworkflow_start_failed"


class NotWaitingForSignal(Conflict):
    """No live step of the instance waits for a signal of this name; nothing changed."""

    default_code = "not_waiting_for_signal"

    def __init__(self, *, instance_id: Any, name: str, status: str, waiting_for: list[str]) -> None:
        waits = ", ".join(sorted(set(waiting_for))) or "no signal"
        super().__init__(
            f"Instance {instance_id} is not waiting for signal {name!r} (it is {status}, waiting for {waits}).",
            details={
                "instance": str(instance_id),
                "name": name,
                "status": status,
                "waiting_for": waiting_for,
            },
        )


class BadSignature(ApiError):
    status_code = status.HTTP_401_UNAUTHORIZED
    default_code = "bad_signature"
    default_detail = "The X-Flowdesk-Signature header is missing or does not match the body."


class TriggerDisabled(Conflict):
    default_code = "trigger_disabled"


class NoSuchTrigger(ApiError):
    status_code = status.HTTP_404_NOT_FOUND
    default_code = "not_found"
