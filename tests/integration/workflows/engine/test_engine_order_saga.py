"""The order-saga example runs on a real Celery worker: it completes, and when shipping
fails it compensates the finished steps newest first."""

from __future__ import annotations

import pytest
from engine_support import events, example, publish, wait_finished

from tests.factories import UserFactory
from workflows.services.instances import instance_start

pytestmark = pytest.mark.django_db(transaction=True)


def test_order_saga_completes_on_a_real_worker(cluster) -> None:
    # given
    cluster.worker("w1")
    definition = publish(example("order-saga"))
    # when
    instance = instance_start(
        definition_key=definition.key, input={"order_id": "A-1", "amount": 42}, started_by=definition.owner
    )
    # then
    done = wait_finished(instance.id)
    assert done.status == "completed", done.error
    assert done.result == "shipped"
    assert done.vars == {
        "reservation": {"reserved": "A-1"},
        "payment": {"charged": 42},
        "shipment": {"order": "A-1"},
    }
    succeeded = [e.node_id for e in events(instance.id, "step_succeeded")]
    assert succeeded == ["start", "reserve", "charge", "ship_or_fail", "ship", "end"]
    seqs = [e.seq for e in events(instance.id)]
    assert seqs == list(range(1, len(seqs) + 1))  # consecutive, no gaps
    assert done.last_seq == seqs[-1]


def test_failed_shipping_compensates_charge_then_reserve(cluster) -> None:
    # given
    cluster.worker("w1")
    definition = publish(example("order-saga"))
    # when
    instance = instance_start(
        definition_key=definition.key,
        input={"order_id": "A-2", "amount": 7, "fail_shipping": True},
        started_by=UserFactory(is_staff=True),
    )
    # then
    done = wait_finished(instance.id)
    assert done.status == "compensated"
    assert done.error["node_id"] == "ship_broken"
    assert done.error["message"] == "carrier unavailable"
    compensated = [e.node_id for e in events(instance.id, "step_compensated")]
    assert compensated == ["charge", "reserve"]
    kinds = [e.type for e in events(instance.id)]
    assert (
        kinds.index("step_failed")
        < kinds.index("instance_compensating")
        < kinds.index("instance_compensated")
    )
    assert kinds[-1] == "instance_compensated"
