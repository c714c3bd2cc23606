"""Retry policy and backoff: exponential, capped, with jitter from an injected source."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from workflows.engine.ports import RandomSource


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often a step is attempted and how long to wait between attempts.

    `max_attempts` counts every attempt (1 means no retry). The wait after failed
    attempt `n` is drawn uniformly from `[d/2, d]` with
    `d = min(max_backoff_seconds, backoff_seconds * 2 ** (n - 1))` ("equal jitter"):
    it grows exponentially, never exceeds `max_backoff_seconds`, and spreads
    retries of many instances so they do not arrive in lockstep.
    """

    max_attempts: int = 1
    backoff_seconds: float = 1.0
    max_backoff_seconds: float = 300.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.backoff_seconds < 0 or self.max_backoff_seconds < 0:
            raise ValueError("backoff seconds must not be negative")

    def allows_another(self, attempt: int) -> bool:
        """Return whether a retry may follow failed attempt number `attempt` (1-based)."""
        return attempt < self.max_attempts

    def delay_seconds(self, attempt: int, rng: RandomSource) -> float:
        """Return the jittered wait after failed attempt `attempt` (1-based), in seconds."""
        ceiling = min(self.max_backoff_seconds, self.backoff_seconds * 2.0 ** min(attempt - 1, 1000))
        return ceiling / 2 + rng.random() * ceiling / 2

    def next_attempt_at(self, attempt: int, now: datetime, rng: RandomSource) -> datetime:
        """Return when the attempt after failed attempt `attempt` may start."""
        return now + timedelta(seconds=self.delay_seconds(attempt, rng))

    def merged(self, config: Mapping[str, Any] | None) -> RetryPolicy:
        """Return this policy overridden by the fields present in a node's `retry` config."""
        if not config:
            return self
        fields: dict[str, Any] = {}
        if "max_attempts" in config:
            fields["max_attempts"] = int(config["max_attempts"])
        if "backoff_seconds" in config:
            fields["backoff_seconds"] = float(config["backoff_seconds"])
        if "max_backoff_seconds" in config:
            fields["max_backoff_seconds"] = float(config["max_backoff_seconds"])
        return replace(self, **fields)
