# ruff: noqa: S608  (SQL built from the table-name constant; values are parameters)
"""The execution event stream is append-only and tamper-evident; verify_audit finds tampering."""

from __future__ import annotations

import hashlib
import subprocess
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from tests.support.processes import PYTHON, REPO, process_env
from workflows.audit.sql import DIGEST_TAG, TABLE
from workflows.models import ExecutionEvent
from workflows.models.events import AppendOnlyError
from workflows.services.instances import instance_start

from .conftest import run_scheduled


def finished_instance(people: dict[str, Any]) -> Any:
    instance = instance_start(definition_key="echo-flow", input={}, started_by=people["olivia"])
    run_scheduled(instance.pk)
    instance.refresh_from_db()
    assert instance.status == "completed"
    return instance


def tamper(sql: str, params: list[Any]) -> None:
    """Change stored events the way someone with database access could: around the guard."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER flowdesk_event_append_only")
        cursor.execute(sql, params)
        cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER flowdesk_event_append_only")


def test_every_event_is_sealed_over_its_content_and_the_previous_hash(
    people: dict[str, Any], echo_flow: Any
) -> None:
    instance = finished_instance(people)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT seq, type, prev_hash, hash, payload::text, step_id, node_id, actor_id, "
            f"to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US') FROM {TABLE} "
            "WHERE instance_id = %s ORDER BY seq",
            [instance.pk],
        )
        rows = cursor.fetchall()
    assert [row[0] for row in rows] == list(range(1, instance.last_seq + 1))
    previous = ""
    for seq, type_, prev_hash, sealed, payload, step_id, node_id, actor_id, at in rows:
        assert prev_hash == previous
        content = "\n".join(
            [DIGEST_TAG, prev_hash, str(instance.pk), str(seq), type_, str(step_id or ""), node_id,
             str(actor_id or ""), payload, at]
        )  # fmt: skip
        assert sealed == hashlib.sha256(content.encode()).hexdigest()
        previous = sealed
    call_command("verify_audit")  # raises on a broken chain


def test_events_cannot_be_changed_or_deleted_one_by_one(people: dict[str, Any], echo_flow: Any) -> None:
    instance = finished_instance(people)
    event = ExecutionEvent.objects.filter(instance=instance).first()
    assert event is not None
    event.payload = {"status": "rewritten"}
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        ExecutionEvent.objects.filter(instance=instance).update(type="x")
    with pytest.raises(AppendOnlyError):
        ExecutionEvent.objects.filter(instance=instance).delete()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"UPDATE {TABLE} SET type = 'x' WHERE instance_id = %s", [instance.pk])


def test_verify_audit_reports_the_first_edited_event_and_exits_non_zero(
    people: dict[str, Any], echo_flow: Any, test_database_url: str
) -> None:
    # given two finished instances, one of which had its event 4 edited in the database
    intact = finished_instance(people)
    edited = finished_instance(people)
    tamper(
        f"UPDATE {TABLE} SET payload = payload || '{{\"attempt\": 9}}'::jsonb WHERE instance_id = %s AND seq >= 4",
        [edited.pk],
    )

    # when verify_audit runs as an operator would run it
    result = subprocess.run(
        [PYTHON, "manage.py", "verify_audit"],
        cwd=REPO,
        env=process_env({"DATABASE_URL": test_database_url}),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    # then it names the first broken link, and only the edited instance
    assert result.returncode == 1, result.stdout + result.stderr
    assert (
        f"First broken link: instance {edited.pk}, event 4: its content does not match its hash"
        in result.stdout
    )
    assert str(intact.pk) not in result.stdout + result.stderr


def test_verify_audit_finds_a_removed_event_a_rewritten_hash_and_a_cut_off_tail(
    people: dict[str, Any], echo_flow: Any
) -> None:
    removed, rewritten, cut = (finished_instance(people) for _ in range(3))
    tamper(f"DELETE FROM {TABLE} WHERE instance_id = %s AND seq = 3", [removed.pk])
    tamper(f"UPDATE {TABLE} SET hash = repeat('0', 64) WHERE instance_id = %s AND seq = 5", [rewritten.pk])
    tamper(f"DELETE FROM {TABLE} WHERE instance_id = %s AND seq > 6", [cut.pk])

    with pytest.raises(CommandError):
        call_command("verify_audit")

    from workflows.audit.verify import audit_verify

    report = audit_verify()
    broken = {link.instance_id: link for link in report.broken or []}
    assert set(broken) == {str(removed.pk), str(rewritten.pk), str(cut.pk)}
    assert (broken[str(removed.pk)].seq, broken[str(removed.pk)].reason) == (
        4,
        "event 3 is missing (the next one found is 4)",
    )
    assert broken[str(rewritten.pk)].seq == 5
    assert "does not match its hash" in broken[str(rewritten.pk)].reason
    assert broken[str(cut.pk)].seq == 7 and "cut off the end" in broken[str(cut.pk)].reason


def test_the_admin_shows_events_read_only(client: Any, people: dict[str, Any], echo_flow: Any) -> None:
    instance = finished_instance(people)
    event = ExecutionEvent.objects.filter(instance=instance).order_by("seq").first()
    assert event is not None
    client.force_login(people["admin"])

    listing = client.get("/admin/workflows/executionevent/")
    page = client.get(f"/admin/workflows/executionevent/{event.pk}/change/")
    post = client.post(f"/admin/workflows/executionevent/{event.pk}/change/", {"type": "forged"})

    assert listing.status_code == 200 and "instance_started" in listing.content.decode()
    assert page.status_code == 200 and event.hash in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert post.status_code == 403
    assert client.get(f"/admin/workflows/executionevent/{event.pk}/delete/").status_code == 403
    assert client.get("/admin/workflows/executionevent/add/").status_code == 403
