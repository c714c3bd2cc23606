"""A 20-branch parallel split on two worker processes joins exactly once."""

from __future__ import annotations

from collections import Counter

import pytest
from engine_support import events, parallel, publish, wait_finished

from workflows.models import StepExecution
from workflows.services.instances import instance_start

pytestmark = pytest.mark.django_db(transaction=True)


def test_twenty_branches_on_two_workers_join_exactly_once(cluster) -> None:
    # given: two worker processes (two prefork children each) racing on the branches
    cluster.worker("w1")
    cluster.worker("w2")
    definition = publish(parallel(20))
    # when
    instance = instance_start(definition_key=definition.key, input={}, started_by=definition.owner)
    # then
    done = wait_finished(instance.id)
    assert done.status == "completed", done.error
    joins = StepExecution.objects.filter(instance_id=instance.id, node_id="join")
    assert joins.count() == 1
    join = joins.get()
    assert join.status == "succeeded"
    assert sorted(join.arrivals) == sorted(f"e-out{i}" for i in range(20))
    succeeded = Counter(e.node_id for e in events(instance.id, "step_succeeded"))
    assert succeeded["join"] == 1 and succeeded["end"] == 1
    assert all(succeeded[f"b{i}"] == 1 for i in range(20))
    workers = {e.payload["worker"] for e in events(instance.id, "step_started")}
    assert len(workers) == 2, workers  # both processes took branches
