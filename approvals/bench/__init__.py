"""The approvals benchmark section: `approvals_rows(user=, quick=)`.

Called by `manage.py bench --sections approvals` inside a running Celery worker.
Needs PostgreSQL. The tasks are generated once (data.generate_tasks) and reused.
"""

from __future__ import annotations

import time
from typing import Any

from workflows.bench.scenarios import Row


def approvals_rows(*, user: Any, quick: bool) -> list[Row]:
    from approvals.bench.data import generate_tasks, stored_tasks
    from approvals.bench.deciding import decide_rows
    from approvals.bench.inbox import inbox_rows

    total = 10_000 if quick else 1_000_000
    started = time.perf_counter()
    added = generate_tasks(user=user, total=total)
    generated_s = time.perf_counter() - started
    rows = [
        Row("approvals: tasks stored (100 users, 20 groups)", stored_tasks(), ""),
        Row("approvals: tasks generated this run (COPY)", added, f"in {generated_s:.0f} s"),
    ]
    rows += inbox_rows(repeats=10 if quick else 30)
    rows += decide_rows(user=user, decisions=10 if quick else 50)
    return rows
