"""Approval policies: when do the decisions cast so far settle an approval step?

A step's tasks each collect at most one decision (a vote). `settle()` looks at
the votes in the order they were cast and returns the step's outcome, or None
while more votes are needed. The first outcome of the node's `outcomes` is the
approving one; any other outcome is a refusal of some kind.

- any: the first vote decides.
- all: every assignee must approve; the first other vote decides the step with it.
- quorum: the first outcome to collect `quorum` votes wins. When no outcome can
  reach the quorum any more, the outcome with the most votes wins (a tie goes to
  the outcome listed last, the most cautious one by convention: "rejected").
- sequential: assignees decide one after another in order; the first refusal
  decides the step, and the last approval approves it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

DEFAULT_OUTCOMES = ("approved", "rejected")


class Policy(StrEnum):
    ANY = "any"
    ALL = "all"
    QUORUM = "quorum"
    SEQUENTIAL = "sequential"

    @property
    def one_task_per_assignee(self) -> bool:
        """`any` opens one shared task; the others give every assignee a task of their own."""
        return self is not Policy.ANY


@dataclass(frozen=True, slots=True)
class PolicySpec:
    """What settling needs to know about a step: its policy, outcomes, size and quorum."""

    policy: Policy
    outcomes: tuple[str, ...]
    assignee_count: int
    quorum: int = 1

    @classmethod
    def build(
        cls, policy: str, outcomes: Sequence[str] | None, assignee_count: int, quorum: int | None = None
    ) -> PolicySpec:
        """Normalise a node's settings: a quorum larger than the assignees is capped to them."""
        kind = Policy(policy or Policy.ANY)
        count = max(assignee_count, 1) if kind.one_task_per_assignee else 1
        needed = min(max(int(quorum or 1), 1), count) if kind is Policy.QUORUM else 1
        return cls(kind, tuple(outcomes or DEFAULT_OUTCOMES), count, needed)

    @property
    def approving(self) -> str:
        return self.outcomes[0]


def settle(spec: PolicySpec, votes: Sequence[str]) -> str | None:
    """Return the step's outcome given the votes cast so far (in order), or None if still open."""
    if not votes:
        return None
    if spec.policy is Policy.ANY:
        return votes[0]
    if spec.policy in (Policy.ALL, Policy.SEQUENTIAL):
        refusal = next((vote for vote in votes if vote != spec.approving), None)
        if refusal is not None:
            return refusal
        return spec.approving if len(votes) >= spec.assignee_count else None
    return _settle_quorum(spec, votes)


def _settle_quorum(spec: PolicySpec, votes: Sequence[str]) -> str | None:
    counts: Counter[str] = Counter()
    for vote in votes:
        counts[vote] += 1
        if counts[vote] >= spec.quorum:
            return vote
    remaining = spec.assignee_count - len(votes)
    if any(counts[outcome] + remaining >= spec.quorum for outcome in spec.outcomes):
        return None
    order = {outcome: index for index, outcome in enumerate(spec.outcomes)}
    return max(counts, key=lambda outcome: (counts[outcome], order.get(outcome, -1)))


def next_sequential_index(spec: PolicySpec, votes: Sequence[str]) -> int | None:
    """Under `sequential`, the index of the assignee whose turn comes next, or None if none does."""
    if spec.policy is not Policy.SEQUENTIAL or settle(spec, votes) is not None:
        return None
    return len(votes)
