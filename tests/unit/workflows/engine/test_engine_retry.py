"""Backoff: exponential, capped by max_backoff_seconds, jittered from the injected source."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from engine_testkit import NOW
from hypothesis import given
from hypothesis import strategies as st

from workflows.engine import RetryPolicy


@given(
    attempt=st.integers(min_value=1, max_value=200),
    backoff=st.floats(min_value=0, max_value=3600),
    cap=st.floats(min_value=0, max_value=86400),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_the_delay_lies_between_half_and_all_of_the_capped_exponential(
    attempt: int, backoff: float, cap: float, seed: int
) -> None:
    policy = RetryPolicy(max_attempts=300, backoff_seconds=backoff, max_backoff_seconds=cap)
    ceiling = min(cap, backoff * 2.0 ** (attempt - 1))
    delay = policy.delay_seconds(attempt, random.Random(seed))
    assert ceiling / 2 <= delay <= ceiling <= cap


def test_the_jitter_comes_only_from_the_injected_random_source() -> None:
    policy = RetryPolicy(max_attempts=5, backoff_seconds=4, max_backoff_seconds=100)
    first = [policy.next_attempt_at(n, NOW, random.Random(42)) for n in range(1, 5)]
    second = [policy.next_attempt_at(n, NOW, random.Random(42)) for n in range(1, 5)]
    assert first == second


def test_the_delay_grows_exponentially_until_the_cap() -> None:
    class Top:
        def random(self) -> float:
            return 1.0

        def getrandbits(self, k: int) -> int:
            return 0

    policy = RetryPolicy(max_attempts=10, backoff_seconds=2, max_backoff_seconds=30)
    assert [policy.delay_seconds(n, Top()) for n in range(1, 7)] == [2, 4, 8, 16, 30, 30]
    assert policy.next_attempt_at(3, NOW, Top()) == NOW + timedelta(seconds=8)


def test_max_attempts_counts_every_attempt() -> None:
    policy = RetryPolicy(max_attempts=3)
    assert [policy.allows_another(n) for n in (1, 2, 3)] == [True, True, False]


def test_a_policy_needs_at_least_one_attempt() -> None:
    with pytest.raises(ValueError, match="max_attempts"):
        RetryPolicy(max_attempts=0)
