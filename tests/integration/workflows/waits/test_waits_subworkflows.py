"""Sub-workflows on a real worker: a child's result continues its parent, a failed child
fails the parent step (error edge or failure), cancelling a parent cancels its children,
and runaway recursion stops at the depth limit with a clear error."""

from __future__ import annotations

from typing import Any

import pytest
from waits_support import chain, edge, graph, node, publish, step_of, wait_finished, wait_for, wait_status

from workflows.models import WorkflowInstance
from workflows.services.instances import instance_start

pytestmark = pytest.mark.django_db(transaction=True)
N = {"n": {"type": "integer"}}


def _child_ok(owner: Any) -> Any:
    doubled = node("double", "set", assign={"doubled": "input.n * 2"})
    return publish(chain(doubled, inputs={"n": {"type": "integer", "required": True}}, result="ok"), owner=owner,
                   key="child-ok")  # fmt: skip


def _parent(owner: Any, child_key: str, *, key: str = "parent", on_error: bool = False) -> Any:
    sub = node("sub", "subworkflow", definition=child_key, input={"n": "{{ input.n }}"}, output="child")
    nodes = [
        node("start", "start"),
        sub,
        node("after", "set", assign={"seen": "vars.child.result"}),
        node("end", "end", result="parent done"),
    ]
    edges = [edge("e1", "start", "sub"), edge("e2", "sub", "after"), edge("e3", "after", "end")]
    if on_error:
        nodes.append(node("rescued", "end", result="rescued"))
        edges.append(edge("e-err", "sub", "rescued", on_error=True))
    return publish(graph(nodes, edges, {"n": {"type": "integer"}}), owner=owner, key=key)


def test_a_child_that_completes_continues_its_parent_with_result_and_variables(cluster, staff_client) -> None:
    # given
    cluster.worker()
    _child_ok(staff_client.user)
    parent_definition = _parent(staff_client.user, "child-ok")
    # when
    parent = instance_start(
        definition_key=parent_definition.key, input={"n": 3}, started_by=staff_client.user
    )
    # then
    done = wait_finished(parent.pk)
    assert (done.status, done.result) == ("completed", "parent done")
    assert step_of(parent.pk, "sub").output == {"result": "ok", "vars": {"doubled": 6}}
    assert (done.vars["child"]["vars"], done.vars["seen"]) == ({"doubled": 6}, "ok")
    [child] = WorkflowInstance.objects.filter(parent=parent)
    assert (child.status, child.depth, str(child.parent_step_id)) == (
        "completed",
        1,
        str(step_of(parent.pk, "sub").id),
    )
    # and the instance API shows the family both ways
    parent_view = staff_client.get(f"/api/instances/{parent.pk}/").json()
    assert [c["id"] for c in parent_view["children"]] == [str(child.pk)]
    assert parent_view["children"][0]["definition"] == "child-ok"
    child_view = staff_client.get(f"/api/instances/{child.pk}/").json()
    assert (child_view["parent"], child_view["parent_step_id"]) == (str(parent.pk), str(child.parent_step_id))


def test_a_failed_child_fails_the_parent_step_and_the_parent(cluster, staff_client) -> None:
    # given: a child whose only task always fails
    cluster.worker()
    publish(chain(node("boom", "task", action="core.fail", params={"message": "nope"}), inputs=N),
            owner=staff_client.user, key="child-fails")  # fmt: skip
    parent_definition = _parent(staff_client.user, "child-fails")
    # when
    parent = instance_start(
        definition_key=parent_definition.key, input={"n": 1}, started_by=staff_client.user
    )
    # then
    done = wait_finished(parent.pk)
    [child] = WorkflowInstance.objects.filter(parent=parent)
    assert (child.status, done.status) == ("failed", "failed")
    step = step_of(parent.pk, "sub")
    assert step.status == "failed"
    assert (step.error["type"], step.error["child"]) == ("child_failed", str(child.pk))
    assert step.error["child_error"]["node_id"] == "boom"
    assert done.error["type"] == "child_failed"


def test_a_failed_child_takes_the_parent_steps_error_edge_when_there_is_one(cluster, staff_client) -> None:
    cluster.worker()
    publish(
        chain(node("boom", "task", action="core.fail"), inputs=N), owner=staff_client.user, key="child-fails"
    )
    parent_definition = _parent(staff_client.user, "child-fails", on_error=True)

    parent = instance_start(
        definition_key=parent_definition.key, input={"n": 1}, started_by=staff_client.user
    )

    done = wait_finished(parent.pk)
    assert (done.status, done.result) == ("completed", "rescued")
    assert step_of(parent.pk, "sub").status == "failed"


def test_cancelling_a_parent_cancels_its_waiting_child_and_grandchild(cluster, staff_client) -> None:
    # given: parent -> child -> grandchild, the grandchild waiting for a signal
    cluster.worker()
    publish(chain(node("hold", "signal", name="never")), owner=staff_client.user, key="grandchild")
    publish(chain(node("sub", "subworkflow", definition="grandchild")), owner=staff_client.user, key="middle")
    top = publish(chain(node("sub", "subworkflow", definition="middle")), owner=staff_client.user, key="top")
    parent = instance_start(definition_key=top.key, input={}, started_by=staff_client.user)
    child = WorkflowInstance.objects.get(parent=parent)
    grandchild = WorkflowInstance.objects.get(parent=child)
    assert (child.status, grandchild.status, grandchild.depth) == ("running", "running", 2)
    # when
    response = staff_client.post(
        f"/api/instances/{parent.pk}/cancel/", {"reason": "no longer needed"}, format="json"
    )
    # then
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert wait_status(child.pk, "cancelled").status == "cancelled"
    assert wait_status(grandchild.pk, "cancelled").status == "cancelled"
    assert step_of(grandchild.pk, "hold").status == "cancelled"
    assert step_of(parent.pk, "sub").status == "cancelled"


def test_runaway_recursion_stops_at_the_depth_limit_with_a_clear_error(
    cluster, staff_client, settings
) -> None:
    # given: a workflow that starts itself; the limit is 3 levels (FLOWDESK_SUBWORKFLOW_MAX_DEPTH)
    cluster.worker()
    assert settings.FLOWDESK_SUBWORKFLOW_MAX_DEPTH == 3
    recursive = publish(chain(node("again", "subworkflow", definition="recursive")), owner=staff_client.user,
                        key="recursive")  # fmt: skip
    # when
    root = instance_start(definition_key=recursive.key, input={}, started_by=staff_client.user)
    # then: levels 0..3 exist; the deepest could not start level 4 and every level failed
    levels = wait_for(
        lambda: list(WorkflowInstance.objects.filter(definition=recursive).order_by("depth")), what="levels"
    )
    assert [i.depth for i in levels] == [0, 1, 2, 3]
    deepest = levels[-1]
    step = step_of(deepest.pk, "again")
    assert (step.status, step.error["type"], step.error["limit"]) == (
        "failed",
        "subworkflow_depth_exceeded",
        3,
    )
    assert wait_finished(root.pk).status == "failed"
    assert all(WorkflowInstance.objects.get(pk=i.pk).status == "failed" for i in levels)


def test_a_child_definition_that_cannot_start_fails_the_parent_step_at_once(staff_client) -> None:
    # given: the child needs input the parent does not give
    publish(
        chain(inputs={"needed": {"type": "string", "required": True}}), owner=staff_client.user, key="picky"
    )
    parent_definition = publish(
        chain(node("sub", "subworkflow", definition="picky")), owner=staff_client.user
    )
    # when
    parent = instance_start(definition_key=parent_definition.key, input={}, started_by=staff_client.user)
    # then
    parent.refresh_from_db()
    step = step_of(parent.pk, "sub")
    assert step.error["type"] == "subworkflow_start_failed"
    assert step.error["cause"]["code"] == "invalid_input"
    assert parent.status == "failed"
    assert not WorkflowInstance.objects.filter(parent=parent).exists()
