"""Approval policies settle a step from the votes cast so far."""

from __future__ import annotations

import pytest

from approvals.domain.policies import Policy, PolicySpec, next_sequential_index, settle

OUTCOMES = ("approved", "rejected")


def spec(
    policy: str, count: int = 3, quorum: int | None = None, outcomes: tuple[str, ...] = OUTCOMES
) -> PolicySpec:
    return PolicySpec.build(policy, outcomes, count, quorum)


def test_any_takes_the_first_decision() -> None:
    assert settle(spec("any"), []) is None
    assert settle(spec("any"), ["rejected"]) == "rejected"


def test_all_needs_every_approval() -> None:
    assert settle(spec("all"), ["approved", "approved"]) is None
    assert settle(spec("all"), ["approved", "approved", "approved"]) == "approved"


def test_all_is_rejected_by_one_rejection() -> None:
    assert settle(spec("all"), ["approved", "rejected"]) == "rejected"


@pytest.mark.parametrize(
    ("votes", "expected"),
    [
        (["approved"], None),
        (["approved", "approved"], "approved"),
        (["approved", "rejected"], None),
        (["approved", "rejected", "rejected"], "rejected"),
        (["rejected", "approved", "approved"], "approved"),
    ],
)
def test_quorum_two_of_three_needs_two_matching_decisions(votes: list[str], expected: str | None) -> None:
    assert settle(spec("quorum", 3, 2), votes) == expected


def test_quorum_settles_as_soon_as_no_outcome_can_reach_it() -> None:
    three_ways = ("approved", "rejected", "deferred")
    # 3 of 4 needed; after approved, rejected no outcome can get 3 with 2 votes left... approved can (1+2)
    assert settle(spec("quorum", 4, 3, three_ways), ["approved", "rejected"]) is None
    # after approved, rejected, deferred only 1 vote is left: nothing reaches 3; tie goes to the last listed
    assert settle(spec("quorum", 4, 3, three_ways), ["approved", "rejected", "deferred"]) == "deferred"


def test_a_quorum_larger_than_the_assignees_is_capped() -> None:
    capped = spec("quorum", 2, 5)
    assert capped.quorum == 2
    assert settle(capped, ["approved", "approved"]) == "approved"


def test_sequential_goes_through_assignees_in_order() -> None:
    s = spec("sequential", 3)
    assert next_sequential_index(s, []) == 0
    assert next_sequential_index(s, ["approved"]) == 1
    assert settle(s, ["approved", "approved"]) is None
    assert settle(s, ["approved", "approved", "approved"]) == "approved"
    assert next_sequential_index(s, ["approved", "approved", "approved"]) is None


def test_sequential_stops_at_the_first_refusal() -> None:
    s = spec("sequential", 3)
    assert settle(s, ["approved", "rejected"]) == "rejected"
    assert next_sequential_index(s, ["approved", "rejected"]) is None


def test_custom_outcomes_treat_the_first_as_approving() -> None:
    assert settle(spec("all", 2, outcomes=("contain", "dismiss")), ["contain", "dismiss"]) == "dismiss"


def test_only_shared_tasks_under_any() -> None:
    assert not Policy.ANY.one_task_per_assignee
    assert all(p.one_task_per_assignee for p in (Policy.ALL, Policy.QUORUM, Policy.SEQUENTIAL))
