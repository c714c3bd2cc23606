"""Errors the engine core reports and the error value it records on steps and instances."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class ErrorInfo:
    """What went wrong, as recorded on a step or an instance.

    `type` is a stable snake_case code (an action's exception class name, or one of
    the engine codes below); `message` is for a person; `retryable` tells the core
    whether a failed attempt may be retried under the node's retry policy.
    """

    type: str
    message: str
    retryable: bool = True

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON form stored on rows and exposed as `steps.<id>.error`."""
        return {"type": self.type, "message": self.message, "retryable": self.retryable}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ErrorInfo:
        """Rebuild an error from `as_dict()` output (adapters load it from a row)."""
        return cls(str(data["type"]), str(data["message"]), bool(data.get("retryable", True)))


# Error codes the core itself produces (stable: adapters, the API and tests match on them).
NO_MATCHING_EDGE = "no_matching_edge"
NO_OUTCOME_EDGE = "no_outcome_edge"
EXPRESSION_ERROR = "expression_error"
LOOP_LIMIT_EXCEEDED = "loop_limit_exceeded"
JOIN_INCOMPLETE = "join_incomplete"
STEP_TIMED_OUT = "timeout"
CHILD_FAILED = "child_failed"
BAD_TIMER = "bad_timer"
RETRY_REQUESTED = "retry_requested"


class GraphError(ValueError):
    """The graph document cannot be turned into a runtime graph.

    Raised by `Graph.build`; the document is expected to have passed validation, so
    this signals a contract breach (or an unknown node type from a newer format).
    """

    def __init__(self, message: str, *, node: str | None = None, edge: str | None = None) -> None:
        super().__init__(message)
        self.node = node
        self.edge = edge
