"""Small values passed between the applier, the services and the dispatcher."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class LocalBudget:
    """The reporting worker may run the next step itself, `remaining` more times."""

    worker: str
    remaining: int


@dataclass(frozen=True)
class Dispatch:
    """A message to send after commit: run a step attempt or a compensation attempt."""

    kind: str  # "step" | "compensation"
    step_id: str
    attempt: int
    action: str


@dataclass(frozen=True)
class LocalClaim:
    """A step this worker claimed inside the transaction, to run right after commit."""

    step_id: str
    instance_id: str
    node_id: str
    attempt: int
    action: str
    params: Any
    timeout_seconds: float | None
    token: str
    started_by: str
    # The instance's live step rows as this worker left them, valid while the instance's
    # last_seq is still `known_seq` (nothing else changed it): the next report reuses
    # them instead of reading them again.
    known_seq: int = field(default=0, compare=False, repr=False)
    known_steps: Any = field(default=None, compare=False, repr=False)


@dataclass
class Annotations:
    """What the adapter knows beyond the core's event: extra error fields (traceback,
    details) for the reporting step, merged into the error it records."""

    error_extra: dict[str, dict[str, Any]] = field(default_factory=dict)
