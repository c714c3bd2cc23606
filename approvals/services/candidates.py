"""Keeping `LiveCandidate` in step with live tasks (the inbox's index).

A task's rows are rebuilt from the truth (its candidate users and groups, its holder, its
request and SLA record) by one INSERT ... SELECT whenever something they copy changes.
Receivers, connected in `ApprovalsConfig.ready()`, so every path (services, admin,
tests) keeps the rows right: candidates added or removed, a live task saved (claimed,
handed over, escalated) rebuild its rows; a task saved in a closed state loses them (one
DELETE, the only statement a decision adds); a new SLA record sets their due time.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection

from approvals.models import LIVE_STATES, ApprovalRequest, ApprovalTask, LiveCandidate, SlaRecord
from workflows.models import WorkflowDefinition, WorkflowInstance

CandidateUsers = ApprovalTask.candidate_users.through
CandidateGroups = ApprovalTask.candidate_groups.through
SEARCH_SEPARATOR = "\x1f"  # between the searched texts, so a search never spans two of them


def _sync_sql(ids: str | None) -> str:
    """INSERT ... SELECT of the rows of the live tasks whose id is in `ids` (an SQL list of
    placeholders; None: every live task). The id test is in every branch, so only those
    tasks' candidate rows are read."""
    live = ", ".join(f"'{state}'" for state in LIVE_STATES)

    def only(column: str) -> str:
        return f"{column} IN ({ids})" if ids else "1 = 1"

    title = "i.input ->> 'title'" if connection.vendor == "postgresql" else "json_extract(i.input, '$.title')"
    return f"""
        INSERT INTO {LiveCandidate._meta.db_table}
            (task_id, user_id, group_id, state, assignee_id, priority, created_at, due_at,
             definition_id, four_eyes_user_id, search)
        SELECT t.id, a.user_id, a.group_id, t.state, t.assignee_id, t.priority, t.created_at, s.due_at,
               r.definition_id, CASE WHEN r.allow_self_approval THEN NULL ELSE r.started_by_id END,
               r.name || %(sep)s || d.name || %(sep)s || d.key || %(sep)s || i.business_key
                   || %(sep)s || COALESCE({title}, '')
        FROM {ApprovalTask._meta.db_table} t
        JOIN {ApprovalRequest._meta.db_table} r ON r.id = t.request_id
        JOIN {WorkflowDefinition._meta.db_table} d ON d.id = r.definition_id
        JOIN {WorkflowInstance._meta.db_table} i ON i.id = r.instance_id
        LEFT JOIN {SlaRecord._meta.db_table} s ON s.task_id = t.id
        JOIN (
            SELECT approvaltask_id AS task_id, user_id, NULL AS group_id
            FROM {CandidateUsers._meta.db_table} WHERE {only("approvaltask_id")}
            UNION ALL
            SELECT approvaltask_id, NULL, group_id
            FROM {CandidateGroups._meta.db_table} WHERE {only("approvaltask_id")}
            UNION ALL
            SELECT id, assignee_id, NULL
            FROM {ApprovalTask._meta.db_table} WHERE assignee_id IS NOT NULL AND {only("id")}
        ) a ON a.task_id = t.id
        WHERE t.state IN ({live}) AND {only("t.id")}
    """  # noqa: S608 (table names from the models, placeholders for values)


def live_candidates_rebuild() -> None:
    """Every live task's rows, rebuilt (migrations)."""
    LiveCandidate.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(_sync_sql(None), {"sep": SEARCH_SEPARATOR})


def live_candidates_sync(task_ids: Iterable[int], *, fresh: bool = False) -> None:
    """Rebuild the rows of these tasks (none for a closed one). `fresh`: the tasks have no
    rows yet (just created), so nothing is deleted first."""
    ids = sorted({int(pk) for pk in task_ids})
    if not ids:
        return
    if not fresh:
        LiveCandidate.objects.filter(task_id__in=ids).delete()
    params: dict[str, Any] = {"sep": SEARCH_SEPARATOR} | {f"t{n}": pk for n, pk in enumerate(ids)}
    placeholders = ", ".join(f"%(t{n})s" for n in range(len(ids)))
    with connection.cursor() as cursor:
        cursor.execute(_sync_sql(placeholders), params)


def _on_candidates_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        if action != "post_add" or instance.state in LIVE_STATES:
            live_candidates_sync([instance.pk])
        return
    # instance is a user or group; pk_set holds task ids (none for a clear)
    member = {"user_id" if sender is CandidateUsers else "group_id": instance.pk}
    if pk_set:
        live_candidates_sync(pk_set)
    elif action == "post_clear":
        live_candidates_sync(LiveCandidate.objects.filter(**member).values_list("task_id", flat=True))


def _on_task_saved(sender: Any, instance: ApprovalTask, created: bool, **kwargs: Any) -> None:
    if instance.state not in LIVE_STATES:
        if not created:
            LiveCandidate.objects.filter(task_id=instance.pk).delete()
    elif not created or instance.assignee_id is not None:  # a new task's candidates come later
        live_candidates_sync([instance.pk], fresh=created)


def _on_sla_saved(sender: Any, instance: SlaRecord, created: bool, **kwargs: Any) -> None:
    if created and instance.task_id is not None:
        LiveCandidate.objects.filter(task_id=instance.task_id).update(due_at=instance.due_at)


def connect_live_candidates() -> None:
    from django.db.models.signals import m2m_changed, post_save

    m2m_changed.connect(_on_candidates_changed, sender=CandidateUsers, dispatch_uid="approvals-live-users")
    m2m_changed.connect(_on_candidates_changed, sender=CandidateGroups, dispatch_uid="approvals-live-groups")
    post_save.connect(_on_task_saved, sender=ApprovalTask, dispatch_uid="approvals-live-task")
    post_save.connect(_on_sla_saved, sender=SlaRecord, dispatch_uid="approvals-live-sla")
