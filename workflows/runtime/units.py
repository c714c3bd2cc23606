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
    # The instance as this worker left it (see `Known`): the next report starts from it.
    known: Known | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Known:
    """An instance as a worker's transaction wrote it, kept for its next report.

    `steps` are the live step rows, valid while the instance's `last_seq` is still `seq`
    (every change to a step's status appends an event, which moves `last_seq`): a report
    under the instance lock reuses them instead of reading them again. `instance` is the
    row as written and `version` the row version PostgreSQL gave it (`xmin`): while the
    row is still at that version nothing has written it since, so the report may decide
    from these objects without locking first and write with a guard (`version` and
    `seq` unchanged), which takes the row lock; when the guard fails it is rolled back
    and the report taken again the locked way.
    """

    seq: int
    steps: dict[str, Any]
    instance: Any = None
    version: str | None = None


@dataclass
class Annotations:
    """What the adapter knows beyond the core's event: extra error fields (traceback,
    details) for the reporting step, merged into the error it records."""

    error_extra: dict[str, dict[str, Any]] = field(default_factory=dict)
