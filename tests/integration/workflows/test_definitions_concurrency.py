"""Two editors saving one draft with the same ETag: exactly one wins, nothing of the other is stored."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import DefinitionFactory, DefinitionPermissionFactory, UserFactory
from workflows.models import Role, WorkflowDefinition
from workflows.services.definitions import definition_update

pytestmark = pytest.mark.django_db(transaction=True)


def _in_thread(target: Callable[[], Any], results: list[Any]) -> threading.Thread:
    def run() -> None:
        try:
            results.append(target())
        except Exception as exc:  # recorded for the assertion, not swallowed
            results.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _put(user: Any, key: str, name: str, etag: str) -> int:
    client = APIClient()
    client.force_authenticate(user)
    url = reverse("api:definition-detail", kwargs={"key": key})
    return client.put(url, {"name": name}, format="json", HTTP_IF_MATCH=etag).status_code


def _waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return cursor.fetchone()[0] > 0


def test_second_writer_blocked_on_the_row_gets_412_once_the_first_commits() -> None:
    # given a definition and two editors holding its revision 1
    definition = DefinitionFactory(name="Original")
    second_editor = DefinitionPermissionFactory(definition=definition, role=Role.EDITOR).user
    first_saved, release = threading.Event(), threading.Event()

    def first_writer() -> int:
        with transaction.atomic():
            stale = WorkflowDefinition.objects.get(pk=definition.pk)
            saved = definition_update(
                definition=stale, actor=definition.owner, expected_revision=1, name="First"
            )
            first_saved.set()
            assert release.wait(10)
        return saved.revision

    results_first: list[Any] = []
    results_second: list[Any] = []
    first = _in_thread(first_writer, results_first)
    assert first_saved.wait(10)
    # when the second editor saves while the first still holds the row lock
    second = _in_thread(lambda: _put(second_editor, definition.key, "Second", '"1"'), results_second)
    deadline = time.monotonic() + 10
    while not _waiting_on_a_lock():
        assert time.monotonic() < deadline, "the second writer never waited for the row lock"
        time.sleep(0.01)
    release.set()
    first.join(10)
    second.join(10)
    # then the first wins, the second is refused and its change is not stored
    assert results_first == [2]
    assert results_second == [412]
    stored = WorkflowDefinition.objects.get(pk=definition.pk)
    assert (stored.name, stored.revision) == ("First", 2)


def test_two_simultaneous_saves_with_one_etag_exactly_one_succeeds() -> None:
    # given
    definition = DefinitionFactory(name="Original")
    other = UserFactory(is_staff=True)
    start = threading.Barrier(2)
    results: list[Any] = []

    def save(user: Any, name: str) -> Callable[[], tuple[str, int]]:
        def run() -> tuple[str, int]:
            start.wait(10)
            return name, _put(user, definition.key, name, '"1"')

        return run

    # when both save at once, many times over
    threads = [_in_thread(save(definition.owner, "Ada"), results), _in_thread(save(other, "Bob"), results)]
    for thread in threads:
        thread.join(20)
    # then exactly one got 200 and the stored name is the winner's
    statuses = sorted(status for _, status in results)
    assert statuses == [200, 412], results
    winner = next(name for name, status in results if status == 200)
    stored = WorkflowDefinition.objects.get(pk=definition.pk)
    assert (stored.name, stored.revision) == (winner, 2)
