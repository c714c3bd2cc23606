"""Execution events: one per status change, with the instance's next sequence number.

Types (the payload keys in brackets):

* instance: `instance_started` {definition, version, business_key}, `instance_completed`
  {result}, `instance_failed` {error}, `instance_cancelled` {reason}, `instance_compensating`
  {reason}, `instance_compensated`, `instance_suspended`, `instance_resumed`,
  `instance_reopened` {step_id}.
* step: `step_<status>` when a step is created (`step_scheduled`, `step_waiting`,
  `step_succeeded`, `step_failed`) and for each later move: `step_started` {attempt, worker,
  local}, `step_retrying` {attempt, not_before, error}, `step_scheduled` {attempt},
  `step_succeeded` {outcome?}, `step_skipped` {outcome?}, `step_failed` {error, handled},
  `step_cancelled` {reason}, `step_redelivered` {attempt, redeliveries},
  `step_compensating` {attempt}, `step_compensated`, `step_compensation_failed` {error},
  `step_reopened`.

Every event also carries `node_id` and `status` (the status after the change) in its payload.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from workflows.models import ExecutionEvent, StepExecution, WorkflowInstance


class EventLog:
    """Events appended in one transaction, numbered from the instance's `last_seq`.

    Precondition: the instance row is locked (or being inserted), so numbers are
    consecutive and never reused. The caller persists `instance.last_seq` with the rest.
    """

    def __init__(self, instance: WorkflowInstance, *, actor_id: int | None, now: datetime) -> None:
        self.instance = instance
        self.actor_id = actor_id
        self.now = now
        self.events: list[ExecutionEvent] = []

    def instance_event(self, type: str, **payload: Any) -> None:
        self._append(type, None, "", {"status": str(self.instance.status), **payload})

    def step_event(self, step: StepExecution, type: str, **payload: Any) -> None:
        self._append(type, step.id, step.node_id, {"status": str(step.status), **payload})

    def _append(self, type: str, step_id: Any, node_id: str, payload: dict[str, Any]) -> None:
        self.instance.last_seq += 1
        self.events.append(
            ExecutionEvent(
                instance_id=self.instance.id,
                seq=self.instance.last_seq,
                type=type,
                step_id=step_id,
                node_id=node_id,
                actor_id=self.actor_id,
                payload=payload,
                created_at=self.now,
            )
        )


def event_json(event: ExecutionEvent) -> dict[str, Any]:
    """The JSON form of an event, as the API and the WebSocket push serve it."""
    return {
        "seq": event.seq,
        "type": event.type,
        "step_id": str(event.step_id) if event.step_id else None,
        "node_id": event.node_id or None,
        "actor": event.actor_id,
        "payload": event.payload,
        "created_at": event.created_at.isoformat(),
    }
