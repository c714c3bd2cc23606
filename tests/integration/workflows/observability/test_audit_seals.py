# ruff: noqa: S608  (SQL built from the table-name constant; values are parameters)
"""Keyed seals: a chain rewritten with every hash recomputed (possible for anyone who can
write the table) passes the chain check but not its seal; a forged seal fails its MAC."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

from workflows.audit.seals import seal_finished, seal_mac
from workflows.audit.sql import PG_DIGEST_OF_ROW, TABLE
from workflows.audit.verify import audit_verify
from workflows.models import AuditSeal

from .test_audit import finished_instance, tamper

LATER = timedelta(minutes=1)  # past the settle time: the instances' last events are committed


def rewrite_whole_chain_from(instance_id: Any, seq: int) -> None:
    """Edit event `seq` and recompute its hash and every later hash and link, in order."""
    tamper(
        f"UPDATE {TABLE} SET payload = payload || '{{\"forged\": true}}'::jsonb "
        "WHERE instance_id = %s AND seq = %s",
        [instance_id, seq],
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT max(seq) FROM {TABLE} WHERE instance_id = %s", [instance_id])
        (last,) = cursor.fetchone()
    for n in range(seq, last + 1):
        tamper(
            f"UPDATE {TABLE} SET prev_hash = coalesce((SELECT p.hash FROM {TABLE} p "
            f"WHERE p.instance_id = %s AND p.seq = %s), '') WHERE instance_id = %s AND seq = %s",
            [instance_id, n - 1, instance_id, n],
        )
        tamper(
            f"UPDATE {TABLE} SET hash = {PG_DIGEST_OF_ROW.format(p='')} WHERE instance_id = %s AND seq = %s",
            [instance_id, n],
        )


def test_finished_instances_are_sealed_once_and_sealing_again_writes_nothing(
    people: dict[str, Any], echo_flow: Any
) -> None:
    first, second = finished_instance(people), finished_instance(people)

    assert seal_finished(now=timezone.now()) == 0  # not settled yet
    assert seal_finished(now=timezone.now() + LATER) == 2
    assert seal_finished(now=timezone.now() + LATER) == 0

    seal = AuditSeal.objects.get(instance=first)
    assert seal.last_seq == first.last_seq
    assert seal.mac == seal_mac(str(first.pk), first.last_seq, seal.tail_hash)
    report = audit_verify()
    assert report.ok and report.seals == 2 and AuditSeal.objects.filter(instance=second).exists()


def test_a_chain_rewritten_with_every_hash_recomputed_fails_its_seal_only(
    people: dict[str, Any], echo_flow: Any
) -> None:
    intact, rewritten = finished_instance(people), finished_instance(people)
    seal_finished(now=timezone.now() + LATER)

    rewrite_whole_chain_from(rewritten.pk, 3)

    report = audit_verify()
    assert [(link.instance_id, link.seq) for link in report.broken or []] == [
        (str(rewritten.pk), rewritten.last_seq)
    ]
    assert "no longer ends in the sealed hash" in report.broken[0].reason
    assert str(intact.pk) not in {link.instance_id for link in report.broken}


def test_a_seal_moved_to_a_rewritten_chain_without_the_key_fails_its_mac(
    people: dict[str, Any], echo_flow: Any
) -> None:
    instance = finished_instance(people)
    seal_finished(now=timezone.now() + LATER)
    rewrite_whole_chain_from(instance.pk, 2)
    with connection.cursor() as cursor:  # the attacker points the seal at the new tail
        cursor.execute(
            f"UPDATE {AuditSeal._meta.db_table} SET tail_hash = (SELECT hash FROM {TABLE} "
            "WHERE instance_id = %s AND seq = %s) WHERE instance_id = %s",
            [instance.pk, instance.last_seq, instance.pk],
        )

    report = audit_verify()

    assert [link.reason for link in report.broken or []] == [
        "its seal does not match (the seal was forged or edited)"
    ]
