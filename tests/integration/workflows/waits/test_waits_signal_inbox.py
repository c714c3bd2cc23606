"""The signal inbox end to end: daphne accepts signals with a token and answers before
they are applied; a real Celery worker applies them; an accepted signal whose message
was lost is applied by the sweep task; a killed worker loses none."""

from __future__ import annotations

import http.client
import json
import os
import signal
from typing import Any

import pytest
from rest_framework.authtoken.models import Token
from waits_support import node, publish, wait_finished

from tests.support.processes import daphne_args, free_port, running, wait_for_http
from workflows.models import ReceivedSignal, WorkflowInstance
from workflows.services.instances import instance_start
from workflows.waits.signals import signal_accept_checked

pytestmark = pytest.mark.django_db(transaction=True)


def _graph() -> dict[str, Any]:
    from waits_support import edge, graph

    nodes = [
        node("start", "start"),
        node("wait", "signal", name="go"),
        node("done", "end", result="signalled"),
    ]
    return graph(nodes, [edge("e1", "start", "wait"), edge("e2", "wait", "done")])


def _post(port: int, token: str, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    conn.request("POST", path, body=json.dumps(body), headers=headers)
    response = conn.getresponse()
    return response.status, json.loads(response.read() or b"{}")


def test_daphne_accepts_signals_and_a_worker_applies_them(cluster, staff, tmp_path) -> None:
    # given: a worker, a web node, three instances waiting for "go"
    cluster.worker()
    publish(_graph(), owner=staff, key="inbox-e2e")
    instances = [instance_start(definition_key="inbox-e2e", input={}, started_by=staff) for _ in range(3)]
    token = Token.objects.create(user=staff).key
    port = free_port()
    env = {**cluster.env, "DB_POOL_MAX_SIZE": "4", "SECURE_SSL_REDIRECT": "false"}
    with running(daphne_args(port), env, log=tmp_path / "daphne.log") as web:
        wait_for_http(f"http://127.0.0.1:{port}/accounts/login/", timeout=60, process=web)
        # when
        answers = [
            _post(
                port,
                token,
                f"/api/instances/{i.pk}/signals/",
                {"name": "go", "payload": {"n": n}, "id": f"s{n}"},
            )
            for n, i in enumerate(instances)
        ]
        again = _post(port, token, f"/api/instances/{instances[0].pk}/signals/", {"name": "go", "id": "s0"})
        # then: accepted at once, applied by the worker
        assert [status for status, _ in answers] == [202, 202, 202]
        assert {body["signal"]["status"] for _, body in answers} == {"accepted"}
        assert again[0] == 200 and again[1]["duplicate"] is True
        for n, instance in enumerate(instances):
            done = wait_finished(instance.pk)
            assert (done.status, done.result) == ("completed", "signalled")
            stored = ReceivedSignal.objects.get(instance=instance)
            assert (stored.status, stored.payload) == ("delivered", {"n": n})


def test_an_accepted_signal_whose_message_was_lost_is_applied_by_the_sweep(cluster, staff) -> None:
    from workflows.waits.signal_tasks import signals_apply_pending_task

    # given: a signal stored without its message (the web process died after the commit)
    cluster.worker()
    publish(_graph(), owner=staff, key="inbox-lost")
    instance = instance_start(definition_key="inbox-lost", input={}, started_by=staff)
    signal_accept_checked(instance_id=instance.pk, name="go", payload=1, actor=staff, dispatch=False)
    ReceivedSignal.objects.filter(instance=instance).update(received_at=_an_hour_ago())
    # when: beat's sweep runs on the worker
    signals_apply_pending_task.delay()
    # then
    assert wait_finished(instance.pk).status == "completed"
    assert ReceivedSignal.objects.get(instance=instance).status == "delivered"


def _an_hour_ago() -> Any:
    from datetime import timedelta

    from django.utils import timezone

    return timezone.now() - timedelta(hours=1)


def test_signals_accepted_while_the_worker_is_killed_are_all_applied_by_its_successor(cluster, staff) -> None:
    # given: a worker killed (SIGKILL) right after signals were accepted and sent to it
    publish(_graph(), owner=staff, key="inbox-kill")
    instances = [instance_start(definition_key="inbox-kill", input={}, started_by=staff) for _ in range(20)]
    worker = cluster.worker("doomed")
    for n, instance in enumerate(instances):
        signal_accept_checked(instance_id=instance.pk, name="go", signal_id=f"k{n}", actor=staff)
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    ReceivedSignal.objects.filter(status="accepted").update(
        received_at=_an_hour_ago()
    )  # past the sweep's grace
    # when: a new worker starts
    cluster.worker("successor")
    from workflows.waits.signal_tasks import signals_apply_pending_task

    signals_apply_pending_task.delay()
    # then: every instance completed exactly once
    for instance in instances:
        assert wait_finished(instance.pk).status == "completed"
    assert ReceivedSignal.objects.filter(instance__in=instances, status="delivered").count() == 20
    assert WorkflowInstance.objects.filter(pk__in=[i.pk for i in instances], status="completed").count() == 20


def _request(port: int, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("POST", path, body=body, headers=headers)
    response = conn.getresponse()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()


def test_the_fast_path_accepts_like_the_view_and_leaves_every_refusal_to_django(
    cluster, staff, tmp_path
) -> None:
    # given: the same instances behind config.asgi and behind the fast path
    cluster.worker()
    publish(_graph(), owner=staff, key="inbox-fast")
    instances = [instance_start(definition_key="inbox-fast", input={}, started_by=staff) for _ in range(4)]
    token = Token.objects.create(user=staff).key
    env = {**cluster.env, "SECURE_SSL_REDIRECT": "false"}
    plain, fast = free_port(), free_port()
    auth = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    with (  # both serve config.asgi:application, as web nodes do: the fast path off, then on
        running(
            daphne_args(plain), {**env, "FLOWDESK_SIGNAL_FAST_PATH": "false"}, log=tmp_path / "plain.log"
        ) as a,
        running(
            daphne_args(fast), {**env, "FLOWDESK_SIGNAL_FAST_PATH": "true"}, log=tmp_path / "fast.log"
        ) as b,
    ):
        for port, process in ((plain, a), (fast, b)):
            wait_for_http(f"http://127.0.0.1:{port}/accounts/login/", timeout=60, process=process)

        def both(
            n: int, body: Any, headers: dict[str, str] = auth
        ) -> list[tuple[int, dict[str, str], bytes]]:
            raw = body if isinstance(body, bytes) else json.dumps(body).encode()
            path = f"/api/instances/{instances[n].pk}/signals/"
            return [_request(port, path, raw, headers) for port in (plain, fast)]

        # when / then: a new signal is accepted by both, with the same headers and body shape
        django_answer, fast_answer = (
            both(0, {"name": "go", "id": "x"})[0],
            _request(fast, f"/api/instances/{instances[1].pk}/signals/", b'{"name": "go", "id": "x"}', auth),
        )
        assert (django_answer[0], fast_answer[0]) == (202, 202)
        ignored = {"date", "server", "x-correlation-id", "content-length"}
        assert set(fast_answer[1]) - ignored == set(django_answer[1]) - ignored
        assert set(json.loads(fast_answer[2])["signal"]) == set(json.loads(django_answer[2])["signal"])
        # refusals are Django's own answers, byte for byte
        for body in ({"name": "other"}, {"name": 5}, {"nope": 1}, b"{bad json"):
            refused = both(2, body)
            assert refused[0][0] == refused[1][0] and refused[0][2] == refused[1][2], body
        repeated = both(0, {"name": "go", "id": "x"})  # the worker may apply it in between
        assert [(status, json.loads(body)["duplicate"]) for status, _, body in repeated] == [(200, True)] * 2
        bad_token = both(3, {"name": "go"}, {**auth, "Authorization": "Token nope"})
        assert bad_token[0][0] == bad_token[1][0] == 401 and bad_token[0][2] == bad_token[1][2]
        session = both(3, {"name": "go"}, {"Content-Type": "application/json", "Cookie": "sessionid=abc"})
        assert session[0][0] == session[1][0] and session[0][2] == session[1][2]
        # and what was accepted is applied by the worker
        for instance in instances[:2]:
            assert wait_finished(instance.pk).status == "completed"
    assert ReceivedSignal.objects.filter(instance__in=instances[2:]).count() == 0
