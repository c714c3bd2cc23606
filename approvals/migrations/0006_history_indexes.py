"""Indexes for the inbox's history scopes at scale (built concurrently on PostgreSQL: no
write lock; plainly elsewhere, e.g. standalone SQLite).

`done` ("decided by me") pages off decision (user, decided_at desc, task desc);
`all` ("everything I can see") walks tasks by (created_at desc, id desc) and counts
the user's task ids from index-only scans of the candidate tables and the holder index.
"""

from typing import Any

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models
from django.db.migrations.operations import AddIndex

THROUGH_INDEXES = [  # auto-created M2M tables: no model to declare them on
    ("approvals_approvaltask_candidate_users", "task_cand_users_user_task", "user_id, approvaltask_id"),
    ("approvals_approvaltask_candidate_groups", "task_cand_groups_group_task", "group_id, approvaltask_id"),
]


class AddIndexConcurrentlyOnPostgres(AddIndexConcurrently):
    """CONCURRENTLY on PostgreSQL; a plain index on other databases."""

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        else:
            AddIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
        else:
            AddIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)


def through_indexes(apps: Any, schema_editor: Any) -> None:
    concurrently = " CONCURRENTLY" if schema_editor.connection.vendor == "postgresql" else ""
    for table, name, columns in THROUGH_INDEXES:
        schema_editor.execute(f"CREATE INDEX{concurrently} IF NOT EXISTS {name} ON {table} ({columns})")


def drop_through_indexes(apps: Any, schema_editor: Any) -> None:
    concurrently = " CONCURRENTLY" if schema_editor.connection.vendor == "postgresql" else ""
    for _, name, _ in THROUGH_INDEXES:
        schema_editor.execute(f"DROP INDEX{concurrently} IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("approvals", "0005_live_candidate_search"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="decision",
            index=models.Index(fields=["user", "-decided_at", "-task"], name="decision_user_recent"),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="approvaltask",
            index=models.Index(fields=["-created_at", "-id"], name="task_created_recent"),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="approvaltask",
            index=models.Index(fields=["assignee", "id"], name="task_assignee_ids"),
        ),
        migrations.RunPython(through_indexes, drop_through_indexes),
    ]
