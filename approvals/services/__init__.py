"""Approval services (writes). What other apps call:

- `approval_open(instance=, command=)`, `approvals_cancel(step_ids=, reason=)`: the engine adapter
- `task_decide`, `task_claim`, `task_unclaim`, `task_delegate`, `task_reassign`, `task_force_decide`,
  `tasks_decide_bulk`, `comment_add`: the API, the pages and the admin
- `sla_check_due`: the Celery beat task
"""
