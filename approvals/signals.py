"""The live-update hook: `tasks_changed` is sent after commit whenever tasks change.

A later issue connects a receiver that pushes to Channels (the inbox's live
updates); today nothing listens but the tests. Receivers get `task_ids` (list of
ints), `kind` (an approvals.models.TaskEventKind value) and `user_ids` (who may
want to refresh: holders and candidates).
"""

from __future__ import annotations

from django.dispatch import Signal

tasks_changed = Signal()
