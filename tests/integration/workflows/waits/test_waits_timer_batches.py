"""Timer-like waits fire in batches (one transaction for many instances, PostgreSQL) with
the one-by-one guarantees: each fires once, a suspended instance holds only its own, one
bad wait does not hold the others and is retried when its claim lapses."""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection, transaction
from waits_support import chain, events, later, node, pending_waits, publish, step_of

from workflows.engine import commands as c
from workflows.models import DueWait, ExecutionEvent, StepExecution, WorkflowInstance
from workflows.runtime import publisher
from workflows.runtime.effects import register_effect, unregister_effect
from workflows.runtime.repository import lock_instance
from workflows.services import timers
from workflows.services.due_batch import waits_fire_batch
from workflows.services.instances import instance_start
from workflows.services.operations import instance_suspend
from workflows.services.timers import HELD_WHILE_SUSPENDED, due_waits_fire

pytestmark = pytest.mark.django_db(transaction=True)


def _start_timers(owner: Any, count: int) -> list[WorkflowInstance]:
    document = chain(node("wait", "timer", duration="PT1M"), node("after", "set", assign={"woke": "true"}))
    definition = publish(document, owner=owner)
    return [instance_start(definition_key=definition.key, input={}, started_by=owner) for _ in range(count)]


def _timer_fires(instance_id: Any) -> int:
    timer = step_of(instance_id, "wait")
    return sum(1 for e in events(instance_id) if e.step_id == timer.id and e.type == "step_succeeded")


def _status(instance_id: Any) -> str:
    return WorkflowInstance.objects.get(pk=instance_id).status


def test_a_batch_fires_every_due_timer_in_one_transaction_with_its_events(staff) -> None:
    # given: 12 instances whose timers are due
    started = _start_timers(staff, 12)
    # when
    fired = due_waits_fire(now=later(minutes=2))
    # then: every timer fired once, every instance went on to its end, the audit chain holds
    assert fired == 12
    for instance in started:
        assert _status(instance.pk) == "completed"
        assert _timer_fires(instance.pk) == 1
        assert pending_waits(instance.pk) == []
        chain_rows = list(ExecutionEvent.objects.filter(instance_id=instance.pk).order_by("seq"))
        assert [row.seq for row in chain_rows] == list(range(1, len(chain_rows) + 1))
        assert all(row.prev_hash == before.hash for before, row in itertools.pairwise(chain_rows))
        assert WorkflowInstance.objects.get(pk=instance.pk).last_seq == chain_rows[-1].seq


def test_a_batch_pushes_each_instances_events_to_its_group_after_commit(staff) -> None:
    # given: three due timers, a channel listening to their instances' groups, an observer
    started = _start_timers(staff, 3)
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    for instance in started:
        async_to_sync(layer.group_add)(publisher.instance_group(instance.pk), channel)
    observed: list[tuple[str, bool]] = []

    def observer(instance_id: Any, definition_key: str, batch: Any) -> None:
        observed.append((str(instance_id), connection.in_atomic_block))

    publisher.observe(observer)
    try:
        # when
        assert due_waits_fire(now=later(minutes=2)) == 3
    finally:
        publisher._observers.remove(observer)

    # then: each instance's firing arrives once, after its commit, ending where its stream stands
    # (frames of the starts may still be on their way: the pump sends asynchronously)
    async def receive_completions() -> dict[str, list[dict[str, Any]]]:
        found: dict[str, list[dict[str, Any]]] = {}
        while sum(len(frames) for frames in found.values()) < len(started):
            frame = await asyncio.wait_for(layer.receive(channel), timeout=10)
            if any(e["type"] == "instance_completed" for e in frame["events"]):
                found.setdefault(frame["instance"], []).append(frame)
        return found

    completions = async_to_sync(receive_completions)()
    assert sorted(observed) == sorted((str(i.pk), False) for i in started)
    for instance in started:
        [frame] = completions[str(instance.pk)]
        timer = step_of(instance.pk, "wait")
        assert [e["type"] for e in frame["events"] if e["step_id"] == str(timer.id)] == ["step_succeeded"]
        assert frame["seq"] == WorkflowInstance.objects.get(pk=instance.pk).last_seq


def test_a_suspended_instance_in_a_batch_holds_only_its_own_timer(staff) -> None:
    # given: three due timers, claimed; one instance is suspended after the claim
    started = _start_timers(staff, 3)
    moment = later(minutes=2)
    claimed = timers._claim(moment, 10)
    assert len(claimed) == 3
    instance_suspend(instance_id=started[1].pk, actor=staff)
    # when
    done = waits_fire_batch(claimed, now=moment, held_kinds=HELD_WHILE_SUSPENDED)
    # then: the other two fired; the suspended one's timer is held, its claim released
    assert (done.fired, done.held, done.left, done.failed) == (2, 1, [], [])
    assert [_status(i.pk) for i in started] == ["completed", "suspended", "completed"]
    [held] = pending_waits(started[1].pk)
    assert held.claimed_until is None
    assert step_of(started[1].pk, "wait").status == "waiting"


def test_a_wait_whose_event_fails_does_not_stop_the_batch_and_fires_once_its_claim_lapses(staff) -> None:
    # given: three due timers, one of whose step rows is damaged (its node is not in the graph)
    started = _start_timers(staff, 3)
    bad = step_of(started[0].pk, "wait")
    StepExecution.objects.filter(pk=bad.pk).update(node_id="ghost")
    moment = later(minutes=2)
    # when
    fired = due_waits_fire(now=moment)
    # then: the others fired; the bad one is still armed and claimed
    assert fired == 2
    assert [_status(i.pk) for i in started] == ["running", "completed", "completed"]
    [wait] = pending_waits(started[0].pk)
    assert wait.claimed_until is not None and wait.claimed_until > moment
    # when: the row is repaired; before the claim lapses nothing happens, after it the wait fires
    StepExecution.objects.filter(pk=bad.pk).update(node_id="wait")
    assert due_waits_fire(now=moment + timedelta(seconds=10)) == 0
    assert due_waits_fire(now=wait.claimed_until + timedelta(seconds=1)) == 1
    # then
    assert _status(started[0].pk) == "completed"
    assert _timer_fires(started[0].pk) == 1


def test_a_database_error_in_a_batch_falls_back_to_one_transaction_per_wait(staff) -> None:
    # given: an effect that fails for one instance's end (inside the batch's transaction)
    started = _start_timers(staff, 4)
    doomed = started[2].pk

    def refuse(context: Any, command: Any) -> None:
        if context.instance.pk == doomed:
            raise RuntimeError("refused by a test effect")

    register_effect(c.CompleteInstance, refuse)
    try:
        # when
        fired = due_waits_fire(now=later(minutes=2))
    finally:
        unregister_effect(c.CompleteInstance, refuse)
    # then: the batch rolled back, the waits were fired one by one, only the doomed one failed
    assert fired == 3
    assert [_status(i.pk) for i in started] == ["completed", "completed", "running", "completed"]
    assert all(_timer_fires(i.pk) == 1 for i in started if i.pk != doomed)
    assert _timer_fires(doomed) == 0
    assert len(pending_waits(doomed)) == 1


def test_a_lapsed_claim_does_not_fire_a_wait_another_run_already_fired(staff) -> None:
    # given: run A claims the due timers, then stalls past its claim
    started = _start_timers(staff, 3)
    moment = later(minutes=2)
    claimed_by_a = timers._claim(moment, 10)
    # when: run B takes the lapsed claims and fires them; then A wakes up and fires its batch
    assert due_waits_fire(now=moment + timedelta(seconds=timers.CLAIM_SECONDS + 1)) == 3
    late = waits_fire_batch(claimed_by_a, now=moment, held_kinds=HELD_WHILE_SUSPENDED)
    # then: A finds them fired and fires nothing
    assert late.fired == 0
    assert all(_timer_fires(i.pk) == 1 for i in started)


def test_an_instance_locked_elsewhere_is_left_out_of_the_batch_and_fired_after(staff) -> None:
    # given: three due timers; another transaction holds one instance's row for a moment
    started = _start_timers(staff, 3)
    busy = started[1].pk
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                lock_instance(busy)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    assert locked.wait(10)
    moment = later(minutes=2)
    claimed = timers._claim(moment, 10)
    # when: the batch runs while the row is held
    done = waits_fire_batch(claimed, now=moment, held_kinds=HELD_WHILE_SUSPENDED)
    release.set()
    holder.join(10)
    # then: the others fired without waiting; the busy one was left for the one-by-one path
    assert done.fired == 2
    assert [wait.instance_id for wait in done.left] == [busy]
    timers.wait_fire(done.left[0], now=moment)
    assert [_status(i.pk) for i in started] == ["completed"] * 3
    assert all(_timer_fires(i.pk) == 1 for i in started)


def test_two_concurrent_firers_never_fire_a_wait_twice(staff) -> None:
    # given: 60 due timers
    started = _start_timers(staff, 60)
    moment = later(minutes=2)
    counts: list[int] = []
    errors: list[BaseException] = []
    go = threading.Barrier(2)

    def fire() -> None:
        try:
            go.wait(10)
            counts.append(due_waits_fire(now=moment, batch=7))
        except BaseException as exc:  # reported by the test
            errors.append(exc)
        finally:
            connection.close()

    # when: two firers run at once, in small batches
    threads = [threading.Thread(target=fire) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    # then: 60 fires between them, each timer exactly once
    assert errors == []
    assert sum(counts) == 60
    fires = Counter(_timer_fires(i.pk) for i in started)
    assert fires == Counter({1: 60})
    assert DueWait.objects.filter(instance_id__in=[i.pk for i in started], fired_at__isnull=True).count() == 0
