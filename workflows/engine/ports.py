"""The small seams the pure core needs from its surroundings (see STYLE.md).

The core never reads the wall clock or a global random generator: `decide()` takes
`now` and an `rng`, and `Graph.build` takes an optional `ActionCatalog`. Adapters
pass real implementations; tests pass a frozen clock and `random.Random(seed)`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol

from workflows.engine.retry import RetryPolicy


class Clock(Protocol):
    """A source of aware UTC datetimes."""

    def now(self) -> datetime: ...


class RandomSource(Protocol):
    """Randomness for jitter and step ids; `random.Random` and `random.SystemRandom` fit."""

    def random(self) -> float: ...

    def getrandbits(self, k: int, /) -> int: ...


class ActionCatalog(Protocol):
    """What the core may ask about registered actions when a graph is built."""

    def retry_policy(self, action: str) -> RetryPolicy | None:
        """Return the action's default retry policy, or None to use the engine default."""
        ...


class SystemClock:
    """The wall clock in UTC, for adapters."""

    def now(self) -> datetime:
        return datetime.now(UTC)
