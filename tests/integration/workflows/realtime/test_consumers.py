"""The WebSocket consumers, through the whole ASGI stack (origin check, session auth, routing),
fed by the real engine on PostgreSQL, on channels_redis and on the standalone in-memory layer."""

from __future__ import annotations

import threading
from typing import Any

from asgiref.sync import async_to_sync, sync_to_async
from django.db import connection, transaction

from approvals.models import ApprovalTask
from approvals.services.deciding import task_decide
from workflows.models import ExecutionEvent, WorkflowInstance
from workflows.services.instances import instance_start

from .helpers import run_scheduled_task_steps, socket

RECEIVE = 10  # seconds: generous for a loaded CI machine; the happy path takes milliseconds


def start(people: dict[str, Any], **extra: Any) -> WorkflowInstance:
    return instance_start(definition_key="live-expense", input={}, started_by=people["olivia"], **extra)


async def frames_until(communicator: Any, predicate: Any, *, limit: int = 20) -> list[dict[str, Any]]:
    """Receive frames until one satisfies `predicate`; return them all."""
    seen: list[dict[str, Any]] = []
    for _ in range(limit):
        frame = await communicator.receive_json_from(timeout=RECEIVE)
        seen.append(frame)
        if predicate(frame):
            return seen
    raise AssertionError(f"no matching frame in {seen}")


def test_instance_socket_receives_each_step_after_commit_in_sequence(
    layer: str, application: Any, people: dict[str, Any], definition: Any
) -> None:
    # given an instance whose first task is scheduled, watched by its owner
    instance = start(people)

    async def scenario() -> None:
        async with socket(application, f"/ws/instances/{instance.pk}/", people["olivia"]) as ws:
            connected, _ = await ws.connect()
            assert connected
            hello = await ws.receive_json_from(timeout=RECEIVE)
            assert hello["type"] == "hello" and hello["status"] == "running"
            # when a worker runs the task (which opens the approval)
            await sync_to_async(run_scheduled_task_steps)(instance.pk)
            frames = await frames_until(ws, lambda f: any(e["node_id"] == "ok" for e in f.get("events", [])))
            # then every event after the greeting arrives, numbered without a gap
            events = [e for frame in frames for e in frame["events"]]
            assert [e["seq"] for e in events] == list(range(hello["seq"] + 1, hello["seq"] + 1 + len(events)))
            assert all(
                frame["type"] == "events" and frame["seq"] == frame["events"][-1]["seq"] for frame in frames
            )
            work = [(e["type"], e["payload"]["status"]) for e in events if e["node_id"] == "work"]
            assert work == [("step_started", "running"), ("step_succeeded", "succeeded")]
            assert ("step_waiting", "waiting") in [
                (e["type"], e["payload"]["status"]) for e in events if e["node_id"] == "ok"
            ]

    async_to_sync(scenario)()


def test_nothing_is_pushed_before_commit_nor_for_rolled_back_work(
    layer: str, application: Any, people: dict[str, Any], definition: Any
) -> None:
    inside = threading.Event()
    release = threading.Event()
    outcome: dict[str, Any] = {}

    def start_in_a_transaction(*, commit: bool) -> None:
        try:
            with transaction.atomic():
                outcome["instance"] = start(people)
                inside.set()
                release.wait(RECEIVE)
                if not commit:
                    raise RuntimeError("roll back")
        except RuntimeError:
            outcome["rolled_back"] = True
        finally:
            inside.set()
            connection.close()  # this thread's own connection

    async def scenario() -> None:
        async with socket(application, "/ws/definitions/live-expense/", people["olivia"]) as ws:
            assert (await ws.connect())[0]
            assert (await ws.receive_json_from(timeout=RECEIVE))["type"] == "hello"
            # given an instance started in a transaction that rolls back
            worker = threading.Thread(target=start_in_a_transaction, kwargs={"commit": False})
            worker.start()
            await sync_to_async(inside.wait, thread_sensitive=False)(RECEIVE)
            release.set()
            await sync_to_async(worker.join, thread_sensitive=False)(RECEIVE)
            # then nothing is ever pushed for it
            assert outcome.get("rolled_back") is True
            assert await ws.receive_nothing(timeout=1.0)

            # given an instance started in a transaction still open
            inside.clear()
            release.clear()
            worker = threading.Thread(target=start_in_a_transaction, kwargs={"commit": True})
            worker.start()
            await sync_to_async(inside.wait, thread_sensitive=False)(RECEIVE)
            # then nothing arrives before the commit
            assert await ws.receive_nothing(timeout=1.0)
            # when it commits, its start arrives
            release.set()
            await sync_to_async(worker.join, thread_sensitive=False)(RECEIVE)
            frame = await ws.receive_json_from(timeout=RECEIVE)
            assert frame["type"] == "instances"
            assert frame["instance"] == str(outcome["instance"].pk)
            assert [e["type"] for e in frame["events"]] == ["instance_started"]
            assert frame["events"][0]["seq"] == 1
            # `seq` is where the instance's stream stands after this commit (its first steps too)
            assert frame["seq"] == outcome["instance"].last_seq

    async_to_sync(scenario)()
    assert WorkflowInstance.objects.count() == 1
    assert ExecutionEvent.objects.exclude(instance_id=outcome["instance"].pk).count() == 0


def test_a_strangers_socket_is_refused_with_4403_and_a_viewers_is_accepted(
    application: Any, people: dict[str, Any], definition: Any
) -> None:
    instance = start(people)

    async def refused(path: str, user: Any) -> Any:
        async with socket(application, path, user) as ws:
            connected, _ = await ws.connect()
            assert connected  # accepted, then closed with the reason
            return await ws.receive_output(timeout=RECEIVE)

    async def scenario() -> None:
        for path in (f"/ws/instances/{instance.pk}/", "/ws/definitions/live-expense/"):
            assert await refused(path, people["stan"]) == {"type": "websocket.close", "code": 4403}
            assert await refused(path, None) == {"type": "websocket.close", "code": 4403}
        # a missing instance looks exactly like a hidden one
        missing = "/ws/instances/00000000-0000-0000-0000-000000000000/"
        assert await refused(missing, people["olivia"]) == {"type": "websocket.close", "code": 4403}
        assert await refused("/ws/inbox/", None) == {"type": "websocket.close", "code": 4403}
        # a viewer of the definition may watch, like the API lets them read
        async with socket(application, f"/ws/instances/{instance.pk}/", people["vera"]) as ws:
            assert (await ws.connect())[0]
            assert (await ws.receive_json_from(timeout=RECEIVE))["type"] == "hello"
        # a page on another site cannot open a socket with the user's cookie
        async with socket(
            application, f"/ws/instances/{instance.pk}/", people["olivia"], origin=b"http://evil.example"
        ) as ws:
            connected, _ = await ws.connect()
            assert not connected

    async_to_sync(scenario)()


def test_inbox_socket_shows_a_task_appearing_and_being_decided_to_its_approver_only(
    layer: str, application: Any, people: dict[str, Any], definition: Any
) -> None:
    instance = start(people)

    async def scenario() -> None:
        async with (
            socket(application, "/ws/inbox/", people["bob"]) as bob,
            socket(application, "/ws/inbox/", people["stan"]) as stan,
        ):
            assert (await bob.connect())[0] and (await stan.connect())[0]
            assert (await bob.receive_json_from(timeout=RECEIVE)) == {"type": "hello", "user": "bob"}
            await stan.receive_json_from(timeout=RECEIVE)
            # when the workflow reaches the approval
            await sync_to_async(run_scheduled_task_steps)(instance.pk)
            opened = await bob.receive_json_from(timeout=RECEIVE)
            assert opened["type"] == "tasks" and opened["kind"] == "opened"
            (task,) = opened["tasks"]
            assert (
                task["instance"] == str(instance.pk) and task["node_id"] == "ok" and task["state"] == "open"
            )
            last_seq = await sync_to_async(lambda: WorkflowInstance.objects.get(pk=instance.pk).last_seq)()
            assert task["seq"] == last_seq
            # when bob decides it
            await sync_to_async(
                lambda: task_decide(task_id=task["id"], actor=people["bob"], outcome="approved")
            )()
            kinds: list[str] = []
            while "decided" not in kinds:
                frame = await bob.receive_json_from(timeout=RECEIVE)
                kinds.append(frame["kind"])
                if frame["kind"] == "decided":
                    assert frame["tasks"][0]["state"] == "decided"
                    assert frame["tasks"][0]["seq"] > task["seq"]  # the decision moved the instance on
            # then a stranger heard nothing of it
            assert await stan.receive_nothing(timeout=0.5)

    async_to_sync(scenario)()
    assert ApprovalTask.objects.get().state == "decided"


def test_a_client_that_missed_events_reads_them_from_the_events_endpoint(
    layer: str, application: Any, api_client: Any, people: dict[str, Any], definition: Any
) -> None:
    instance = start(people)

    async def greeting() -> dict[str, Any]:
        async with socket(application, f"/ws/instances/{instance.pk}/", people["olivia"]) as ws:
            assert (await ws.connect())[0]
            return await ws.receive_json_from(timeout=RECEIVE)

    # given a client that saw the instance up to seq N, then lost its socket
    first = async_to_sync(greeting)()
    # when the instance moves on meanwhile
    run_scheduled_task_steps(instance.pk)
    # then reconnecting tells it the instance is at M > N ...
    second = async_to_sync(greeting)()
    assert second["seq"] > first["seq"]
    # ... and the events endpoint gives exactly N+1..M
    api_client.force_login(people["olivia"])
    response = api_client.get(f"/api/instances/{instance.pk}/events/?after={first['seq']}")
    assert response.status_code == 200
    assert [e["seq"] for e in response.json()] == list(range(first["seq"] + 1, second["seq"] + 1))
    # and a stranger cannot read them there either
    api_client.force_login(people["stan"])
    assert api_client.get(f"/api/instances/{instance.pk}/events/?after=0").status_code == 404


def test_a_socket_whose_viewer_loses_access_is_closed_with_4403_before_the_next_frame(
    application: Any, people: dict[str, Any], definition: Any, settings: Any
) -> None:
    from workflows.models import DefinitionPermission

    settings.FLOWDESK_SOCKET_RECHECK_SECONDS = 0  # check before every frame
    instance = start(people)

    async def scenario() -> None:
        async with (
            socket(application, f"/ws/instances/{instance.pk}/", people["vera"]) as vera,
            socket(application, f"/ws/instances/{instance.pk}/", people["olivia"]) as olivia,
        ):
            assert (await vera.connect())[0] and (await olivia.connect())[0]
            await vera.receive_json_from(timeout=RECEIVE)
            await olivia.receive_json_from(timeout=RECEIVE)
            # when vera's viewer permission is withdrawn, then the workflow moves on
            await sync_to_async(lambda: DefinitionPermission.objects.filter(user=people["vera"]).delete())()
            await sync_to_async(run_scheduled_task_steps)(instance.pk)
            # then the owner still gets the events and vera's socket is closed without them
            assert (await olivia.receive_json_from(timeout=RECEIVE))["type"] == "events"
            assert await vera.receive_output(timeout=RECEIVE) == {"type": "websocket.close", "code": 4403}

    async_to_sync(scenario)()


def test_a_socket_of_a_user_who_signed_out_is_closed_with_4403(
    application: Any, people: dict[str, Any], definition: Any, settings: Any
) -> None:
    from django.contrib.sessions.models import Session

    settings.FLOWDESK_SOCKET_RECHECK_SECONDS = 0
    instance = start(people)

    async def scenario() -> None:
        async with socket(application, f"/ws/instances/{instance.pk}/", people["olivia"]) as ws:
            assert (await ws.connect())[0]
            await ws.receive_json_from(timeout=RECEIVE)
            await sync_to_async(lambda: Session.objects.all().delete())()  # signed out everywhere
            await sync_to_async(run_scheduled_task_steps)(instance.pk)
            assert await ws.receive_output(timeout=RECEIVE) == {"type": "websocket.close", "code": 4403}

    async_to_sync(scenario)()


def test_the_inbox_audience_of_a_group_task_is_its_members_and_direct_candidates(
    people: dict[str, Any], definition: Any
) -> None:
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    from tests.factories import GroupFactory, UserFactory
    from workflows.realtime.inbox import inbox_audience

    # given bob's task, also offered to a group of two and to its direct candidate bob
    instance = start(people)
    run_scheduled_task_steps(instance.pk)
    task = ApprovalTask.objects.get(instance=instance)
    finance = GroupFactory(name="finance-live")
    carl, dora = UserFactory(username="carl"), UserFactory(username="dora")
    finance.user_set.add(carl, dora, people["bob"])
    task.candidate_groups.add(finance)

    # when the audience is worked out
    with CaptureQueriesContext(db) as queries:
        audience = inbox_audience([task.pk], extra_users={people["olivia"].pk})

    # then every member, each direct candidate and the named extra user get the frame, once
    assert set(audience) == {people["bob"].pk, carl.pk, dora.pk, people["olivia"].pk}
    assert all(len(frames) == 1 and frames[0]["id"] == task.pk for frames in audience.values())
    assert len(queries) == 2
