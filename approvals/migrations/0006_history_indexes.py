"""Indexes for the inbox's history scopes at scale (built concurrently: no write lock).

`done` ("decided by me") pages off decision (user, decided_at desc, task desc);
`all` ("everything I can see") walks tasks by (created_at desc, id desc) and counts
the user's task ids from index-only scans of the candidate tables and the holder index.
"""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models

THROUGH_INDEXES = [  # auto-created M2M tables: no model to declare them on
    ("approvals_approvaltask_candidate_users", "task_cand_users_user_task", "user_id, approvaltask_id"),
    ("approvals_approvaltask_candidate_groups", "task_cand_groups_group_task", "group_id, approvaltask_id"),
]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("approvals", "0005_live_candidate_search"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="decision",
            index=models.Index(fields=["user", "-decided_at", "-task"], name="decision_user_recent"),
        ),
        AddIndexConcurrently(
            model_name="approvaltask",
            index=models.Index(fields=["-created_at", "-id"], name="task_created_recent"),
        ),
        AddIndexConcurrently(
            model_name="approvaltask",
            index=models.Index(fields=["assignee", "id"], name="task_assignee_ids"),
        ),
        *(
            migrations.RunSQL(
                f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {table} ({columns})",
                f"DROP INDEX CONCURRENTLY IF EXISTS {name}",
            )
            for table, name, columns in THROUGH_INDEXES
        ),
    ]
