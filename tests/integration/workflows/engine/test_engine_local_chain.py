"""Local chains report each step from the rows the worker kept, with a guarded write.

A worker that runs the next step itself decides that step's report from the instance
and step rows its previous transaction wrote, without the locking read; the write takes
the row lock and holds only while nobody wrote the instance since. These tests change
the instance from another connection while a local step runs and check that the report
is then taken the locked way, on the fresh rows.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from engine_support import events, linear, parallel, publish, task, wait_finished

from workflows.actions import action
from workflows.actions.registry import unregister
from workflows.audit.verify import audit_verify
from workflows.models import StepExecution, WorkflowInstance
from workflows.runtime.repository import lock_instance
from workflows.services.instances import instance_start
from workflows.services.operations import instance_cancel, instance_suspend, step_skip
from workflows.services.steps import step_run

pytestmark = pytest.mark.django_db(transaction=True)
MEDDLE = "test.meddle"


class Meddler:
    """The `test.meddle` action: returns its params; on the node named `at`, first runs
    `then(instance_id)` on another thread (its own database connection), as an operator
    acting while the step runs."""

    def __init__(self) -> None:
        self.at = ""
        self.then: Callable[[str], Any] | None = None

    def __call__(self, params: dict[str, Any], ctx: Any) -> Any:
        if ctx.node_id == self.at and self.then is not None:
            failures: list[BaseException] = []

            def operate() -> None:
                try:
                    assert self.then is not None
                    self.then(ctx.instance_id)
                except BaseException as exc:  # reported to the test below
                    failures.append(exc)
                finally:
                    connections.close_all()

            thread = threading.Thread(target=operate)
            thread.start()
            thread.join(30)
            assert not failures, failures
        return params


@pytest.fixture
def meddler(fast_engine, settings) -> Iterator[Meddler]:
    found = Meddler()
    action(MEDDLE, label="Meddle (tests only)")(found)
    settings.FLOWDESK_LOCAL_ACTIONS = [*settings.FLOWDESK_LOCAL_ACTIONS, MEDDLE]
    try:
        yield found
    finally:
        unregister(MEDDLE)


def _four_steps() -> Any:
    return publish(linear(*(task(f"t{i}", action=MEDDLE, params={"i": i}) for i in range(4))))


def _first_message(instance_id: Any) -> Any:
    step = StepExecution.objects.get(instance_id=instance_id, status="scheduled")
    return step_run(step_id=str(step.id), attempt=step.attempt, worker="w", task_id="m", action=MEDDLE)


def _chain_is_consecutive_and_sealed(instance_id: Any) -> None:
    seqs = [event.seq for event in events(instance_id)]
    assert seqs == list(range(1, len(seqs) + 1))
    assert WorkflowInstance.objects.get(pk=instance_id).last_seq == seqs[-1]
    assert audit_verify(instance_ids=[str(instance_id)]).broken == []


def test_a_local_step_reported_after_an_operator_suspended_the_instance_holds_the_next_step(
    meddler,
) -> None:
    # given: while t1 runs locally, an operator suspends the instance
    definition = _four_steps()
    instance = instance_start(definition_key=definition.key, input={}, started_by=definition.owner)
    meddler.at = "t1"
    meddler.then = lambda instance_id: instance_suspend(instance_id=instance_id, actor=definition.owner)
    # when
    report = _first_message(instance.id)
    # then: t1's report saw the suspension: t2 is scheduled but neither run nor sent
    assert report.ran == 2
    found = WorkflowInstance.objects.get(pk=instance.id)
    assert found.status == "suspended"
    assert found.results["t1"] == {"output": {"i": 1}}
    t2 = StepExecution.objects.get(instance_id=instance.id, node_id="t2")
    assert t2.status == "scheduled"
    assert [e.type for e in events(instance.id)][-3:] == [
        "instance_suspended",
        "step_succeeded",
        "step_scheduled",
    ]
    _chain_is_consecutive_and_sealed(instance.id)


def test_a_local_step_reported_after_an_operator_cancelled_the_instance_is_ignored(meddler) -> None:
    # given: while t2 runs locally, an operator cancels the instance
    definition = _four_steps()
    instance = instance_start(definition_key=definition.key, input={}, started_by=definition.owner)
    meddler.at = "t2"
    meddler.then = lambda instance_id: instance_cancel(instance_id=instance_id, actor=definition.owner)
    # when
    report = _first_message(instance.id)
    # then: the late report changed nothing; the cancellation stands
    assert report.ran == 3
    found = WorkflowInstance.objects.get(pk=instance.id)
    assert found.status == "cancelled"
    assert "t2" not in found.results
    assert StepExecution.objects.get(instance_id=instance.id, node_id="t2").status == "cancelled"
    assert not StepExecution.objects.filter(instance_id=instance.id, node_id="t3").exists()
    assert events(instance.id)[-1].type == "instance_cancelled"
    _chain_is_consecutive_and_sealed(instance.id)


def test_a_local_step_reported_after_the_instance_row_changed_without_an_event_sees_the_change(
    meddler,
) -> None:
    # given: while t1 runs locally, something rewrites the instance's variables (no event,
    # so only the row version tells); t2's params read them
    document = linear(
        task("t0", action=MEDDLE, params={}),
        task("t1", action=MEDDLE, params={}),
        task("t2", action=MEDDLE, params={"who": "{{ vars.who }}"}),
    )
    definition = publish(document)
    instance = instance_start(definition_key=definition.key, input={}, started_by=definition.owner)
    meddler.at = "t1"
    meddler.then = lambda instance_id: WorkflowInstance.objects.filter(pk=instance_id).update(
        vars={"who": "operator"}
    )
    # when
    report = _first_message(instance.id)
    # then: t1's report was decided from the rewritten row
    assert report.ran == 3
    assert StepExecution.objects.get(instance_id=instance.id, node_id="t2").params == {"who": "operator"}
    assert WorkflowInstance.objects.get(pk=instance.id).status == "completed"
    _chain_is_consecutive_and_sealed(instance.id)


def test_a_step_run_locally_costs_one_guarded_write_between_begin_and_commit(meddler, settings) -> None:
    # given: a worker that has run a chain before (caches warm; the circuit snapshot is
    # refreshed once a second on a worker, not every 0.1 s as the fast test settings have it)
    settings.FLOWDESK_CIRCUIT_CACHE_SECONDS = 60.0
    definition = _four_steps()
    warm = instance_start(definition_key=definition.key, input={}, started_by=definition.owner)
    _first_message(warm.id)
    instance = instance_start(definition_key=definition.key, input={}, started_by=definition.owner)
    # when
    with CaptureQueriesContext(connection) as queries:
        report = _first_message(instance.id)
    # then: the claim, BEGIN, write, COMMIT for t0; then BEGIN, write, COMMIT for t1 and t2
    # (t3's also runs the effects of the instance's end, which may read more)
    assert report.ran == 4
    assert WorkflowInstance.objects.get(pk=instance.id).status == "completed"
    statements = [q["sql"] for q in queries]
    after_t0 = statements.index("COMMIT") + 1
    middle = statements[after_t0 : after_t0 + 6]
    assert [sql.split()[0] for sql in middle] == ["BEGIN", "WITH", "COMMIT"] * 2, middle
    _chain_is_consecutive_and_sealed(instance.id)


def _other_backends() -> set[tuple[int, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, backend_start FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return set(cursor.fetchall())


def test_a_worker_keeps_its_database_connection_from_task_to_task(cluster) -> None:
    # given: a worker that has run a first instance (its process has connected)
    definition = publish(linear(task("a"), task("b")))
    cluster.worker("w1", concurrency=1)
    first = instance_start(definition_key=definition.key, input={}, started_by=definition.owner)
    wait_finished(first.id)
    before = _other_backends()
    # when: it runs twenty more messages
    started = [
        instance_start(definition_key=definition.key, input={}, started_by=definition.owner)
        for _ in range(20)
    ]
    for instance in started:
        assert wait_finished(instance.id).status == "completed"
    # then: the worker's backend served them all: it is still there, and the twenty tasks did
    # not open connections of their own (a connection per task would add at least twenty;
    # one or two may come and go from other processes of a busy CI machine)
    after = _other_backends()
    assert before and before & after
    assert len(after - before) <= 2, after - before


def test_a_step_delivered_by_the_broker_costs_its_claim_and_one_guarded_write(meddler, settings) -> None:
    # given: local chaining off, caches warm
    settings.FLOWDESK_CIRCUIT_CACHE_SECONDS = 60.0
    settings.FLOWDESK_LOCAL_CHAIN_MAX = 0
    definition = _four_steps()
    warm = instance_start(definition_key=definition.key, input={}, started_by=definition.owner)
    _first_message(warm.id)
    instance = instance_start(definition_key=definition.key, input={}, started_by=definition.owner)
    t0 = StepExecution.objects.get(instance_id=instance.id, node_id="t0")
    # when
    with CaptureQueriesContext(connection) as queries:
        report = step_run(step_id=str(t0.id), attempt=1, worker="w", task_id="m", action=MEDDLE)
    # then: the claim (which returns the instance and its live steps), then BEGIN, write, COMMIT
    assert report.ran == 1
    assert [q["sql"].split()[0] for q in queries] == ["WITH", "BEGIN", "WITH", "COMMIT"]
    assert StepExecution.objects.get(instance_id=instance.id, node_id="t1").status == "scheduled"
    _chain_is_consecutive_and_sealed(instance.id)


def test_a_claim_that_waited_for_the_instance_lock_leaves_the_report_to_read_the_steps_again(
    fast_engine, settings
) -> None:
    # given: two branches; an operator holds the instance lock while skipping b1 when the
    # worker claims b0 (the claim's snapshot still shows b1 scheduled)
    settings.FLOWDESK_LOCAL_CHAIN_MAX = 0
    definition = publish(parallel(2))
    instance = instance_start(definition_key=definition.key, input={}, started_by=definition.owner)
    b0 = StepExecution.objects.get(instance_id=instance.id, node_id="b0")
    b1 = StepExecution.objects.get(instance_id=instance.id, node_id="b1")
    locked, release = threading.Event(), threading.Event()

    def operator() -> None:
        try:
            with transaction.atomic():
                lock_instance(instance.id)
                locked.set()
                release.wait(10)
                step_skip(instance_id=instance.id, step_id=b1.id, actor=definition.owner, output={})
        finally:
            connections.close_all()

    thread = threading.Thread(target=operator)
    thread.start()
    locked.wait(10)
    threading.Timer(0.3, release.set).start()  # commits while the claim below waits for the lock
    # when
    report = step_run(step_id=str(b0.id), attempt=1, worker="w", task_id="m", action="core.echo")
    thread.join(10)
    # then: b0's report saw b1 skipped, so the join fired and the instance completed
    assert report.ran == 1
    assert WorkflowInstance.objects.get(pk=instance.id).status == "completed"
    _chain_is_consecutive_and_sealed(instance.id)
