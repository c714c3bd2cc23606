"""Accepted signals of many instances are applied in one batched transaction (PostgreSQL)
with the one-by-one guarantees: each delivered once, in order, to its own instance; a
signal nothing waits for any more is recorded as not delivered; an instance held by
someone else, or with several signals, still gets them all."""

from __future__ import annotations

import itertools
import threading
from typing import Any

import pytest
from django.db import connection, transaction
from waits_support import edge, events, graph, later, node, pending_waits, publish, statuses, step_of

from workflows.models import DueWait, ExecutionEvent, ReceivedSignal, WorkflowInstance
from workflows.models.signals import SignalStatus
from workflows.runtime.repository import lock_instance
from workflows.services.instances import instance_start
from workflows.services.timers import due_waits_fire
from workflows.waits.signal_apply import signals_apply
from workflows.waits.signal_batch import signals_apply_batch
from workflows.waits.signals import signal_accept_checked

pytestmark = pytest.mark.django_db(transaction=True)


def _document(*, waits: int = 1) -> dict[str, Any]:
    """start -> `waits` signal nodes "go" (the first with a 30-minute timeout to "late") -> end."""
    waiting = [node("wait1", "signal", name="go", timeout="PT30M")]
    waiting += [node(f"wait{i}", "signal", name="go") for i in range(2, waits + 1)]
    nodes = [node("start", "start"), *waiting, node("done", "end", result="signalled"), node("late", "end")]
    path = ["start", *(w["id"] for w in waiting), "done"]
    edges = [edge(f"e{i}", a, b) for i, (a, b) in enumerate(itertools.pairwise(path))]
    return graph(nodes, [*edges, edge("e-late", "wait1", "late", timeout=True)])


def _start(owner: Any, count: int, *, waits: int = 1) -> list[WorkflowInstance]:
    definition = publish(_document(waits=waits), owner=owner)
    return [instance_start(definition_key=definition.key, input={}, started_by=owner) for _ in range(count)]


def _accept(instance: WorkflowInstance, owner: Any, signal_id: str, payload: Any = None) -> int:
    accepted = signal_accept_checked(
        instance_id=instance.pk, name="go", payload=payload, signal_id=signal_id, actor=owner, dispatch=False
    )
    return accepted.signal.pk


def _row(instance: WorkflowInstance, signal_id: str) -> ReceivedSignal:
    return ReceivedSignal.objects.get(instance=instance, signal_id=signal_id)


def test_a_batch_delivers_each_instances_signal_with_its_payload_and_disarms_its_timeout(staff) -> None:
    # given: 30 instances waiting, each with one accepted signal
    started = _start(staff, 30)
    ids = [_accept(instance, staff, f"s{n}", {"n": n}) for n, instance in enumerate(started)]
    # when: one batch
    applied = signals_apply_batch({i.pk: pk for i, pk in zip(started, ids, strict=True)}, now=later())
    # then: every signal delivered to its own step, every instance ended, no timeout left armed
    assert (applied.settled, applied.left) == (30, [])
    for n, instance in enumerate(started):
        row = _row(instance, f"s{n}")
        wait = step_of(instance.pk, "wait1")
        assert (row.status, row.step_id, row.node_id, row.reason) == (
            SignalStatus.DELIVERED,
            wait.id,
            "wait1",
            "",
        )
        assert row.applied_at is not None and wait.output == {"n": n}
        assert WorkflowInstance.objects.get(pk=instance.pk).status == "completed"
        assert pending_waits(instance.pk) == []
        chain = list(ExecutionEvent.objects.filter(instance_id=instance.pk).order_by("seq"))
        assert [e.seq for e in chain] == list(range(1, len(chain) + 1))
        assert all(row.prev_hash == before.hash for before, row in itertools.pairwise(chain))
        assert (
            next(e for e in chain if e.step_id == wait.id and e.type == "step_succeeded").actor_id == staff.pk
        )


def test_a_signal_whose_step_timed_out_meanwhile_is_not_delivered_and_changes_nothing(staff) -> None:
    # given: two instances with an accepted signal; the first one's timeout fires before applying
    first, second = _start(staff, 2)
    ids = [_accept(first, staff, "a"), _accept(second, staff, "b")]
    DueWait.objects.filter(instance_id=second.pk).update(due_at=later(hours=2))  # only the first times out
    due_waits_fire(now=later(minutes=31))
    timed_out = len(events(first.pk))
    # when
    applied = signals_apply([*ids])
    # then: the first is recorded with why, the second went on
    assert applied == 2
    row = _row(first, "a")
    assert (row.status, row.step_id, row.node_id) == (SignalStatus.NOT_DELIVERED, None, "")
    assert row.reason.startswith("not_waiting_for_signal")
    assert len(events(first.pk)) == timed_out
    assert _row(second, "b").status == SignalStatus.DELIVERED
    assert WorkflowInstance.objects.get(pk=second.pk).result == "signalled"


def test_an_instance_with_two_signals_gets_both_in_the_order_accepted(staff) -> None:
    # given: one instance with two waits and two accepted signals, others with one
    [double] = _start(staff, 1, waits=2)
    singles = _start(staff, 3)
    ids = [_accept(double, staff, "first", {"n": 1}), _accept(double, staff, "second", {"n": 2})]
    ids += [_accept(instance, staff, f"s{n}") for n, instance in enumerate(singles)]
    # when
    assert signals_apply(ids) == 5
    # then
    assert step_of(double.pk, "wait1").output == {"n": 1}
    assert step_of(double.pk, "wait2").output == {"n": 2}
    assert statuses(double.pk)["done"] == "succeeded"
    assert all(WorkflowInstance.objects.get(pk=i.pk).status == "completed" for i in singles)


def test_an_instance_held_by_another_transaction_is_left_to_the_one_by_one_path(staff) -> None:
    # given: three instances with a signal each; another transaction holds the second
    started = _start(staff, 3)
    ids = [_accept(instance, staff, f"s{n}") for n, instance in enumerate(started)]
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with transaction.atomic():
            lock_instance(started[1].pk)
            held.set()
            release.wait(10)
        connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(10)
    try:
        # when: the batch runs while the row is held
        applied = signals_apply_batch({i.pk: pk for i, pk in zip(started, ids, strict=True)}, now=later())
    finally:
        release.set()
        holder.join()
    # then: the other two went through the batch; the held one is left, and applied after
    assert applied.settled == 2 and applied.left == [started[1].pk]
    assert _row(started[1], "s1").status == SignalStatus.ACCEPTED
    assert signals_apply([ids[1]]) == 1
    assert all(WorkflowInstance.objects.get(pk=i.pk).status == "completed" for i in started)


def test_applying_a_batch_twice_continues_each_workflow_once(staff) -> None:
    started = _start(staff, 4, waits=2)
    ids = [_accept(instance, staff, f"s{n}") for n, instance in enumerate(started)]
    assert signals_apply(ids) == 4
    assert signals_apply(ids) == 0
    for instance in started:
        assert (statuses(instance.pk)["wait1"], statuses(instance.pk)["wait2"]) == ("succeeded", "waiting")
